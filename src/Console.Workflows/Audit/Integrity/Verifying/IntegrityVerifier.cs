using System.Data;
using System.Diagnostics;
using Console.Workflows.Audit.Integrity.Chaining;
using Console.Workflows.Audit.Integrity.Checkpoints;
using Console.Workflows.Audit.Integrity.Tree;
using Npgsql;

namespace Console.Workflows.Audit.Integrity.Verifying;

/// <summary>
/// Recomputes the chain from the stored events and checks every checkpoint: each chain entry's link (prev_hash is
/// the previous entry's hash), each event's content against its entry, every checkpoint's signature with a trusted
/// key and its hash against the entry at its position, and the Merkle tree: each stored leaf against its event, each
/// stored subtree against the tree rebuilt from the events, and each signed tree head's root; then every document
/// decisions read against the one its events give (<see cref="Documents.DocumentVerifier"/>). Events (binary COPY,
/// <see cref="EventReadAhead"/>) and chain entries (<see cref="ChainReadAhead"/>) stream in sequence order on two
/// connections sharing one repeatable-read snapshot, each parsed on a thread of its own, and are merged by the
/// <see cref="ChainWalk"/>; no per-row round trips. The documents are checked on the same snapshot. The report says
/// how long each stage took.
/// </summary>
public sealed class IntegrityVerifier(AuditDatabase database, CheckpointKeyring keys, TimeProvider time, AuditIntegrityOptions? options = null)
{
    /// <summary>How many breaks a report lists (all are counted).</summary>
    public const int MaxBreaksListed = 50;

    /// <summary>The stage of a read of the chain in stored order given up because it was not sequence order.</summary>
    internal const string AbandonedStage = "chain entries not stored in sequence order: read again in sequence order";

    private const int ProgressEvery = 16_384;

    // Whether this database's chain entries were stored in sequence order at the last run: if not, the next run reads
    // them ordered straight away instead of finding out again.
    private volatile bool _chainInStoredOrder = true;

    public async Task<VerificationReport> VerifyAsync(IProgress<VerificationProgress>? progress = null, CancellationToken ct = default)
    {
        var startedAt = time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        var trust = keys.Get();
        TimeSpan? abandoned = null;
        if (_chainInStoredOrder)
        {
            try
            {
                return await VerifyAsync(startedAt, clock, trust, storedOrder: true, abandoned: null, progress, ct);
            }
            catch (ChainNotInSequenceOrderException)
            {
                // Nothing of that walk is kept: the ordered read below is a verification of its own, on a new snapshot.
                _chainInStoredOrder = false;
                abandoned = clock.Elapsed;
            }
        }

        return await VerifyAsync(startedAt, clock, trust, storedOrder: false, abandoned, progress, ct);
    }

    private async Task<VerificationReport> VerifyAsync(
        DateTimeOffset startedAt, Stopwatch clock, CheckpointKeys trust, bool storedOrder, TimeSpan? abandoned,
        IProgress<VerificationProgress>? progress, CancellationToken ct)
    {

        // Two connections on one snapshot: events and chain entries each stream in sequence order from their own index,
        // and are merged here. (One UNION ALL query would make PostgreSQL sort a million rows with their data.)
        await using var connection = await database.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await EnsureTablesAsync(connection, transaction, ct);
        var snapshot = await ScalarAsync<string>(connection, transaction, "set local enable_sort = off; select pg_export_snapshot()", ct);
        await using var chainConnection = await database.OpenAsync(ct);
        await using var chainTransaction = await chainConnection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await ScalarAsync<object>(chainConnection, chainTransaction,
            $"set transaction snapshot '{snapshot}'; set local enable_sort = off; set local synchronize_seqscans = off; select 1", ct);

        var (headPosition, headSequence, pending) = await ReadHeadAsync(connection, transaction, ct);
        var checkpoints = await ReadCheckpointsAsync(connection, transaction, ct);
        var documents = new Documents.DocumentVerifier(database);
        var created = new Documents.CreatedStreams(documents.Checks);
        var walk = new ChainWalk(trust, checkpoints, headPosition, headSequence, WitnessedHeads(trust));
        var stages = new Stages(clock);
        if (abandoned is { } spent)
            stages.Add(AbandonedStage, spent);
        stages.End("snapshot, chain head, checkpoints, witnessed heads");

        {
            // Three threads: the chain entries are parsed on one, the events encoded and leaf-hashed on another, while
            // this one merges them, hashes the chain and rebuilds the tree. Both by binary COPY: no per-value work in Npgsql.
            await using var chainCopy = await chainConnection.BeginRawBinaryCopyAsync(ChainReadAhead.CopySql(database.Chain, storedOrder), ct);
            await using var chain = ChainReadAhead.Open(chainCopy, ct);
            await using var copy = await connection.BeginRawBinaryCopyAsync(EventReadAhead.CopySql(database.Events, headSequence), ct);
            await using var events = EventReadAhead.Open(copy, created, ct);
            var moreEvents = await events.ReadAsync(ct);
            var moreChain = await chain.ReadAsync(ct);
            var rows = 0L;
            var lastChainSeq = long.MinValue;
            while (moreEvents || moreChain)
            {
                var eventSeq = moreEvents ? events.Current.Sequence : long.MaxValue;
                var chainSeq = moreChain ? chain.Current.Sequence : long.MaxValue;
                if (moreChain && storedOrder)
                {
                    // The merge needs both streams in sequence order: a row out of it means the table's order is not that.
                    if (chainSeq <= lastChainSeq)
                        throw new ChainNotInSequenceOrderException(chainSeq, lastChainSeq);
                }

                if (eventSeq < chainSeq)
                {
                    walk.EventOnly(events.Current);
                    moreEvents = await events.ReadAsync(ct);
                }
                else if (chainSeq < eventSeq)
                {
                    lastChainSeq = chainSeq;
                    walk.EntryOnly(chain.Current);
                    moreChain = await chain.ReadAsync(ct);
                }
                else
                {
                    lastChainSeq = chainSeq;
                    walk.Pair(events.Current, chain.Current);
                    moreEvents = await events.ReadAsync(ct);
                    moreChain = await chain.ReadAsync(ct);
                }

                if (++rows % ProgressEvery == 0)
                    progress?.Report(new VerificationProgress(walk.Sequence, headSequence));
            }
        }

        stages.End("events and chain entries merged, hashed, tree rebuilt");
        await chainTransaction.CommitAsync(ct);
        await using (var treeCommand = new NpgsqlCommand($"select level, idx, hash from {database.Tree} order by level, idx", connection, transaction))
        {
            treeCommand.CommandTimeout = 0;
            await using var stored = await treeCommand.ExecuteReaderAsync(ct);
            while (await stored.ReadAsync(ct))
                walk.StoredNode(new TreeNode(stored.GetInt32(0), stored.GetInt64(1)), stored.GetFieldValue<byte[]>(2));
        }

        walk.Finish();
        stages.End("stored subtrees compared");

        // The documents on the same snapshot: the walk saw the creating events up to the chain head, one indexed query
        // finds those after it, so a deleted document is found without another pass over mt_events.
        await ScalarAsync<object>(connection, transaction, "set local enable_sort = on; select 1", ct);
        await created.ReadAsync(connection, transaction, database.Events, headSequence, ct);
        var documentStage = await documents.VerifyAsync(connection, transaction, created, ct);
        await transaction.CommitAsync(ct);
        stages.End("documents rebuilt and compared");
        progress?.Report(new VerificationProgress(headSequence, headSequence));
        return Documents.DocumentVerifier.AddTo(new VerificationReport(
            startedAt, clock.Elapsed, walk.EntriesChecked, headPosition, headSequence, pending, walk.CheckpointsChecked,
            checkpoints.Count > 0 ? checkpoints[^1].Number : null, walk.BreaksFound, walk.Breaks), documentStage, clock.Elapsed) with
        {
            Stages = stages.Ended,
        };
    }

    /// <summary>The heads witnessed outside the database: the console's witness file and the configured witnesses' stores.</summary>
    private List<(Checkpoint? Head, string Source)> WitnessedHeads(CheckpointKeys trust)
    {
        if (options is null)
            return [];
        var sources = new[] { new Witnessing.WitnessFile(options).Path }.Concat(options.WitnessStoreFiles.Where(f => !string.IsNullOrWhiteSpace(f)));
        var heads = new List<(Checkpoint?, string)>();
        foreach (var source in sources)
        {
            foreach (var head in Witnessing.WitnessFile.Read(source))
            {
                var (parsed, _) = Proofs.ProofCheck.TreeHead(head, trust.Verify);
                heads.Add((parsed, $"{source}, tree head #{head.Number}"));
            }
        }

        return heads;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }

    private async Task EnsureTablesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"select to_regclass('{database.Events}') is not null and to_regclass('{database.Chain}') is not null " +
            $"and to_regclass('{database.Checkpoints}') is not null and to_regclass('{database.Tree}') is not null", connection, transaction);
        if (await command.ExecuteScalarAsync(ct) is not true)
            throw new InvalidOperationException(
                $"The database has no audit chain tables in schema {database.Schema}: start the console once so it creates its schema.");
    }

    private async Task<(long Position, long Sequence, long Pending)> ReadHeadAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"select coalesce(max(position), 0), coalesce(max(seq_id), 0) from {database.Chain};" +
            $"select count(*) from {database.Events} where seq_id > (select coalesce(max(seq_id), 0) from {database.Chain})",
            connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var position = reader.GetInt64(0);
        var sequence = reader.GetInt64(1);
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        return (position, sequence, reader.GetInt64(0));
    }

    internal static async Task<List<Checkpoint>> ReadCheckpointsAsync(
        AuditDatabase database, NpgsqlConnection connection, NpgsqlTransaction? transaction, string where, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"select number, position, seq_id, entry_hash, created_at, key_id, signature, root_hash from {database.Checkpoints} {where} order by number",
            connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var list = new List<Checkpoint>();
        while (await reader.ReadAsync(ct))
        {
            list.Add(new Checkpoint(
                reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetFieldValue<byte[]>(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetString(5), reader.GetFieldValue<byte[]>(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<byte[]>(7)));
        }

        return list;
    }

    private Task<List<Checkpoint>> ReadCheckpointsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct) =>
        ReadCheckpointsAsync(database, connection, transaction, "", ct);
}

using Console.Workflows.Audit.Integrity.Checkpoints;
using Console.Workflows.Audit.Integrity.Tree;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Console.Workflows.Audit.Integrity.Chaining;

/// <summary>The head of the chain: the last entry's position, its event's sequence number and its hash.</summary>
public sealed record ChainHead(long Position, long Sequence, byte[] EntryHash);

/// <summary>What one chaining step did.</summary>
/// <param name="Leader">False when another node holds the writer lock (nothing was done).</param>
/// <param name="WaitingOnGap">The step stopped at a hole in the sequence that may still fill.</param>
/// <param name="HeadWentBack">The chain in the database is shorter than what this node wrote: entries were deleted.</param>
public sealed record ChainStep(bool Leader, int Appended, ChainHead Head, long? CheckpointNumber, bool WaitingOnGap, bool HeadWentBack)
{
    public static ChainStep NotLeader { get; } = new(false, 0, new ChainHead(0, 0, new byte[32]), null, false, false);
}

/// <summary>
/// Appends chain entries for committed events, strictly in sequence order, after commit and off the append path: a
/// single writer at a time (a PostgreSQL advisory lock taken per step), hundreds of entries per transaction written
/// with binary COPY together with their Merkle leaves and the subtrees they complete, and a signed tree head
/// (checkpoint) in the same transaction when one is due.
/// </summary>
public sealed class EventChainer(
    AuditDatabase database, AuditIntegrityOptions options, CheckpointKeyring keys, TimeProvider time, ILogger<EventChainer> logger)
{
    private readonly MerkleTreeStore _tree = new(database);
    private readonly Witnessing.WitnessFile _witness = new(options);

    // The last step's head going to the witness file (append and fsync) while the next step reads and hashes: one at a
    // time and in order, since each step waits for the previous one first.
    private Task _publishing = Task.CompletedTask;

    /// <summary>Advisory lock key of the chain writer ("AUDIT_CH").</summary>
    public const long WriterLock = 0x41554449545F4348;

    private readonly Dictionary<long, GapSighting> _gaps = [];
    private readonly EntryBuilder _builder = new();
    private readonly List<(TreeNode, byte[])> _nodes = [];
    private Action<TreeNode, byte[]>? _keepNode;
    private long _highestWritten;

    // The tree's right edge as this node committed it, with the entry hash of the head it ends at: the next step appends
    // to it without reading it back, unless the chain's head is no longer that entry (another node wrote, or entries
    // were deleted).
    private CompactRange? _range;
    private byte[]? _rangeHead;
    private readonly StepSections _sections = new();

    /// <summary>Where this writer's steps spent their time so far, by section (the bench's profile of appending).</summary>
    public IReadOnlyList<(string Section, TimeSpan Spent)> Sections => _sections.Spent;

    /// <summary>Chains up to one batch of new events. Safe to call from several nodes: one writes, the others skip.</summary>
    public async Task<ChainStep> StepAsync(CancellationToken ct = default)
    {
        _sections.Start();
        await using var connection = await database.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (!await ScalarAsync<bool>(connection, transaction, $"select pg_try_advisory_xact_lock({WriterLock})", ct))
            return ChainStep.NotLeader;

        var (head, lastCheckpoint, chainStartedAt, unfilled) = await ReadStateAsync(connection, transaction, ct);
        _sections.End("connection, lock, chain state");
        if (head.Position < _highestWritten)
        {
            logger.LogCritical(
                "The audit chain in the database ends at position {Position}, but this node wrote up to {Written}: chain entries were " +
                "deleted. Chaining stops until the console restarts; run a verification and investigate.", head.Position, _highestWritten);
            return new ChainStep(true, 0, head, null, false, true);
        }

        // A chain written before the Merkle tree existed gets its leaves and subtrees first, a batch per step.
        if (!options.WithoutMerkleTree && unfilled is { } from)
        {
            _range = null;
            var filled = await FillTreeAsync(connection, transaction, from, ct);
            await transaction.CommitAsync(ct);
            return new ChainStep(true, filled, head, null, false, false);
        }

        _nodes.Clear();
        var tree = options.WithoutMerkleTree ? null : await RangeAtAsync(connection, transaction, head, ct);
        var (entries, waiting) = await ReadNewEntriesAsync(connection, transaction, head, tree, ct);
        _sections.End(tree is null ? "events read, entries hashed" : "events read, entries, leaves and inner nodes hashed");
        if (entries.Count > 0)
        {
            await WriteAsync(connection, transaction, entries, ct);
            _sections.End("entries written (COPY)");
        }

        // The last step's head went to the witness file while this one read and hashed; it is there before this step
        // commits, so heads reach the file in order and the file trails the database by at most one step.
        await WitnessedAsync();

        var newHead = entries.Count > 0 ? new ChainHead(entries[^1].Position, entries[^1].Sequence, entries[^1].Hash) : head;
        Checkpoint? checkpoint = null;
        if (CheckpointDue(newHead, lastCheckpoint, chainStartedAt ?? (entries.Count > 0 ? time.GetUtcNow() : null)))
        {
            checkpoint = await TryCheckpointAsync(connection, transaction, newHead, tree?.Root(), lastCheckpoint?.Number ?? 0, _nodes, ct);
        }
        else
        {
            await _tree.WriteAsync(connection, transaction, _nodes, ct);
        }

        _sections.End("subtrees and checkpoint written");
        _nodes.Clear();
        await transaction.CommitAsync(ct);
        _sections.End("commit");
        _highestWritten = newHead.Position;
        // Only a committed range is kept for the next step (RangeAtAsync took it out while this step appended to it).
        (_range, _rangeHead) = tree is not null ? (tree, newHead.EntryHash) : (null, null);
        if (checkpoint is { } made)
        {
            _publishing = Task.Run(() => Publish(made), CancellationToken.None);
            _sections.End("checkpoint handed to the witness file (append and fsync beside the next step)");
        }

        return new ChainStep(true, entries.Count, newHead, checkpoint?.Number, waiting, false);
    }

    /// <summary>Makes a checkpoint at the current head now (if the head moved since the last one), e.g. before export.</summary>
    /// <exception cref="InvalidOperationException">The signing key cannot be used; the message says why.</exception>
    public async Task<long?> CheckpointNowAsync(CancellationToken ct = default)
    {
        keys.Get();
        await WitnessedAsync();
        await using var connection = await database.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await ScalarAsync<object>(connection, transaction, $"select pg_advisory_xact_lock({WriterLock})", ct);
        var (head, lastCheckpoint, _, unfilled) = await ReadStateAsync(connection, transaction, ct);
        if (head.Position == 0 || lastCheckpoint?.Position >= head.Position)
            return null;
        if (unfilled is not null)
            throw new InvalidOperationException("The Merkle tree is still being built over the existing chain; sign a checkpoint once the chain writer has finished.");
        var root = options.WithoutMerkleTree ? null : (await _tree.RangeAsync(connection, transaction, head.Position, ct)).Root();
        var checkpoint = await TryCheckpointAsync(connection, transaction, head, root, lastCheckpoint?.Number ?? 0, [], ct);
        await transaction.CommitAsync(ct);
        if (checkpoint is { } made)
            Publish(made);
        return checkpoint?.Number;
    }

    /// <summary>Completes once every head this writer signed is in the witness file (or logged as not written there).</summary>
    public Task WitnessedAsync() => _publishing;

    /// <summary>The tree's right edge at <paramref name="head"/>: the one this node committed last, or read from the stored tree.</summary>
    private async Task<CompactRange> RangeAtAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ChainHead head, CancellationToken ct)
    {
        var kept = _range;
        _range = null; // appended to in this transaction: kept again only once it commits
        if (kept is not null && kept.Size == head.Position && _rangeHead is { } at && at.AsSpan().SequenceEqual(head.EntryHash))
            return kept;
        return await _tree.RangeAsync(connection, transaction, head.Position, ct);
    }

    private bool CheckpointDue(ChainHead head, LastCheckpoint? last, DateTimeOffset? chainStartedAt)
    {
        var since = last?.Position ?? 0;
        if (head.Position <= since)
            return false;
        if (head.Position - since >= options.CheckpointEveryEntries)
            return true;
        var from = last?.CreatedAt ?? chainStartedAt;
        return from is { } t && time.GetUtcNow() - t >= options.CheckpointEvery;
    }

    private static void Keep(List<(TreeNode, byte[])> nodes, TreeNode node, byte[] hash)
    {
        if (node.Level >= MerkleTreeStore.StoredFromLevel)
            nodes.Add((node, hash));
    }

    /// <summary>Leaf hashes and subtrees for up to one batch of entries chained before the tree existed, from <paramref name="from"/> on.</summary>
    private async Task<int> FillTreeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long from, CancellationToken ct)
    {
        var positions = new List<long>();
        var leaves = new List<byte[]>();
        await using (var command = new NpgsqlCommand(
            $"select c.position, {EventColumns.Select} from {database.Chain} c left join {database.Events} e on e.seq_id = c.seq_id " +
            "where c.position >= @from order by c.position limit @batch", connection, transaction))
        {
            command.Parameters.AddWithValue("from", from);
            command.Parameters.AddWithValue("batch", options.ChainBatchSize);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                if (reader.IsDBNull(1))
                {
                    throw new InvalidOperationException(
                        $"Chain position {reader.GetInt64(0)} has no event row any more, so its Merkle leaf cannot be computed; run a verification.");
                }

                _builder.Begin(EntryEncoding.Genesis);
                EventColumns.Write(reader, 1, _builder);
                var leaf = new byte[MerkleHash.Length];
                _builder.LeafHashInto(leaf);
                positions.Add(reader.GetInt64(0));
                leaves.Add(leaf);
            }
        }

        var tree = await _tree.RangeAsync(connection, transaction, from - 1, ct);
        var nodes = new List<(TreeNode, byte[])>();
        foreach (var leaf in leaves)
            tree.Append(leaf, (node, hash) => Keep(nodes, node, hash), MerkleTreeStore.StoredFromLevel);
        await using (var update = new NpgsqlCommand(
            $"update {database.Chain} c set leaf_hash = u.leaf from unnest(@positions, @leaves) as u(position, leaf) where c.position = u.position",
            connection, transaction))
        {
            update.Parameters.Add(new NpgsqlParameter("positions", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = positions.ToArray() });
            update.Parameters.Add(new NpgsqlParameter("leaves", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = leaves.ToArray() });
            await update.ExecuteNonQueryAsync(ct);
        }

        await _tree.WriteAsync(connection, transaction, nodes, ct);
        logger.LogInformation("Built the Merkle tree over chain positions {From} to {To} (entries chained before the tree existed)",
            from, from + leaves.Count - 1);
        return leaves.Count;
    }

    /// <summary>
    /// Signs and stores a checkpoint, in the same round trip as the tree's new subtrees (<paramref name="nodes"/>), which
    /// are written even when no checkpoint can be signed.
    /// </summary>
    private async Task<Checkpoint?> TryCheckpointAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ChainHead head, byte[]? root, long lastNumber,
        IReadOnlyList<(TreeNode Node, byte[] Hash)> nodes, CancellationToken ct)
    {
        CheckpointKeys signer;
        try
        {
            signer = keys.Get();
        }
        catch (InvalidOperationException ex)
        {
            // The chain itself must not stall on a key problem; the entries commit and the checkpoint is retried.
            logger.LogError(ex, "No checkpoint made: the signing key is not usable");
            await _tree.WriteAsync(connection, transaction, nodes, ct);
            return null;
        }

        var number = lastNumber + 1;
        var createdAt = CheckpointText.TruncateToMicros(time.GetUtcNow());
        var text = CheckpointText.For(number, head.Position, head.Sequence, head.EntryHash, createdAt, signer.KeyId, root);
        var signature = signer.Sign(text);
        await using var batch = new NpgsqlBatch(connection, transaction);
        if (MerkleTreeStore.Insert(database, nodes) is { } treeInsert)
            batch.BatchCommands.Add(treeInsert);
        var insert = new NpgsqlBatchCommand(
            $"insert into {database.Checkpoints} (number, position, seq_id, entry_hash, created_at, key_id, signature, root_hash) " +
            "values (@number, @position, @seq, @hash, @at, @key, @signature, @root)");
        insert.Parameters.AddWithValue("number", number);
        insert.Parameters.AddWithValue("position", head.Position);
        insert.Parameters.AddWithValue("seq", head.Sequence);
        insert.Parameters.AddWithValue("hash", head.EntryHash);
        insert.Parameters.AddWithValue("at", createdAt);
        insert.Parameters.AddWithValue("key", signer.KeyId);
        insert.Parameters.AddWithValue("signature", signature);
        insert.Parameters.AddWithValue("root", (object?)root ?? DBNull.Value);
        batch.BatchCommands.Add(insert);
        await batch.ExecuteNonQueryAsync(ct);
        return new Checkpoint(number, head.Position, head.Sequence, head.EntryHash, createdAt, signer.KeyId, signature, root);
    }

    /// <summary>
    /// Copies outside the database, once committed: the console's log and the append-only witness file. Whoever rewrites
    /// the database cannot rewrite either, and verification refuses a tree that does not extend every witnessed head.
    /// </summary>
    private void Publish(Checkpoint checkpoint)
    {
        logger.LogInformation(
            "Audit checkpoint {Number}: position {Position}, seq {Sequence}, entry hash {EntryHash}, root {RootHash}, key {KeyId}",
            checkpoint.Number, checkpoint.Position, checkpoint.Sequence, Convert.ToHexStringLower(checkpoint.EntryHash),
            checkpoint.RootHash is { } root ? Convert.ToHexStringLower(root) : "-", checkpoint.KeyId);
        if (checkpoint.RootHash is null)
            return;
        try
        {
            _witness.Append(checkpoint);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogCritical(ex, "Tree head {Number} could not be written to the witness file {File}: it is witnessed only by the database " +
                "and independent witnesses until the folder is writable again", checkpoint.Number, _witness.Path);
        }
    }

    /// <summary>The chain's head, the last checkpoint, when the chain started, and the first position without a Merkle leaf.</summary>
    private async Task<(ChainHead Head, LastCheckpoint? Checkpoint, DateTimeOffset? ChainStartedAt, long? Unfilled)> ReadStateAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        // One round trip: the writer's fixed cost per step is round trips, and they are slowest when the host is busy.
        await using var command = new NpgsqlCommand(
            $"select position, seq_id, entry_hash from {database.Chain} order by position desc limit 1;" +
            $"select number, position, created_at from {database.Checkpoints} order by number desc limit 1;" +
            $"select recorded_at from {database.Chain} where position = 1" +
            // Without the tree (the bench's chain as it was before it) every leaf is null and nothing is filled in.
            (options.WithoutMerkleTree ? "" : $";select min(position) from {database.Chain} where leaf_hash is null"), connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var head = await reader.ReadAsync(ct)
            ? new ChainHead(reader.GetInt64(0), reader.GetInt64(1), reader.GetFieldValue<byte[]>(2))
            : new ChainHead(0, 0, EntryEncoding.Genesis.ToArray());
        await reader.NextResultAsync(ct);
        LastCheckpoint? checkpoint = await reader.ReadAsync(ct)
            ? new LastCheckpoint(reader.GetInt64(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2))
            : null;
        await reader.NextResultAsync(ct);
        DateTimeOffset? startedAt = await reader.ReadAsync(ct) ? reader.GetFieldValue<DateTimeOffset>(0) : null;
        long? unfilled = await reader.NextResultAsync(ct) && await reader.ReadAsync(ct) && !reader.IsDBNull(0) ? reader.GetInt64(0) : null;
        return (head, checkpoint, startedAt, unfilled);
    }

    /// <param name="tree">
    /// The tree's right edge at <paramref name="head"/>, which each entry's leaf is appended to as it is read (null
    /// without the tree): hashed while the entry's content is at hand, in the pass that hashes its link. Hashing them on
    /// a second thread beside the COPY instead (until 2026-12-05) cost more than it saved on 2 cores: the COPY's server
    /// process, the COPY's writer and the hashing thread then want three cores.
    /// </param>
    private async Task<(List<NewEntry> Entries, bool WaitingOnGap)> ReadNewEntriesAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ChainHead head, CompactRange? tree, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "select pg_snapshot_xmin(pg_current_snapshot())::text::bigint, pg_snapshot_xmax(pg_current_snapshot())::text::bigint, " +
            $"now(), {EventColumns.Select} from {database.Events} e where e.seq_id > @head order by e.seq_id limit @batch",
            connection, transaction);
        command.Parameters.AddWithValue("head", head.Sequence);
        command.Parameters.AddWithValue("batch", options.ChainBatchSize);
        await using var reader = await command.ExecuteReaderAsync(ct);

        var entries = new List<NewEntry>();
        var keep = _keepNode ??= (node, hash) => Keep(_nodes, node, hash);
        var expected = head.Sequence + 1;
        var prev = head.EntryHash;
        var position = head.Position;
        var waiting = false;
        var seen = head.Sequence;
        var now = time.GetUtcNow();
        while (await reader.ReadAsync(ct))
        {
            var seq = reader.GetInt64(3);
            if (waiting)
            {
                // Blocked at a hole: still note when the later holes of this batch were first seen, so that their
                // settle times run together rather than one after the other.
                if (seq != seen + 1)
                    Sight(seen + 1, reader.GetInt64(1), now);
                seen = seq;
                continue;
            }

            if (seq != expected && !MayPassGap(expected, reader.GetInt64(0), reader.GetInt64(1), RowAge(reader), now))
            {
                waiting = true;
                seen = seq;
                continue;
            }

            _builder.Begin(prev);
            EventColumns.Write(reader, 3, _builder);
            var hash = new byte[EntryEncoding.HashLength];
            _builder.HashInto(hash);
            byte[]? leaf = null;
            if (tree is not null)
            {
                leaf = new byte[MerkleHash.Length];
                _builder.LeafHashInto(leaf);
                tree.Append(leaf, keep, MerkleTreeStore.StoredFromLevel);
            }

            position++;
            entries.Add(new NewEntry(position, seq, reader.GetGuid(4), hash, prev, leaf));
            prev = hash;
            expected = seq + 1;
            seen = seq;
        }

        // Holes below the new head are behind us (passed or filled): forget them.
        foreach (var start in _gaps.Keys.Where(k => k < expected).ToList())
            _gaps.Remove(start);
        return (entries, waiting);
    }

    private bool MayPassGap(long gapStart, long oldestRunningXid, long nextXid, TimeSpan nextRowAge, DateTimeOffset now) =>
        GapRule.MayPass(Sight(gapStart, nextXid, now), now, oldestRunningXid, nextRowAge, options);

    private GapSighting Sight(long gapStart, long nextXid, DateTimeOffset now)
    {
        if (!_gaps.TryGetValue(gapStart, out var sighting))
        {
            sighting = new GapSighting(now, nextXid);
            _gaps[gapStart] = sighting;
        }

        return sighting;
    }

    /// <summary>
    /// How long ago the row after a hole was appended, by the database's clock. Marten's tombstones carry -infinity;
    /// such a row says nothing about its age.
    /// </summary>
    private static TimeSpan RowAge(NpgsqlDataReader reader)
    {
        var appended = reader.GetFieldValue<DateTime>(8);
        if (appended == DateTime.MinValue || appended == DateTime.MaxValue)
            return TimeSpan.Zero;
        return reader.GetFieldValue<DateTimeOffset>(2) - new DateTimeOffset(DateTime.SpecifyKind(appended, DateTimeKind.Utc));
    }

    private async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<NewEntry> entries, CancellationToken ct)
    {
        _ = transaction;
        await using var importer = await connection.BeginBinaryImportAsync(
            $"copy {database.Chain} (position, seq_id, event_id, entry_hash, prev_hash, leaf_hash) from stdin (format binary)", ct);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            await importer.StartRowAsync(ct);
            await importer.WriteAsync(entry.Position, NpgsqlDbType.Bigint, ct);
            await importer.WriteAsync(entry.Sequence, NpgsqlDbType.Bigint, ct);
            await importer.WriteAsync(entry.EventId, NpgsqlDbType.Uuid, ct);
            await importer.WriteAsync(entry.Hash, NpgsqlDbType.Bytea, ct);
            await importer.WriteAsync(entry.Prev, NpgsqlDbType.Bytea, ct);
            if (entry.Leaf is null)
                await importer.WriteNullAsync(ct);
            else
                await importer.WriteAsync(entry.Leaf, NpgsqlDbType.Bytea, ct);
        }

        await importer.CompleteAsync(ct);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        return await command.ExecuteScalarAsync(ct) is { } value and not DBNull ? (T)value : default!;
    }

    /// <param name="Leaf">The Merkle leaf hash; null without the tree.</param>
    private sealed record NewEntry(long Position, long Sequence, Guid EventId, byte[] Hash, byte[] Prev, byte[]? Leaf);

    private sealed record LastCheckpoint(long Number, long Position, DateTimeOffset CreatedAt);
}

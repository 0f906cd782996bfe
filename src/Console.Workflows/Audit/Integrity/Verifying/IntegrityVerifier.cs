using System.Buffers.Binary;
using System.Data;
using System.Diagnostics;
using System.Text;
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
/// decisions read against the one its events give (<see cref="Documents.DocumentVerifier"/>). Events and chain entries are read by two forward-only readers
/// in sequence order, on two connections sharing one repeatable-read snapshot (the chain's parsed ahead on its own
/// thread, <see cref="ChainReadAhead"/>), and merged here; no per-row round trips. The documents are checked on the same
/// snapshot.
/// </summary>
public sealed class IntegrityVerifier(AuditDatabase database, CheckpointKeyring keys, TimeProvider time, AuditIntegrityOptions? options = null)
{
    /// <summary>How many breaks a report lists (all are counted).</summary>
    public const int MaxBreaksListed = 50;

    private const int ProgressEvery = 16_384;

    public async Task<VerificationReport> VerifyAsync(IProgress<VerificationProgress>? progress = null, CancellationToken ct = default)
    {
        var startedAt = time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        var trust = keys.Get();

        // Two connections on one snapshot: events and chain entries each stream in sequence order from their own index,
        // and are merged here. (One UNION ALL query would make PostgreSQL sort a million rows with their data.)
        await using var connection = await database.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await EnsureTablesAsync(connection, transaction, ct);
        var snapshot = await ScalarAsync<string>(connection, transaction, "set local enable_sort = off; select pg_export_snapshot()", ct);
        await using var chainConnection = await database.OpenAsync(ct);
        await using var chainTransaction = await chainConnection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await ScalarAsync<object>(chainConnection, chainTransaction, $"set transaction snapshot '{snapshot}'; set local enable_sort = off; select 1", ct);

        var (headPosition, headSequence, pending) = await ReadHeadAsync(connection, transaction, ct);
        var checkpoints = await ReadCheckpointsAsync(connection, transaction, ct);
        var documents = new Documents.DocumentVerifier(database);
        var created = new Documents.CreatedStreams(documents.Checks);
        var walk = new Walk(trust, checkpoints, headPosition, headSequence, WitnessedHeads(trust), created);

        await using (var eventsCommand = new NpgsqlCommand(
            $"select {EventColumns.Select} from {database.Events} e where e.seq_id <= @head order by e.seq_id", connection, transaction))
        await using (var chainCommand = new NpgsqlCommand(
            $"select c.seq_id, c.event_id, c.position, c.entry_hash, c.prev_hash, c.leaf_hash from {database.Chain} c order by c.seq_id",
            chainConnection, chainTransaction))
        {
            eventsCommand.Parameters.AddWithValue("head", headSequence);
            eventsCommand.CommandTimeout = 0;
            chainCommand.CommandTimeout = 0;
            await using var events = await eventsCommand.ExecuteReaderAsync(ct);
            await using var chainReader = await chainCommand.ExecuteReaderAsync(ct);
            // The chain entries are parsed on another thread while this one parses and hashes the events.
            await using var chain = new ChainReadAhead(chainReader, ct);
            var moreEvents = await events.ReadAsync(ct);
            var moreChain = await chain.ReadAsync(ct);
            var rows = 0L;
            while (moreEvents || moreChain)
            {
                var eventSeq = moreEvents ? events.GetInt64(0) : long.MaxValue;
                var chainSeq = moreChain ? chain.Current.Sequence : long.MaxValue;
                if (eventSeq < chainSeq)
                {
                    walk.EventOnly(events);
                    moreEvents = await events.ReadAsync(ct);
                }
                else if (chainSeq < eventSeq)
                {
                    walk.EntryOnly(chain.Current);
                    moreChain = await chain.ReadAsync(ct);
                }
                else
                {
                    walk.Pair(events, chain.Current);
                    moreEvents = await events.ReadAsync(ct);
                    moreChain = await chain.ReadAsync(ct);
                }

                if (++rows % ProgressEvery == 0)
                    progress?.Report(new VerificationProgress(walk.Sequence, headSequence));
            }
        }

        await chainTransaction.CommitAsync(ct);
        await using (var treeCommand = new NpgsqlCommand($"select level, idx, hash from {database.Tree} order by level, idx", connection, transaction))
        {
            treeCommand.CommandTimeout = 0;
            await using var stored = await treeCommand.ExecuteReaderAsync(ct);
            while (await stored.ReadAsync(ct))
                walk.StoredNode(new TreeNode(stored.GetInt32(0), stored.GetInt64(1)), stored.GetFieldValue<byte[]>(2));
        }

        walk.Finish();

        // The documents on the same snapshot: the walk saw the creating events up to the chain head, one indexed query
        // finds those after it, so a deleted document is found without another pass over mt_events.
        await ScalarAsync<object>(connection, transaction, "set local enable_sort = on; select 1", ct);
        await created.ReadAsync(connection, transaction, database.Events, headSequence, ct);
        var documentStage = await documents.VerifyAsync(connection, transaction, created, ct);
        await transaction.CommitAsync(ct);
        progress?.Report(new VerificationProgress(headSequence, headSequence));
        return Documents.DocumentVerifier.AddTo(new VerificationReport(
            startedAt, clock.Elapsed, walk.EntriesChecked, headPosition, headSequence, pending, walk.CheckpointsChecked,
            checkpoints.Count > 0 ? checkpoints[^1].Number : null, walk.BreaksFound, walk.Breaks), documentStage, clock.Elapsed);
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

    /// <summary>
    /// The walk over events and chain entries merged in sequence order: a sequence number has an event row, a chain
    /// entry, or both. Event readers carry <see cref="EventColumns"/>; chain entries come as <see cref="ChainRow"/>s.
    /// </summary>
    private sealed class Walk(
        CheckpointKeys trust, List<Checkpoint> checkpoints, long headPosition, long headSequence, List<(Checkpoint? Head, string Source)> witnessed,
        Documents.CreatedStreams created)
    {
        private readonly EntryBuilder _builder = new();
        private readonly byte[] _prevStored = EntryEncoding.Genesis.ToArray();
        private readonly byte[] _computed = new byte[EntryEncoding.HashLength];
        private readonly byte[] _storedEntry = new byte[EntryEncoding.HashLength];
        private readonly byte[] _storedPrev = new byte[EntryEncoding.HashLength];
        private readonly List<IntegrityBreak> _breaks = [];
        private readonly List<(int Index, long Sequence)> _missing = [];
        private readonly byte[] _storedLeaf = new byte[MerkleHash.Length];
        private readonly byte[] _computedLeaf = new byte[MerkleHash.Length];
        private readonly CompactRange _tree = new();
        private readonly Dictionary<TreeNode, byte[]> _subtrees = [];
        private bool _leavesComplete = true;
        private int _treeBreaks;
        private List<(Checkpoint Head, string Source)>? _witnessed;
        private Action<TreeNode, byte[]>? _keepSubtree;
        private int _witnessIndex;
        private long _lastWitnessMatch;

        private long _eventSeq;
        private Guid _eventId;
        private Guid? _eventStream;
        private long _eventVersion;
        private long _expectedPosition = 1;
        private long _lastEventSeq;
        private int _checkpointIndex;
        private long? _lastCheckpointNumber;
        private long _lastCheckpointPosition;
        private SwapCandidate? _candidate;

        public long Sequence { get; private set; }

        public long EntriesChecked { get; private set; }

        public int CheckpointsChecked { get; private set; }

        public int BreaksFound { get; private set; }

        public IReadOnlyList<IntegrityBreak> Breaks => _breaks;

        /// <summary>An event row at or below the chain head that no chain entry covers.</summary>
        public void EventOnly(NpgsqlDataReader events)
        {
            ReadEvent(events);
            Add(new IntegrityBreak(IntegrityBreakKind.Unchained, null, _eventSeq, _eventId, _eventStream, _eventVersion, EventType(),
                null, $"Event {_eventId} at seq {_eventSeq} lies inside the chained range (head seq {headSequence}) but has no chain entry: " +
                "it was inserted afterwards, or committed after the chain had passed its sequence number."));
        }

        public void EntryOnly(ChainRow chain) => Entry(chain, paired: false);

        public void Pair(NpgsqlDataReader events, ChainRow chain)
        {
            ReadEvent(events);
            Entry(chain, paired: true);
        }

        private void ReadEvent(NpgsqlDataReader events)
        {
            _eventSeq = events.GetInt64(0);
            Sequence = _eventSeq;
            _eventId = events.GetGuid(1);
            _eventStream = events.IsDBNull(2) ? null : events.GetGuid(2);
            _eventVersion = events.GetInt64(3);
            _lastEventSeq = _eventSeq;
            _builder.Begin(EntryEncoding.Genesis);
            EventColumns.Write(events, 0, _builder);
            created.Observe(_builder.Field(8), _eventStream);
        }

        /// <summary>A stored subtree of the Merkle tree (streamed after the walk), compared with the one rebuilt from the events.</summary>
        public void StoredNode(TreeNode node, byte[] hash)
        {
            if (!_leavesComplete)
                return;
            if (!_subtrees.Remove(node, out var rebuilt))
            {
                // Subtrees of entries above the chain head in this snapshot cannot exist; one that does was inserted.
                TreeBreak(node, "is stored but the chain has no such complete subtree");
            }
            else if (!rebuilt.AsSpan().SequenceEqual(hash))
            {
                TreeBreak(node, "differs from the hash of its events");
            }
        }

        private void KeepSubtree(TreeNode node, byte[] hash)
        {
            if (node.Level >= MerkleTreeStore.StoredFromLevel)
                _subtrees[node] = hash;
        }

        private void TreeBreak(TreeNode node, string what)
        {
            if (++_treeBreaks > 3)
            {
                BreaksFound++;
                return;
            }

            Add(new IntegrityBreak(IntegrityBreakKind.TreeAltered, node.FirstLeaf + 1, null, null, null, null, null, null,
                $"The stored Merkle subtree of chain positions {node.FirstLeaf + 1} to {node.FirstLeaf + node.Size} (level {node.Level}) {what}: " +
                "the tree was altered, so proofs over these entries fail."));
        }

        /// <summary>Compares the rebuilt tree with every head witnessed at this size.</summary>
        private void Witnessed(long position)
        {
            if (_witnessed is null)
            {
                foreach (var (head, source) in witnessed.Where(w => w.Head is null))
                {
                    Add(new IntegrityBreak(IntegrityBreakKind.Forked, null, null, null, null, null, null, null,
                        $"The witnessed head in {source} is not a tree head signed by a trusted key: the witness copy was altered."));
                }

                _witnessed = witnessed.Where(w => w.Head is not null).Select(w => (w.Head!, w.Source)).OrderBy(w => w.Item1.TreeSize).ToList();
            }

            while (_witnessIndex < _witnessed.Count && _witnessed[_witnessIndex].Head.TreeSize <= position)
            {
                var (head, source) = _witnessed[_witnessIndex++];
                if (head.TreeSize < position || _tree.Size != position)
                    continue;
                if (_tree.Root().AsSpan().SequenceEqual(head.RootHash))
                {
                    _lastWitnessMatch = Math.Max(_lastWitnessMatch, position);
                    continue;
                }

                Add(new IntegrityBreak(IntegrityBreakKind.Forked, _lastWitnessMatch + 1, null, null, null, null, null, head.Number,
                    $"Tree head #{head.Number} was witnessed outside the database ({source}) with {head.TreeSize} entries and root " +
                    $"{Convert.ToHexStringLower(head.RootHash!)[..16]}…, but the database's first {head.TreeSize} entries give " +
                    $"{Convert.ToHexStringLower(_tree.Root())[..16]}…: the history was rewritten after it was witnessed; the first differing " +
                    $"position is after {_lastWitnessMatch} (the last witnessed size that matches) and at most {head.TreeSize}."));
            }
        }

        public void Finish()
        {
            Witnessed(long.MaxValue - 1);

            if (_leavesComplete)
            {
                foreach (var node in _subtrees.Keys.OrderBy(n => n.FirstLeaf).ThenByDescending(n => n.Level).ToList())
                    TreeBreak(node, "is missing from the stored tree");
            }

            FoldTruncatedTail();
            while (_checkpointIndex < checkpoints.Count)
            {
                var cp = checkpoints[_checkpointIndex++];
                CheckSignature(cp);
                Add(new IntegrityBreak(IntegrityBreakKind.Truncated, cp.Position, cp.Sequence, null, null, null, null, cp.Number,
                    $"Checkpoint #{cp.Number} covers chain position {cp.Position} (seq {cp.Sequence}), but the chain ends at position " +
                    $"{headPosition} (seq {headSequence}): chain entries after {headPosition} were deleted."));
            }

            // A truncation the database's own checkpoints already show is one finding; only what they no longer show needs the witness.
            if (_witnessed!.Count > 0 && _witnessed[^1].Head is var newest && newest.TreeSize > _tree.Size
                && !_breaks.Any(b => b.Kind == IntegrityBreakKind.Truncated))
            {
                var source = _witnessed[^1].Source;
                Add(new IntegrityBreak(IntegrityBreakKind.RolledBack, _tree.Size + 1, null, null, null, null, null, newest.Number,
                    $"Tree head #{newest.Number} was witnessed outside the database ({source}) with {newest.TreeSize} entries, but the " +
                    $"database's tree has only {_tree.Size}: the log was truncated or rolled back; the first missing position is {_tree.Size + 1}."));
            }
        }

        private void Entry(ChainRow row, bool paired)
        {
            EntriesChecked++;
            var seq = row.Sequence;
            Sequence = seq;
            var position = row.Position;
            var chainEventId = row.EventId;
            var reportedHere = false;
            if (position != _expectedPosition)
            {
                reportedHere = true;
                Add(Located(IntegrityBreakKind.OutOfOrder, position, seq, chainEventId, paired,
                    $"The chain entry for seq {seq} is at position {position}, but position {_expectedPosition} comes next in sequence " +
                    "order: chain entries were removed or reordered."));
            }

            row.EntryHash.CopyTo(_storedEntry, 0);
            row.PrevHash.CopyTo(_storedPrev, 0);
            var hashesWellFormed = row.EntryWellFormed & row.PrevWellFormed;
            if (!reportedHere && (!hashesWellFormed || !_storedPrev.AsSpan().SequenceEqual(_prevStored)))
            {
                reportedHere = true;
                Add(Located(IntegrityBreakKind.ChainEntryAltered, position, seq, chainEventId, paired,
                    $"Chain entry {position} does not link to entry {position - 1}: its prev_hash was altered."));
            }

            row.LeafHash.CopyTo(_storedLeaf, 0);
            var leafStored = row.LeafStored;
            _leavesComplete &= leafStored;
            var leaf = leafStored ? _storedLeaf : null;
            if (!paired)
            {
                var index = Add(new IntegrityBreak(IntegrityBreakKind.Missing, position, seq, chainEventId, null, null, null, null,
                    $"Chain entry {position} records event {chainEventId} at seq {seq}, but no event row has seq {seq}: the event was deleted."));
                _missing.Add((index, seq));
            }
            else if (chainEventId != _eventId)
            {
                Add(Located(IntegrityBreakKind.OutOfOrder, position, seq, _eventId, true,
                    $"Seq {seq} holds event {_eventId}, but the chain recorded event {chainEventId} there: events were renumbered or reordered."));
            }
            else
            {
                _builder.SetPrev(_storedPrev);
                _builder.HashInto(_computed);
                var contentIntact = _computed.AsSpan().SequenceEqual(_storedEntry);
                if (!contentIntact)
                    ContentChanged(position, seq, reportedHere);
                _builder.LeafHashInto(_computedLeaf);
                // A changed event is reported above; its stored leaf keeps the tree checkable on its own.
                if (contentIntact || !leafStored)
                    leaf = _computedLeaf;
                if (contentIntact && !reportedHere && leafStored && !_computedLeaf.AsSpan().SequenceEqual(_storedLeaf))
                {
                    Add(Located(IntegrityBreakKind.TreeAltered, position, seq, _eventId, true,
                        $"The Merkle leaf stored for chain entry {position} is not the hash of its event: the tree was altered, so " +
                        "proofs for this event fail."));
                }
            }

            // The tree is rebuilt from the events (a missing or changed event keeps its stored leaf, so later positions still line up).
            // The range keeps the array it is given, so each leaf gets one of its own (the buffers above are reused).
            _tree.Append(leaf?.ToArray() ?? new byte[MerkleHash.Length], _keepSubtree ??= KeepSubtree);

            if (hashesWellFormed)
                _storedEntry.CopyTo(_prevStored);
            _expectedPosition = position + 1;
            Checkpoints(position, seq);
            // After the database's own checkpoints: a break they show is reported as theirs first.
            Witnessed(position);
        }

        /// <summary>
        /// An event no longer hashes to its entry. If the previous such event and this one each hash to the other's
        /// entry once their type and data are exchanged back, the two were swapped; the break is reported once, as such.
        /// </summary>
        private void ContentChanged(long position, long seq, bool alreadyReported)
        {
            var current = new SwapCandidate(-1, position, seq, _eventId, _storedPrev.ToArray(), _storedEntry.ToArray(), _builder.Content.ToArray());
            if (_candidate is { } earlier && BreaksFound < 1000 && Swapped(earlier, current) is { } fields)
            {
                if (earlier.Index >= 0 && earlier.Index < _breaks.Count)
                {
                    _breaks[earlier.Index] = _breaks[earlier.Index] with
                    {
                        Kind = IntegrityBreakKind.Swapped,
                        Detail = $"The {fields} of seq {earlier.Sequence} and seq {seq} were exchanged: each now hashes to the other's " +
                                 $"chain entry (positions {earlier.Position} and {position}).",
                    };
                }

                _candidate = null;
                return;
            }

            if (alreadyReported)
                return;
            var index = Add(Located(IntegrityBreakKind.DataChanged, position, seq, _eventId, true,
                $"Event {_eventId} at seq {seq} no longer hashes to chain entry {position}: its stored content was changed after it was chained."));
            _candidate = current with { Index = index };
        }

        private static string? Swapped(SwapCandidate a, SwapCandidate b)
        {
            // Content fields: 0 tag, 1 seq, 2 id, 3 stream, 4 version, 5 type, 6 timestamp, 7 tenant, 8 .NET type, 9 data.
            (int[] Fields, string Name)[] exchanges =
            [
                ([5, 9], "type and data"),
                ([5, 8, 9], "type, .NET type and data"),
                ([9], "data"),
                ([5, 6, 7, 8, 9], "type, time and data"),
            ];
            foreach (var (fields, name) in exchanges)
            {
                if (HashesTo(a.Prev, Exchange(a.Content, b.Content, fields), a.Entry)
                    && HashesTo(b.Prev, Exchange(b.Content, a.Content, fields), b.Entry))
                    return name;
            }

            return null;
        }

        private static bool HashesTo(byte[] prev, byte[] content, byte[] expected)
        {
            var input = new byte[prev.Length + content.Length];
            prev.CopyTo(input, 0);
            content.CopyTo(input, prev.Length);
            return System.Security.Cryptography.SHA256.HashData(input).AsSpan().SequenceEqual(expected);
        }

        /// <summary><paramref name="target"/>'s content with the given fields taken from <paramref name="source"/>.</summary>
        private static byte[] Exchange(byte[] target, byte[] source, int[] fields)
        {
            var t = Fields(target);
            var s = Fields(source);
            var result = new List<byte>(target.Length + source.Length);
            for (var i = 0; i < t.Count; i++)
                result.AddRange(fields.Contains(i) && i < s.Count ? s[i] : t[i]);
            return [.. result];
        }

        /// <summary>Splits content into its fields, each with its 4-byte length prefix.</summary>
        private static List<byte[]> Fields(byte[] content)
        {
            var fields = new List<byte[]>();
            var at = 0;
            while (at + 4 <= content.Length)
            {
                var length = BinaryPrimitives.ReadUInt32BigEndian(content.AsSpan(at));
                var size = length == uint.MaxValue ? 4 : 4 + (int)length;
                fields.Add(content.AsSpan(at, Math.Min(size, content.Length - at)).ToArray());
                at += size;
            }

            return fields;
        }

        private static string? FieldText(byte[] content, int index)
        {
            var fields = Fields(content);
            if (index >= fields.Count || fields[index].Length < 4)
                return null;
            var field = fields[index];
            return BinaryPrimitives.ReadUInt32BigEndian(field) == uint.MaxValue ? null : Encoding.UTF8.GetString(field.AsSpan(4));
        }

        private void Checkpoints(long position, long seq)
        {
            while (_checkpointIndex < checkpoints.Count && checkpoints[_checkpointIndex].Position <= position)
            {
                var cp = checkpoints[_checkpointIndex++];
                CheckSignature(cp);
                if (cp.Position < position)
                {
                    Add(new IntegrityBreak(IntegrityBreakKind.CheckpointMismatch, cp.Position, cp.Sequence, null, null, null, null, cp.Number,
                        $"Checkpoint #{cp.Number} covers chain position {cp.Position}, which the chain no longer has."));
                }
                else if (cp.Sequence != seq || !cp.EntryHash.AsSpan().SequenceEqual(_storedEntry))
                {
                    Add(new IntegrityBreak(IntegrityBreakKind.CheckpointMismatch, cp.Position, seq, null, null, null, null, cp.Number,
                        $"Checkpoint #{cp.Number} signed entry hash {Convert.ToHexStringLower(cp.EntryHash)[..16]}… at position {cp.Position} " +
                        $"(seq {cp.Sequence}), but the chain now has {Convert.ToHexStringLower(_storedEntry)[..16]}… (seq {seq}) there: " +
                        "the chain was rewritten after the checkpoint."));
                }
                else if (cp.RootHash is { } signedRoot && _tree.Size == position && !_tree.Root().AsSpan().SequenceEqual(signedRoot))
                {
                    Add(new IntegrityBreak(IntegrityBreakKind.CheckpointMismatch, cp.Position, seq, null, null, null, null, cp.Number,
                        $"Tree head #{cp.Number} signed the Merkle root {Convert.ToHexStringLower(signedRoot)[..16]}… of the first {cp.Position} " +
                        $"entries, but the stored events give {Convert.ToHexStringLower(_tree.Root())[..16]}…: the log was rewritten."));
                }
            }
        }

        private void CheckSignature(Checkpoint cp)
        {
            CheckpointsChecked++;
            var expectedNumber = (_lastCheckpointNumber ?? 0) + 1;
            if (cp.Number != expectedNumber || (cp.Position <= _lastCheckpointPosition && _lastCheckpointNumber is not null))
            {
                Add(new IntegrityBreak(IntegrityBreakKind.CheckpointMismatch, cp.Position, cp.Sequence, null, null, null, null, cp.Number,
                    cp.Number != expectedNumber
                        ? $"Checkpoint #{cp.Number} follows #{expectedNumber - 1}: checkpoints were deleted or renumbered."
                        : $"Checkpoint #{cp.Number} covers position {cp.Position}, not beyond #{_lastCheckpointNumber} at {_lastCheckpointPosition}."));
            }

            _lastCheckpointNumber = cp.Number;
            _lastCheckpointPosition = cp.Position;
            var check = cp.EntryHash.Length == EntryEncoding.HashLength
                ? trust.Verify(cp.KeyId, CheckpointText.For(cp), cp.Signature)
                : SignatureCheck.Invalid;
            if (check != SignatureCheck.Valid)
            {
                Add(new IntegrityBreak(IntegrityBreakKind.CheckpointSignatureInvalid, cp.Position, cp.Sequence, null, null, null, null, cp.Number,
                    check == SignatureCheck.UnknownKey
                        ? $"Checkpoint #{cp.Number} names signing key {cp.KeyId[..Math.Min(16, cp.KeyId.Length)]}…, which this console does not trust " +
                          "(not the configured key, nor one in Audit:TrustedPublicKeyFiles)."
                        : $"Checkpoint #{cp.Number}'s signature does not verify with key {cp.KeyId[..Math.Min(16, cp.KeyId.Length)]}…: " +
                          "the checkpoint or its signature was altered."));
            }
        }

        /// <summary>Missing entries after the last stored event are one break: the tail of the event log was deleted.</summary>
        private void FoldTruncatedTail()
        {
            var tail = _missing.Where(m => m.Sequence > _lastEventSeq).ToList();
            if (tail.Count == 0 || tail[0].Index < 0)
                return;
            var first = _breaks[tail[0].Index];
            _breaks[tail[0].Index] = first with
            {
                Kind = IntegrityBreakKind.Truncated,
                Detail = $"The last {tail.Count} chain entr{(tail.Count == 1 ? "y" : "ies")} (from position {first.Position}, seq {first.Sequence}) " +
                         $"have no event rows: the tail of the event log was deleted after seq {_lastEventSeq}.",
            };
            foreach (var (index, _) in tail.Skip(1).Where(t => t.Index >= 0).OrderByDescending(t => t.Index))
            {
                _breaks.RemoveAt(index);
                BreaksFound--;
            }
        }

        private IntegrityBreak Located(IntegrityBreakKind kind, long position, long seq, Guid eventId, bool withEvent, string detail) =>
            new(kind, position, seq, eventId, withEvent ? _eventStream : null, withEvent ? _eventVersion : null,
                withEvent ? EventType() : null, null, detail);

        private string? EventType() => FieldText(_builder.Content.ToArray(), 5);

        /// <returns>The break's index in the list, or -1 when the list is full (it is still counted).</returns>
        private int Add(IntegrityBreak found)
        {
            BreaksFound++;
            if (_breaks.Count >= MaxBreaksListed)
                return -1;
            _breaks.Add(found);
            return _breaks.Count - 1;
        }

        private sealed record SwapCandidate(int Index, long Position, long Sequence, Guid EventId, byte[] Prev, byte[] Entry, byte[] Content);
    }
}

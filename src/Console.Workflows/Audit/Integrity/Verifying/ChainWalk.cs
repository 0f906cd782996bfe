using Console.Workflows.Audit.Integrity.Chaining;
using Console.Workflows.Audit.Integrity.Checkpoints;
using Console.Workflows.Audit.Integrity.Tree;

namespace Console.Workflows.Audit.Integrity.Verifying;

/// <summary>
/// The walk over events and chain entries merged in sequence order: a sequence number has an event row, a chain
/// entry, or both. Events come as <see cref="EventRow"/>s (content encoded, leaf hashed), chain entries as
/// <see cref="ChainRow"/>s; each is valid only during the call that hands it over. The checks of the chain are here,
/// of the tree and witnessed heads in ChainWalk.Tree.cs, of the checkpoints in ChainWalk.Checkpoints.cs.
/// </summary>
internal sealed partial class ChainWalk(
    CheckpointKeys trust, List<Checkpoint> checkpoints, long headPosition, long headSequence, List<(Checkpoint? Head, string Source)> witnessed)
{
    private readonly byte[] _prevStored = EntryEncoding.Genesis.ToArray();
    private readonly byte[] _computed = new byte[EntryEncoding.HashLength];
    private readonly byte[] _storedEntry = new byte[EntryEncoding.HashLength];
    private readonly byte[] _storedPrev = new byte[EntryEncoding.HashLength];
    private readonly List<IntegrityBreak> _breaks = [];
    private readonly List<(int Index, long Sequence)> _missing = [];
    private EventRow _event = new();
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
    public void EventOnly(EventRow row)
    {
        ReadEvent(row);
        Add(new IntegrityBreak(IntegrityBreakKind.Unchained, null, _eventSeq, _eventId, _eventStream, _eventVersion, EventType(),
            null, $"Event {_eventId} at seq {_eventSeq} lies inside the chained range (head seq {headSequence}) but has no chain entry: " +
            "it was inserted afterwards, or committed after the chain had passed its sequence number."));
    }

    public void EntryOnly(ChainRow chain) => Entry(chain, paired: false);

    public void Pair(EventRow row, ChainRow chain)
    {
        ReadEvent(row);
        Entry(chain, paired: true);
    }

    private void ReadEvent(EventRow row)
    {
        _event = row;
        _eventSeq = row.Sequence;
        Sequence = _eventSeq;
        _eventId = row.EventId;
        _eventStream = row.StreamId;
        _eventVersion = row.Version;
        _lastEventSeq = _eventSeq;
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
            EntryEncoding.HashEntryInto(_storedPrev, _event.RoomAndContent, _computed);
            var contentIntact = _computed.AsSpan().SequenceEqual(_storedEntry);
            if (!contentIntact)
                ContentChanged(position, seq, reportedHere);
            // A changed event is reported above; its stored leaf keeps the tree checkable on its own.
            if (contentIntact || !leafStored)
                leaf = _event.Leaf;
            if (contentIntact && !reportedHere && leafStored && !_event.Leaf.AsSpan().SequenceEqual(_storedLeaf))
            {
                Add(Located(IntegrityBreakKind.TreeAltered, position, seq, _eventId, true,
                    $"The Merkle leaf stored for chain entry {position} is not the hash of its event: the tree was altered, so " +
                    "proofs for this event fail."));
            }
        }

        // The tree is rebuilt from the events (a missing or changed event keeps its stored leaf, so later positions still line up).
        _tree.Append(leaf ?? NoLeaf, _keepSubtree ??= KeepSubtree, MerkleTreeStore.StoredFromLevel);

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
        var current = new SwapCandidate(-1, position, seq, _eventId, _storedPrev.ToArray(), _storedEntry.ToArray(), _event.Content.ToArray());
        if (_candidate is { } earlier && BreaksFound < 1000 && SwappedEvents.Swapped(earlier, current) is { } fields)
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

    private string? EventType() => SwappedEvents.FieldText(_event.Content, 5);

    /// <returns>The break's index in the list, or -1 when the list is full (it is still counted).</returns>
    private int Add(IntegrityBreak found)
    {
        BreaksFound++;
        if (_breaks.Count >= IntegrityVerifier.MaxBreaksListed)
            return -1;
        _breaks.Add(found);
        return _breaks.Count - 1;
    }

}

using Console.Workflows.Audit.Integrity.Verifying.Documents;

namespace Console.Workflows.Audit.Integrity.Verifying;

/// <summary>What kind of break verification found. infra/audit/README.md explains each with its likely cause.</summary>
public enum IntegrityBreakKind
{
    /// <summary>An event's stored content no longer hashes to its chain entry: it was changed after it was chained.</summary>
    DataChanged,

    /// <summary>A chain entry whose event row is gone (deleted).</summary>
    Missing,

    /// <summary>An event row at or below the chain head that the chain does not contain (inserted, or committed late).</summary>
    Unchained,

    /// <summary>The event at a chained sequence number is not the one the chain recorded there, or chain positions jump.</summary>
    OutOfOrder,

    /// <summary>Two events' contents were exchanged: each now hashes to the other's chain entry.</summary>
    Swapped,

    /// <summary>The chain, or a checkpoint, refers past the end of what is stored (the tail was deleted).</summary>
    Truncated,

    /// <summary>A chain entry's own link (prev_hash) was altered.</summary>
    ChainEntryAltered,

    /// <summary>A checkpoint's signature does not verify with a trusted key.</summary>
    CheckpointSignatureInvalid,

    /// <summary>A correctly signed checkpoint disagrees with the stored chain (the chain was rewritten), or checkpoints are missing.</summary>
    CheckpointMismatch,

    /// <summary>A stored Merkle leaf or subtree differs from the one rebuilt from the events (proofs over it fail).</summary>
    TreeAltered,

    /// <summary>A head witnessed outside the database has more entries than the database's tree: truncated or rolled back.</summary>
    RolledBack,

    /// <summary>The database's tree at a witnessed head's size has another root: the history was rewritten after it was witnessed.</summary>
    Forked,

    /// <summary>A stored document decisions read differs from the one its events give: it was edited in the table.</summary>
    DocumentChanged,

    /// <summary>A stored document decisions read has no events behind it: it was inserted into the table directly.</summary>
    DocumentWithoutEvents,

    /// <summary>A stream's document is gone though its events are stored: it was deleted from the table.</summary>
    DocumentMissing,
}

/// <summary>One break, located precisely: the event (sequence, stream, version, type) and the chain position.</summary>
public sealed record IntegrityBreak(
    IntegrityBreakKind Kind,
    long? Position,
    long? Sequence,
    Guid? EventId,
    Guid? StreamId,
    long? Version,
    string? EventType,
    long? CheckpointNumber,
    string Detail)
{
    /// <summary>For document breaks: the document's type (its id is <see cref="StreamId"/>, the id of its stream).</summary>
    public string? Document { get; init; }

    /// <summary>For <see cref="IntegrityBreakKind.DocumentChanged"/>: the fields that differ from the events.</summary>
    public IReadOnlyList<string>? Fields { get; init; }

    /// <summary>One line for people: where and what.</summary>
    public string Where =>
        string.Join(", ", new[]
        {
            Document is { Length: > 0 } d ? $"document {d} {StreamId}" : null,
            Sequence is { } s ? $"seq {s}" : null,
            Position is { } p ? $"chain position {p}" : null,
            StreamId is { } stream && Document is null ? $"stream {stream}" : null,
            Version is { } v ? $"version {v}" : null,
            EventType is { Length: > 0 } t ? $"type {t}" : null,
            CheckpointNumber is { } n ? $"checkpoint #{n}" : null,
            Fields is { Count: > 0 } f ? $"fields {DocumentComparison.Describe(f)}" : null,
        }.Where(x => x is not null));
}

/// <summary>How far a verification run is, for a progress bar.</summary>
public sealed record VerificationProgress(long Checked, long Total)
{
    public double Fraction => Total <= 0 ? 1 : Math.Clamp((double)Checked / Total, 0, 1);
}

/// <summary>The outcome of one verification run.</summary>
/// <param name="EntriesChecked">Chain entries recomputed against their events.</param>
/// <param name="PendingEvents">Events above the chain head, not chained yet (normal: the chainer runs behind commits).</param>
/// <param name="Breaks">The first breaks found, in log order (at most <see cref="IntegrityVerifier.MaxBreaksListed"/>), then the documents that differ from their events.</param>
public sealed record VerificationReport(
    DateTimeOffset StartedAt,
    TimeSpan Elapsed,
    long EntriesChecked,
    long ChainHeadPosition,
    long ChainHeadSequence,
    long PendingEvents,
    int CheckpointsChecked,
    long? LastCheckpointNumber,
    int BreaksFound,
    IReadOnlyList<IntegrityBreak> Breaks)
{
    /// <summary>Documents decisions read that were rebuilt from their events and compared (see <see cref="DocumentVerifier"/>).</summary>
    public long DocumentsChecked { get; init; }

    /// <summary>How long each stage of the run took, in order (what the bench prints to show where the time goes).</summary>
    public IReadOnlyList<VerificationStage> Stages { get; init; } = [];

    public bool Intact => BreaksFound == 0;

    public IntegrityBreak? FirstBreak => Breaks.Count > 0 ? Breaks[0] : null;
}

/// <summary>One stage of a verification run and how long it took.</summary>
public sealed record VerificationStage(string Name, TimeSpan Elapsed);

/// <summary>Stages timed one after another on one stopwatch.</summary>
internal sealed class Stages(System.Diagnostics.Stopwatch clock)
{
    private readonly List<VerificationStage> _ended = [];
    private TimeSpan _last = clock.Elapsed;

    public IReadOnlyList<VerificationStage> Ended => _ended;

    /// <summary>A stage timed elsewhere.</summary>
    public void Add(string name, TimeSpan spent) => _ended.Add(new VerificationStage(name, spent));

    public void End(string name)
    {
        var now = clock.Elapsed;
        _ended.Add(new VerificationStage(name, now - _last));
        _last = now;
    }
}

using Console.Workflows.Inventory;
using Console.Workflows.Snapshots.Protecting;

namespace Console.Workflows.Snapshots;

public enum SnapshotStatus
{
    Available = 0,
    Deleted = 1,
}

/// <summary>Who keeps a snapshot (pin or legal hold), why, and until when (null: until released).</summary>
public sealed record RetentionHold(string Reason, DateTimeOffset? Until, string By, DateTimeOffset At);

/// <summary>A deletion that has begun and not yet been recorded as done.</summary>
public sealed record DeletionInProgress(
    DeletionTrigger Trigger, Guid RequestId, Guid OperationId, string Reason, string By, DateTimeOffset At);

/// <summary>
/// A snapshot of a VNF (or some of its components), rebuilt inline from its stream. The positional part is what the
/// snapshot was when taken; the rest is its protection, retention and deletion as they stand.
/// </summary>
public sealed record Snapshot(
    Guid Id,
    Guid VnfId,
    string VnfName,
    IReadOnlyList<SnapshotComponent> Components,
    Guid RequestId,
    Guid EnvironmentId,
    string ArtefactLocation,
    string ContentDigest,
    long SizeBytes,
    string RequestedBy,
    IReadOnlyList<string> ApprovedBy,
    DateTimeOffset CompletedAt,
    SnapshotStatus Status,
    DateTimeOffset? DeletedAt)
{
    public int Version { get; init; }

    /// <summary>Completion plus the maximum age of <see cref="GoverningSensitivity"/>; null for snapshots without retention yet.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The component sensitivity whose maximum age is the shortest, which therefore sets the expiry.</summary>
    public Sensitivity? GoverningSensitivity { get; init; }

    /// <summary>The policy revision the current expiry was computed under.</summary>
    public int? RetentionPolicyRevision { get; init; }

    public RetentionHold? Pin { get; init; }

    public RetentionHold? LegalHold { get; init; }

    public DateTimeOffset? NotNeededAt { get; init; }

    public string? NotNeededReason { get; init; }

    public string? NotNeededBy { get; init; }

    /// <summary>
    /// When the snapshot becomes due for deletion: its expiry, or earlier when marked not needed. Indexed, so the sweep
    /// finds due snapshots without reading the others; null once deleted.
    /// </summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>Set while a secure deletion runs (claimed, keys or artefact not yet confirmed gone).</summary>
    public DeletionInProgress? Deletion { get; init; }

    public DeletionTrigger? DeletionTrigger { get; init; }

    /// <summary>The deletion receipt once deleted.</summary>
    public SnapshotDeleted? Receipt { get; init; }

    /// <summary>The signed manifest; null for snapshots taken before snapshots were protected.</summary>
    public SnapshotManifest? Manifest { get; init; }

    public string? ManifestSignature { get; init; }

    public string? SigningKeyId { get; init; }

    /// <summary>The data keys of the artefact, one per trust domain among the components.</summary>
    public IReadOnlyList<ManifestKey> Keys { get; init; } = [];

    /// <summary>The VNF's persistent-state epoch the snapshot captured.</summary>
    public long? StateEpoch { get; init; }

    public static Snapshot Create(SnapshotTaken e) =>
        new(e.SnapshotId, e.VnfId, e.VnfName, e.Components, e.RequestId, e.EnvironmentId, e.ArtefactLocation,
            e.ContentDigest, e.SizeBytes, e.RequestedBy, e.ApprovedBy, e.At, SnapshotStatus.Available, null);

    public Snapshot Apply(RetentionAssigned e) =>
        Status == SnapshotStatus.Deleted
            ? this
            : WithDue(this with { ExpiresAt = e.ExpiresAt, GoverningSensitivity = e.GoverningSensitivity, RetentionPolicyRevision = e.PolicyRevision });

    public Snapshot Apply(SnapshotProtected e) =>
        this with
        {
            Manifest = e.Manifest,
            ManifestSignature = e.Signature,
            SigningKeyId = e.SigningKeyId,
            Keys = e.Manifest.Keys,
            StateEpoch = e.Manifest.StateEpoch,
        };

    public Snapshot Apply(SnapshotPinned e) => this with { Pin = new RetentionHold(e.Reason, e.Until, e.By, e.At) };

    public Snapshot Apply(SnapshotUnpinned e) => this with { Pin = null };

    public Snapshot Apply(LegalHoldPlaced e) => this with { LegalHold = new RetentionHold(e.Reason, e.Until, e.By, e.At) };

    public Snapshot Apply(LegalHoldReleased e) => this with { LegalHold = null };

    public Snapshot Apply(SnapshotMarkedNotNeeded e) =>
        WithDue(this with { NotNeededAt = e.At, NotNeededReason = e.Reason, NotNeededBy = e.By });

    public Snapshot Apply(SnapshotDeletionStarted e) =>
        this with { Deletion = new DeletionInProgress(e.Trigger, e.RequestId, e.OperationId, e.Reason, e.By, e.At) };

    public Snapshot Apply(SnapshotDeleted e) =>
        this with
        {
            Status = SnapshotStatus.Deleted,
            DeletedAt = e.At,
            DeletionTrigger = e.Trigger,
            Receipt = e,
            Deletion = null,
            DueAt = null,
        };

    private static Snapshot WithDue(Snapshot s) =>
        s with
        {
            DueAt = s.NotNeededAt is { } notNeeded && (s.ExpiresAt is not { } expires || notNeeded < expires)
                ? notNeeded
                : s.ExpiresAt,
        };
}

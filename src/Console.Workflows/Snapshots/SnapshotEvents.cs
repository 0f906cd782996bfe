namespace Console.Workflows.Snapshots;

/// <summary>A snapshot's artefact exists: taken by the infrastructure for an approved request.</summary>
public sealed record SnapshotTaken(
    Guid SnapshotId,
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
    string By,
    DateTimeOffset At);

/// <summary>Why a snapshot was deleted.</summary>
public enum DeletionTrigger
{
    Request = 0,
    Expired = 1,
    NotNeeded = 2,
}

/// <summary>
/// The snapshot's artefact was deleted: for an approved deletion request, or by the retention sweep. The deletion
/// receipt: what was destroyed (key ids, artefact), when and why. <paramref name="RequestId"/> is
/// <see cref="Guid.Empty"/> when no request asked for it; events stored before the receipt fields existed read with
/// their defaults.
/// </summary>
public sealed record SnapshotDeleted(
    Guid SnapshotId,
    Guid RequestId,
    string Reason,
    string By,
    DateTimeOffset At,
    DeletionTrigger Trigger = DeletionTrigger.Request,
    IReadOnlyList<string>? DestroyedKeyIds = null,
    string? ArtefactLocation = null,
    string? InfrastructureDetail = null);

/// <summary>A component as captured: its trust domain and sensitivity travel with the snapshot.</summary>
public sealed record SnapshotComponent(Guid ComponentId, string Name, Inventory.Sensitivity Sensitivity, Guid TrustDomainId);

public enum SnapshotStatus
{
    Available = 0,
    Deleted = 1,
}

/// <summary>A snapshot of a VNF (or some of its components), rebuilt from its stream.</summary>
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

    public static Snapshot Create(SnapshotTaken e) =>
        new(e.SnapshotId, e.VnfId, e.VnfName, e.Components, e.RequestId, e.EnvironmentId, e.ArtefactLocation,
            e.ContentDigest, e.SizeBytes, e.RequestedBy, e.ApprovedBy, e.At, SnapshotStatus.Available, null);

    public Snapshot Apply(SnapshotDeleted e) => this with { Status = SnapshotStatus.Deleted, DeletedAt = e.At };
}

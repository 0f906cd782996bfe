using Console.Workflows.Inventory;
using Console.Workflows.Snapshots.Protecting;

namespace Console.Workflows.Snapshots;

/// <summary>A snapshot's artefact exists: taken by the infrastructure for an approved request. At is its completion.</summary>
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

/// <summary>A component as captured: its trust domain and sensitivity travel with the snapshot.</summary>
public sealed record SnapshotComponent(Guid ComponentId, string Name, Sensitivity Sensitivity, Guid TrustDomainId);

/// <summary>
/// How long the snapshot lives: completion plus the policy's maximum age of its strictest (shortest-lived) sensitivity.
/// Appended with <see cref="SnapshotTaken"/>, and again when a policy revision changes that maximum age.
/// </summary>
public sealed record RetentionAssigned(
    Guid SnapshotId, DateTimeOffset ExpiresAt, Sensitivity GoverningSensitivity, int PolicyRevision, string By, DateTimeOffset At);

/// <summary>
/// The snapshot's signed manifest and the per-trust-domain data keys its artefact is encrypted with. Appended in the
/// same transaction as <see cref="SnapshotTaken"/>; restore checks the signature and the artefact's digest against it.
/// </summary>
public sealed record SnapshotProtected(
    Guid SnapshotId, SnapshotManifest Manifest, string Signature, string SigningKeyId, string By, DateTimeOffset At);

/// <summary>Someone asked to keep the snapshot (until a time, or until unpinned); it is not deleted while pinned.</summary>
public sealed record SnapshotPinned(Guid SnapshotId, string Reason, DateTimeOffset? Until, string By, DateTimeOffset At);

public sealed record SnapshotUnpinned(Guid SnapshotId, string Reason, string By, DateTimeOffset At);

/// <summary>A security officer or administrator holds the snapshot for legal reasons; nothing deletes it meanwhile.</summary>
public sealed record LegalHoldPlaced(Guid SnapshotId, string Reason, DateTimeOffset? Until, string By, DateTimeOffset At);

public sealed record LegalHoldReleased(Guid SnapshotId, string Reason, string By, DateTimeOffset At);

/// <summary>
/// "No longer needed": the snapshot is due now rather than at its expiry. Only for snapshots without Sensitive or
/// Critical components; those are deleted through an approved deletion request.
/// </summary>
public sealed record SnapshotMarkedNotNeeded(Guid SnapshotId, string Reason, string By, DateTimeOffset At);

/// <summary>
/// Secure deletion has begun: whoever appended this (one sweep, or one request execution) owns the deletion, and any
/// node may finish it with the same infrastructure operation id. Holds and pins are refused from here on.
/// </summary>
public sealed record SnapshotDeletionStarted(
    Guid SnapshotId, DeletionTrigger Trigger, Guid RequestId, Guid OperationId, string Reason, string By, DateTimeOffset At);

/// <summary>What caused a deletion.</summary>
public enum DeletionTrigger
{
    Request = 0,
    Expired = 1,
    NotNeeded = 2,
}

/// <summary>
/// The deletion receipt: the snapshot's data keys were destroyed (crypto-shredding) and the infrastructure deleted the
/// artefact. Receipts recorded before secure deletion existed read with the defaults (trigger Request, nothing listed).
/// <see cref="DestroyedKeyObjects"/> names the key objects destroyed outside the database (HSM token and object label).
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
    string? InfrastructureDetail = null,
    IReadOnlyList<string>? DestroyedKeyObjects = null);

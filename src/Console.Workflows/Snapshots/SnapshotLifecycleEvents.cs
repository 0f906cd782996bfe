using Console.Workflows.Inventory;

namespace Console.Workflows.Snapshots;

/// <summary>
/// When the snapshot expires: completion plus the policy's maximum snapshot age of the strictest (shortest maximum age)
/// sensitivity among its components. Appended with <see cref="SnapshotTaken"/> and again whenever a policy revision
/// changes that maximum age.
/// </summary>
public sealed record RetentionAssigned(
    Guid SnapshotId, DateTimeOffset ExpiresAt, Sensitivity GoverningSensitivity, int PolicyRevision, string By, DateTimeOffset At);

/// <summary>Someone keeps the snapshot past its expiry (until <paramref name="Until"/>, or until unpinned).</summary>
public sealed record SnapshotPinned(Guid SnapshotId, string Reason, DateTimeOffset? Until, string By, DateTimeOffset At);

public sealed record SnapshotUnpinned(Guid SnapshotId, string Reason, string By, DateTimeOffset At);

/// <summary>The snapshot must not be deleted while the hold lasts (until <paramref name="Until"/>, or until released).</summary>
public sealed record LegalHoldPlaced(Guid SnapshotId, string Reason, DateTimeOffset? Until, string By, DateTimeOffset At);

public sealed record LegalHoldReleased(Guid SnapshotId, string Reason, string By, DateTimeOffset At);

/// <summary>"No longer needed": the snapshot is due now. Sensitive ones only through an approved request.</summary>
public sealed record SnapshotMarkedNotNeeded(Guid SnapshotId, string Reason, string By, DateTimeOffset At);

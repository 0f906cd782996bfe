namespace Console.Workflows.Continuity;

// Events of one VNF's continuity stream (stream id: VnfContinuity.StreamIdFor(vnfId)). The epoch numbers the VNF's
// persistent state: it only grows, and only the instance holding the valid lease of the current epoch may run on it.

/// <summary>The VNF's first instance holds the lease of epoch 1.</summary>
public sealed record ContinuityEstablished(Guid VnfId, Guid InstanceId, Guid EnvironmentId, long Epoch, string By, DateTimeOffset At);

/// <summary>
/// A migration sealed the state at the source under the current epoch, encrypted to a key only the attested target
/// holds (<paramref name="SealedToKeyId"/>). The source keeps its lease until the target commits.
/// </summary>
/// <param name="ComponentIds">The components whose state a partial move sealed; null or empty: the whole VNF's.</param>
/// <param name="TargetInstanceId">
/// The fresh instance that is to unseal the state (null in events written before it was recorded): it may speak on the
/// next epoch before the commit grants its lease, and is not mistaken for a fork meanwhile.
/// </param>
public sealed record StateSealed(
    Guid VnfId, Guid OperationId, long Epoch, Guid SourceInstanceId, Guid TargetEnvironmentId, string SealedDigest,
    string SealedToKeyId, string By, DateTimeOffset At, IReadOnlyList<Guid>? ComponentIds = null, Guid? TargetInstanceId = null);

/// <summary>
/// The target unsealed the state of the still-current epoch: in one step the epoch advances, the source's lease is
/// revoked (fenced) and the target's granted, so at no moment do two instances hold a valid lease. After a partial
/// move (<paramref name="ComponentIds"/>) the VNF runs on as the new instance where it ran, its moved components in
/// <paramref name="TargetEnvironmentId"/>; the source instance, with the moved components' old copies, is fenced.
/// </summary>
public sealed record MigrationCommitted(
    Guid VnfId, Guid OperationId, long FromEpoch, long NewEpoch, Guid SourceInstanceId, Guid TargetInstanceId,
    Guid TargetEnvironmentId, string By, DateTimeOffset At, IReadOnlyList<Guid>? ComponentIds = null);

/// <summary>A sealed migration was abandoned; the source still holds its lease and the epoch did not move.</summary>
public sealed record MigrationAborted(Guid VnfId, Guid OperationId, long Epoch, string Reason, string By, DateTimeOffset At);

/// <summary>
/// Roll-back through an approved restore request: the snapshot's state runs again under a NEW epoch; the states of
/// the epochs after the snapshot's are lost, and the instance that held the lease is fenced.
/// </summary>
public sealed record StateRestored(
    Guid VnfId, Guid SnapshotId, Guid RequestId, long SnapshotEpoch, long FromEpoch, long NewEpoch, Guid InstanceId,
    Guid EnvironmentId, string By, DateTimeOffset At);

/// <summary>The lease holder was paused, stopped, restarted or crashed: nobody trusts it until it is re-attested.</summary>
public sealed record InstanceInterrupted(Guid VnfId, Guid InstanceId, LifecycleInterruption Interruption, string By, DateTimeOffset At);

/// <summary>The lease holder presented accepted evidence after an interruption; others may trust it again.</summary>
public sealed record InstanceReattested(Guid VnfId, Guid InstanceId, long Epoch, string Evidence, string By, DateTimeOffset At);

/// <summary>
/// A second live instance, or a heartbeat carrying a stale epoch: a fork or a roll-back attempt. The offending copy is
/// fenced (never gets a lease for this VNF again) and security officers are alerted.
/// </summary>
public sealed record ForkDetected(
    Guid VnfId, Guid InstanceId, Guid EnvironmentId, long ReportedEpoch, long CurrentEpoch, Guid? LeaseHolder,
    string Detail, string By, DateTimeOffset At);

/// <summary>
/// KI#13: this VNF (the verifier, whose stream this is) verifies <paramref name="SubjectVnfId"/> for a purpose. The
/// relationship holds only while both are trustworthy (lease held, re-attested since their last interruption).
/// </summary>
public sealed record TrustRelationshipDeclared(Guid VerifierVnfId, Guid SubjectVnfId, string Purpose, string By, DateTimeOffset At);

public enum LifecycleInterruption
{
    Pause = 0,
    Stop = 1,
    Restart = 2,
    Crash = 3,
}

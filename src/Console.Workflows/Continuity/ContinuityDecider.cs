using Console.Workflows.Common;
using Console.Workflows.Nfv;

namespace Console.Workflows.Continuity;

/// <summary>
/// Pure decisions over a VNF's state continuity: who may run on which epoch. Each returns the events to append to the
/// continuity stream (written with the stream's expected version, so two concurrent migrations cannot both commit) or
/// a refusal that says why.
/// </summary>
public static class ContinuityDecider
{
    public const string By = "system:continuity";

    public static Decision Establish(VnfContinuity? state, Guid vnfId, Guid instanceId, Guid environmentId, DateTimeOffset now) =>
        state is not null
            ? Refusal.Because("This VNF's state continuity is already established; a new instance comes only through migration or restore.", RefusalKind.Conflict)
            : Decision.Emit(new ContinuityEstablished(vnfId, instanceId, environmentId, 1, By, now));

    /// <summary>
    /// What a migration checks before any byte of state is sealed or moved, for the whole VNF and for selected
    /// components alike: the channel the state would travel over is encrypted, and the target's sealing key is the one
    /// whose digest its just-accepted quote carried. Null when both hold.
    /// </summary>
    public static Refusal? BeforeSealing(TransferChannel channel, string? quotedSealingDigest, string targetSealingKey)
    {
        ArgumentNullException.ThrowIfNull(channel);
        if (!channel.Encrypted)
            return Refusal.Because(
                $"The infrastructure reports the transfer channel as unencrypted ({channel.Description}); the VNF's state never travels in the clear. Restore the encrypted channel, then retry.");
        if (quotedSealingDigest is null || !string.Equals(quotedSealingDigest, SealingMeasurement.DigestOf(targetSealingKey), StringComparison.OrdinalIgnoreCase))
            return Refusal.Because("The target's sealing key is not the one its accepted attestation evidence measured; the state is not sealed to it.");
        return null;
    }

    /// <summary>
    /// Records the state the infrastructure sealed for a migration, if the VNF is still where it was when sealing
    /// began: the same holder on the same epoch (another migration or a restore did not come first) and, for a whole
    /// move, still in the environment the request moves it from. A partial move leaves the instance where it runs; only
    /// its components' state moves, so the holder's environment is not the components' source.
    /// </summary>
    public static Decision SealForMigration(VnfContinuity state, MigrationSealing sealing, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(sealing);
        if (state.CurrentLease is not { } holder)
            return Refusal.Because("No instance holds a valid lease any more.", RefusalKind.Conflict);
        if (sealing.ComponentIds.Count == 0 && holder.EnvironmentId != sealing.SourceEnvironmentId)
            return Refusal.Because(
                "The VNF's live instance no longer runs in the environment this request moves it from (another migration or a restore came first); submit a new request.",
                RefusalKind.Conflict);
        if (state.Epoch != sealing.Epoch || holder.InstanceId != sealing.SourceInstanceId)
            return Refusal.Because($"The state was sealed at epoch {sealing.Epoch}, but the VNF moved on to epoch {state.Epoch} meanwhile.", RefusalKind.Conflict);
        return Seal(state, sealing.OperationId, sealing.TargetEnvironmentId, sealing.SealedDigest, sealing.SealedToKeyId, now, sealing.ComponentIds,
            sealing.TargetInstanceId);
    }

    /// <summary>
    /// Seals the state at the source under the current epoch; only the valid, attested lease holder can be sealed.
    /// <paramref name="componentIds"/> names the components a partial move seals (none: the whole VNF);
    /// <paramref name="targetInstanceId"/> the fresh instance that is to unseal it.
    /// </summary>
    public static Decision Seal(
        VnfContinuity state, Guid operationId, Guid targetEnvironmentId, string sealedDigest, string sealedToKeyId, DateTimeOffset now,
        IReadOnlyList<Guid>? componentIds = null, Guid? targetInstanceId = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Sealed is { } inFlight)
            return inFlight.OperationId == operationId
                ? Decision.Emit()
                : Refusal.Because($"Migration {inFlight.OperationId:D} already sealed epoch {inFlight.Epoch}; one migration at a time.", RefusalKind.Conflict);
        if (state.CurrentLease is not { } lease)
            return Refusal.Because("No instance holds a valid lease on this VNF's state; nothing can be sealed.", RefusalKind.Invalid);
        if (state.AwaitingReattestation)
            return Refusal.Because("The running instance was interrupted and is not re-attested yet; its state is not sealed.", RefusalKind.Invalid);
        return Decision.Emit(new StateSealed(
            state.VnfId, operationId, state.Epoch, lease.InstanceId, targetEnvironmentId, sealedDigest, sealedToKeyId, By, now,
            componentIds is { Count: > 0 } ? [.. componentIds] : null, targetInstanceId));
    }

    /// <summary>
    /// The target unseals: only if the sealed epoch is still the current one (else a restore or another migration
    /// overtook it and unsealing would resurrect an old state).
    /// </summary>
    public static Decision Commit(VnfContinuity state, Guid operationId, Guid targetInstanceId, long unsealedEpoch, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Sealed is not { } seal || seal.OperationId != operationId)
            return Refusal.Because($"Migration {operationId:D} has no sealed state to unseal (aborted, overtaken or never sealed).", RefusalKind.Conflict);
        if (seal.Epoch != state.Epoch || unsealedEpoch != state.Epoch)
            return Refusal.Because(
                $"The sealed state is of epoch {unsealedEpoch}, the VNF is at epoch {state.Epoch}: unsealing it would bring back an old state.",
                RefusalKind.Conflict);
        if (state.Fenced.Contains(targetInstanceId) || state.Leases.Any(l => l.InstanceId == targetInstanceId))
            return Refusal.Because("The target instance held a lease before or was fenced; a migration starts a fresh instance.", RefusalKind.Invalid);
        return Decision.Emit(new MigrationCommitted(
            state.VnfId, operationId, state.Epoch, state.Epoch + 1, seal.SourceInstanceId, targetInstanceId, seal.TargetEnvironmentId, By, now,
            seal.Partial ? seal.ComponentIds : null));
    }

    public static Decision Abort(VnfContinuity state, Guid operationId, string reason, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Sealed is { } seal && seal.OperationId == operationId
            ? Decision.Emit(new MigrationAborted(state.VnfId, operationId, seal.Epoch, reason, By, now))
            : Decision.Emit();
    }

    /// <summary>
    /// Roll-back to a snapshot's state (only through an approved restore request): the state runs again under a new
    /// epoch, never the snapshot's; whoever held the lease is fenced; a migration in flight is overtaken.
    /// </summary>
    public static Decision Restore(
        VnfContinuity state, Guid snapshotId, Guid requestId, long snapshotEpoch, Guid instanceId, Guid environmentId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (snapshotEpoch < 1 || snapshotEpoch > state.Epoch)
            return Refusal.Because($"The snapshot claims epoch {snapshotEpoch}, but this VNF has only reached epoch {state.Epoch}.", RefusalKind.Invalid);
        if (state.Fenced.Contains(instanceId) || state.Leases.Any(l => l.InstanceId == instanceId))
            return Refusal.Because("A restore starts a fresh instance; this one held a lease before or was fenced.", RefusalKind.Invalid);
        var newEpoch = state.EpochHistory.Max() + 1;
        return Decision.Emit(new StateRestored(
            state.VnfId, snapshotId, requestId, snapshotEpoch, state.Epoch, newEpoch, instanceId, environmentId, By, now));
    }

    /// <summary>The epochs whose state a restore to <paramref name="snapshotEpoch"/> loses, for the request page.</summary>
    public static IReadOnlyList<long> EpochsLostByRestore(VnfContinuity state, long snapshotEpoch)
    {
        ArgumentNullException.ThrowIfNull(state);
        return EpochsLostByRestore(state.EpochHistory, snapshotEpoch);
    }

    /// <summary>The epochs of <paramref name="epochHistory"/> after <paramref name="snapshotEpoch"/>, in order.</summary>
    public static IReadOnlyList<long> EpochsLostByRestore(IReadOnlyList<long> epochHistory, long snapshotEpoch)
    {
        ArgumentNullException.ThrowIfNull(epochHistory);
        return [.. epochHistory.Where(e => e > snapshotEpoch).Order()];
    }

    public static Decision Interrupt(VnfContinuity state, Guid instanceId, LifecycleInterruption interruption, string by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.CurrentLease?.InstanceId == instanceId
            ? Decision.Emit(new InstanceInterrupted(state.VnfId, instanceId, interruption, by, now))
            : Refusal.Because("Only the instance holding the lease can be paused, stopped or restarted.", RefusalKind.Invalid);
    }

    /// <summary>The holder presented accepted evidence after its interruption (the evidence was verified before).</summary>
    public static Decision Reattested(VnfContinuity state, Guid instanceId, string evidence, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.CurrentLease?.InstanceId != instanceId)
            return Refusal.Because("Only the lease holder's re-attestation restores trust in this VNF.", RefusalKind.Invalid);
        return state.AwaitingReattestation
            ? Decision.Emit(new InstanceReattested(state.VnfId, instanceId, state.Epoch, evidence, By, now))
            : Decision.Emit();
    }

    /// <summary>
    /// An instance reports it is alive on an epoch. The lease holder on the current epoch is fine; anything else (a
    /// second live copy, a fenced copy, a stale epoch) is a fork or roll-back attempt: detected and fenced. One exception:
    /// the fresh instance a migration in flight sealed the state to has unsealed it and speaks on the next epoch before
    /// the commit grants its lease; it is not trusted yet (it holds no lease), but it is no fork either. If the
    /// migration aborts instead, its next heartbeat claims an epoch never issued and is fenced.
    /// </summary>
    public static Decision Heartbeat(VnfContinuity state, Guid instanceId, Guid environmentId, long epoch, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        var holder = state.CurrentLease;
        if (holder is not null && holder.InstanceId == instanceId && epoch == state.Epoch && !state.Fenced.Contains(instanceId))
            return Decision.Emit();
        if (IsUnsealedTargetAwaitingCommit(state, instanceId, epoch))
            return Decision.Emit();

        var stale = $"It runs on the state of epoch {epoch}, but the VNF is at epoch {state.Epoch}: a stale copy (roll-back).";
        var detail = state.Fenced.Contains(instanceId) ? "A fenced copy is still running." + (epoch < state.Epoch ? " " + stale : "")
            : epoch < state.Epoch ? stale
            : epoch > state.Epoch ? $"It claims epoch {epoch}, which the console never issued."
            : holder is null ? "It runs although no instance holds a valid lease."
            : $"A second live instance beside the lease holder {holder.InstanceId:D}: a fork.";
        return Decision.Emit(new ForkDetected(
            state.VnfId, instanceId, environmentId, epoch, state.Epoch, holder?.InstanceId, detail, By, now));
    }

    private static bool IsUnsealedTargetAwaitingCommit(VnfContinuity state, Guid instanceId, long epoch) =>
        state.Sealed is { TargetInstanceId: { } target } seal
        && target == instanceId
        && seal.Epoch == state.Epoch
        && epoch == state.Epoch + 1
        && !state.Fenced.Contains(instanceId)
        && state.Leases.All(l => l.InstanceId != instanceId);
}

/// <summary>
/// The state the infrastructure sealed for a migration: of which holder, environment and epoch, to which target and key,
/// which components (none: the whole VNF), and which fresh instance is to unseal it.
/// </summary>
public sealed record MigrationSealing(
    Guid OperationId, Guid SourceInstanceId, Guid SourceEnvironmentId, long Epoch, Guid TargetEnvironmentId, string SealedDigest,
    string SealedToKeyId, IReadOnlyList<Guid> ComponentIds, Guid? TargetInstanceId = null);

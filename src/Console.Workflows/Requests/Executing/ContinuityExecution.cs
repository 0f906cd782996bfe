using Console.Workflows.Attestation.Verifying;
using Console.Workflows.Continuity;
using Console.Workflows.Continuity.Tracking;
using Console.Workflows.Inventory;
using Console.Workflows.Nfv;
using Console.Workflows.Snapshots;
using Console.Workflows.Snapshots.Protecting;
using Marten;

namespace Console.Workflows.Requests.Executing;

/// <summary>What execution needs for the steps that move, restore or interrupt a VNF's persistent state.</summary>
internal sealed record ContinuityServices(
    IContinuityService Continuity, IAttestationService Attestation, ISnapshotRestoreGuard RestoreGuard, IDocumentStore Store, TimeProvider Time);

/// <summary>
/// The execution of the requests that touch a VNF's state continuity: a whole-VNF migration through sealed epochs, a
/// restore (roll-back) onto a new epoch, and the lifecycle operations with their re-attestation. Each step is
/// decided by <see cref="ContinuityDecider"/> on the continuity stream's expected version; a refusal stops the
/// execution with its reason (<see cref="ExecutionRefusedException"/>).
/// </summary>
internal static class ContinuityExecution
{
    /// <summary>
    /// Seal at the source under the current epoch (to the sealing key the target's accepted quote measured), transfer
    /// over an encrypted channel, unseal at the target only on the current epoch, attest the new instance, then commit
    /// (epoch + 1, source lease revoked, target's granted) and fence the source. Any failure after sealing aborts.
    /// A partial move (<paramref name="movedComponents"/> not empty) takes the same steps for the state of those
    /// components: the VNF then runs on as the new instance where it ran, and the source instance is fenced with the
    /// moved components' old copies.
    /// </summary>
    public static async Task<(string Detail, MigrationMeasurement? Measured)> MigrateAsync(
        INfvInfrastructure infrastructure, ContinuityServices services, ChangeRequest request, Guid operationId,
        AttestationOutcome targetAttestation, IReadOnlyList<Guid> movedComponents, CancellationToken ct)
    {
        var content = request.Content;
        var vnfId = content.VnfId;
        var target = content.TargetEnvironmentId ?? throw new InvalidOperationException("A migration has a target.");
        var targetInstance = ExecutionDecider.InstanceIdFor(operationId);
        var state = await services.Continuity.EnsureEstablishedAsync(vnfId, ct)
            ?? throw new ExecutionRefusedException("The infrastructure runs no instance of this VNF; there is no state to migrate.");

        if (state.CurrentLease?.InstanceId == targetInstance)
        {
            // Resumed after the commit: make sure the source's fencing, the step after it, happened.
            if (state.Leases.LastOrDefault(l => l.Revoked && l.InstanceId != targetInstance) is { } handedOver)
                await infrastructure.FenceAsync(new FenceOrder(vnfId, handedOver.InstanceId, $"Migrated to instance {targetInstance:D}; its lease was revoked."), ct);
            return ($"instance {Short(targetInstance)} holds epoch {state.Epoch} (the migration had committed before this attempt resumed)", null);
        }
        if (state.CurrentLease is not { } lease)
            throw new ExecutionRefusedException("No instance holds a valid lease on this VNF's state (fenced or never established); it cannot be migrated.");
        if (state.Sealed is { } left && ExecutionDecider.IsEarlierAttempt(request, left.OperationId, operationId))
        {
            // An attempt given up after an unexpected error ended without aborting its seal; the source still holds the lease.
            await services.Continuity.DecideAsync(vnfId, s => ContinuityDecider.Abort(
                s, left.OperationId, "An earlier attempt of this request ended without committing; the next attempt seals afresh.", services.Time.GetUtcNow()), ct);
        }

        // Refused before anything is sealed or moved: a channel in the clear, or a key the target's accepted quote did not carry.
        var channel = await infrastructure.TransferChannelAsync(content.SourceEnvironmentId, target, ct);
        var sealingKey = await infrastructure.SealingKeyAsync(target, ct);
        if (ContinuityDecider.BeforeSealing(channel, targetAttestation.AcceptedMeasurement(SealingMeasurement.Register), sealingKey) is { } unsafeMove)
            throw new ExecutionRefusedException(unsafeMove.Message);

        var receipt = await infrastructure.SealStateAsync(
            new SealOrder(operationId, vnfId, lease.InstanceId, state.Epoch, target, sealingKey, movedComponents), ct);
        var sealing = new MigrationSealing(operationId, lease.InstanceId, content.SourceEnvironmentId, receipt.Epoch, target,
            receipt.Digest, receipt.SealedToKeyId, movedComponents, targetInstance);
        var sealRefusal = await services.Continuity.DecideAsync(vnfId, s => ContinuityDecider.SealForMigration(s, sealing, services.Time.GetUtcNow()), ct);
        if (sealRefusal is not null)
            throw new ExecutionRefusedException("The state was not sealed: " + sealRefusal.Message);

        string detail;
        MigrationMeasurement? measured;
        try
        {
            var transfer = await infrastructure.MigrateAsync(new MigrationOrder(
                operationId, vnfId, content.ComponentIds, content.SourceEnvironmentId, target), ct);
            (detail, measured) = (transfer.Detail, transfer.Measured);
            var current = await services.Continuity.EnsureEstablishedAsync(vnfId, ct);
            var epoch = current?.Epoch ?? 0;
            var instance = await infrastructure.UnsealAsync(new UnsealOrder(operationId, vnfId, target, targetInstance, epoch, epoch + 1), ct);
            var instanceAttestation = await services.Attestation.VerifyAsync(
                Attestation.AttestedSubjectKind.VnfInstance, instance.InstanceId, vnfId, infrastructure, ct);
            if (!instanceAttestation.Accepted)
            {
                await infrastructure.FenceAsync(new FenceOrder(vnfId, instance.InstanceId, "Its attestation was refused after unsealing."), ct);
                throw new ExecutionRefusedException("The new instance's attestation was refused after unsealing: " + instanceAttestation.Detail);
            }

            var commitRefusal = await services.Continuity.DecideAsync(vnfId, s =>
                ContinuityDecider.Commit(s, operationId, instance.InstanceId, receipt.Epoch, services.Time.GetUtcNow()), ct);
            if (commitRefusal is not null)
            {
                await infrastructure.FenceAsync(new FenceOrder(vnfId, instance.InstanceId, "Its migration could not commit: " + commitRefusal.Message), ct);
                throw new ExecutionRefusedException("The migration could not commit: " + commitRefusal.Message);
            }
        }
        catch (Exception ex) when (ex is InfrastructureException or ExecutionRefusedException)
        {
            await services.Continuity.DecideAsync(vnfId, s => ContinuityDecider.Abort(s, operationId, ex.Message, services.Time.GetUtcNow()), ct);
            throw;
        }

        await infrastructure.FenceAsync(new FenceOrder(vnfId, lease.InstanceId, $"Migrated to instance {targetInstance:D}; its lease was revoked."), ct);
        var (what, copies) = movedComponents.Count > 0
            ? ($"the state of {movedComponents.Count} component(s) at epoch {receipt.Epoch}", " with the moved components' old copies")
            : ($"the state of epoch {receipt.Epoch}", "");
        return ($"{detail}; {what} was sealed to {receipt.SealedToKeyId} and sent over {channel.Description}; "
            + $"instance {Short(targetInstance)} unsealed it, was attested and holds epoch {receipt.Epoch + 1}; the source instance {Short(lease.InstanceId)} is fenced{copies}", measured);
    }

    /// <summary>
    /// Roll-back: the snapshot's signed manifest and digest are checked, a new epoch is issued, a fresh instance starts
    /// from the snapshot on it, the old holder is fenced, and the new instance must be re-attested before it is trusted.
    /// </summary>
    public static async Task<string> RestoreAsync(
        INfvInfrastructure infrastructure, ContinuityServices services, ChangeRequest request, Guid operationId, CancellationToken ct)
    {
        var content = request.Content;
        var snapshotId = content.SnapshotId ?? throw new ExecutionRefusedException("A restore names the snapshot to restore.");
        var check = await services.RestoreGuard.CheckAsync(snapshotId, ct);
        if (!check.Allowed)
            throw new ExecutionRefusedException(check.Refusal!.Message);
        Snapshot snapshot;
        await using (var query = services.Store.QuerySession())
            snapshot = await query.LoadAsync<Snapshot>(snapshotId, ct) ?? throw new ExecutionRefusedException("There is no such snapshot.");
        if (snapshot.VnfId != content.VnfId)
            throw new ExecutionRefusedException("The snapshot is of another VNF than the one to restore.");
        var snapshotEpoch = snapshot.StateEpoch ?? 1;

        var before = await services.Continuity.EnsureEstablishedAsync(content.VnfId, ct)
            ?? throw new ExecutionRefusedException("The console tracks no state continuity for this VNF; it cannot be restored.");
        var instanceId = ExecutionDecider.InstanceIdFor(operationId);
        var lost = ContinuityDecider.EpochsLostByRestore(before, snapshotEpoch);
        var previous = before.CurrentLease?.InstanceId;
        if (previous != instanceId)
        {
            var refusal = await services.Continuity.DecideAsync(content.VnfId, s => ContinuityDecider.Restore(
                s, snapshotId, request.Id, snapshotEpoch, instanceId, content.SourceEnvironmentId, services.Time.GetUtcNow()), ct);
            if (refusal is not null)
                throw new ExecutionRefusedException("The restore was refused: " + refusal.Message);
        }

        var after = await services.Continuity.EnsureEstablishedAsync(content.VnfId, ct);
        var newEpoch = after!.Epoch;
        var instance = await infrastructure.RestoreAsync(
            new RestoreOrder(operationId, content.VnfId, snapshotId, content.SourceEnvironmentId, instanceId, newEpoch), ct);
        if (previous is { } old && old != instanceId)
            await infrastructure.FenceAsync(new FenceOrder(content.VnfId, old, $"Replaced by the restore of snapshot {snapshotId:D} (epoch {newEpoch})."), ct);

        var attested = await services.Continuity.ReattestAsync(content.VnfId, instance.InstanceId, ct);
        if (!attested.Accepted)
            throw new ExecutionRefusedException(
                $"The restored instance {Short(instance.InstanceId)} runs on epoch {newEpoch} but its re-attestation was refused: {attested.Detail} The VNF stays untrusted until it is re-attested.");

        var lostText = lost.Count == 0 ? "no later epoch's state was lost" : $"the state of epoch(s) {string.Join(", ", lost)} is lost";
        return $"Restored snapshot {snapshotId:D} (state of epoch {snapshotEpoch}) as the new epoch {newEpoch}; {lostText}; "
            + $"instance {Short(instance.InstanceId)} started and was re-attested"
            + (previous is { } p && p != instanceId ? $"; the previous instance {Short(p)} is fenced." : ".");
    }

    /// <summary>Pause, resume, stop, start or restart of the lease holder; an interruption is recorded first, re-attestation after.</summary>
    public static async Task<string> LifecycleAsync(
        INfvInfrastructure infrastructure, ContinuityServices services, ChangeRequest request, Guid operationId, CancellationToken ct)
    {
        var content = request.Content;
        var state = await services.Continuity.EnsureEstablishedAsync(content.VnfId, ct)
            ?? throw new ExecutionRefusedException("The infrastructure runs no instance of this VNF.");
        if (state.CurrentLease is not { } lease)
            throw new ExecutionRefusedException("No instance holds a valid lease on this VNF's state; there is nothing to operate on.");

        var (operation, interruption, reattest) = content.Kind switch
        {
            RequestKind.Pause => (LifecycleOperation.Pause, LifecycleInterruption.Pause, false),
            RequestKind.Stop => (LifecycleOperation.Stop, LifecycleInterruption.Stop, false),
            RequestKind.Restart => (LifecycleOperation.Restart, (LifecycleInterruption?)LifecycleInterruption.Restart, true),
            RequestKind.Resume => (LifecycleOperation.Resume, null, true),
            RequestKind.Start => (LifecycleOperation.Start, null, true),
            _ => throw new InvalidOperationException($"{content.Kind} is not a lifecycle operation."),
        };

        if (interruption is { } why && !state.AwaitingReattestation)
        {
            var refusal = await services.Continuity.InterruptAsync(content.VnfId, lease.InstanceId, why, ExecutionDecider.By, ct);
            if (refusal is not null)
                throw new ExecutionRefusedException(refusal.Message);
        }

        var instance = await infrastructure.LifecycleAsync(new LifecycleOrder(operationId, content.VnfId, lease.InstanceId, operation), ct);
        var done = $"Instance {Short(instance.InstanceId)} on epoch {instance.Epoch} is now {instance.State.ToString().ToLowerInvariant()}";
        if (!reattest)
            return done + "; it is not trusted by other VNFs until it is resumed or started and re-attested.";

        var attested = await services.Continuity.ReattestAsync(content.VnfId, instance.InstanceId, ct);
        if (!attested.Accepted)
            throw new ExecutionRefusedException(
                $"{done}, but its re-attestation was refused: {attested.Detail} Its trust relationships stay down until it is re-attested.");
        return done + "; it was re-attested and its trust relationships hold again.";
    }

    private static string Short(Guid id) => id.ToString("D")[..8];
}

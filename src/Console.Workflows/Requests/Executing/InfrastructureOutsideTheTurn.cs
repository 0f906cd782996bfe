using Console.Workflows.Attestation;
using Console.Workflows.Inventory;
using Console.Workflows.Nfv;

namespace Console.Workflows.Requests.Executing;

/// <summary>
/// The infrastructure as one execution's kind sees it: every call waits without holding the execution's place in the
/// <see cref="ExecutionShare"/>, since waiting on an orchestrator costs this node nothing.
/// </summary>
internal sealed class InfrastructureOutsideTheTurn(INfvInfrastructure inner, ExecutionTurn turn) : INfvInfrastructure
{
    public Task<AttestationEnrolment?> EnrolmentAsync(AttestedSubjectKind kind, Guid subjectId, CancellationToken ct) =>
        turn.OutsideAsync(() => inner.EnrolmentAsync(kind, subjectId, ct), ct);

    public Task<AttestationEvidence> QuoteAsync(AttestedSubjectKind kind, Guid subjectId, string nonce, CancellationToken ct) =>
        turn.OutsideAsync(() => inner.QuoteAsync(kind, subjectId, nonce, ct), ct);

    public Task<string> SealingKeyAsync(Guid environmentId, CancellationToken ct) =>
        turn.OutsideAsync(() => inner.SealingKeyAsync(environmentId, ct), ct);

    public Task<TransferChannel> TransferChannelAsync(Guid sourceEnvironmentId, Guid targetEnvironmentId, CancellationToken ct) =>
        turn.OutsideAsync(() => inner.TransferChannelAsync(sourceEnvironmentId, targetEnvironmentId, ct), ct);

    public Task<VnfInstance?> InitialInstanceAsync(Guid vnfId, CancellationToken ct) =>
        turn.OutsideAsync(() => inner.InitialInstanceAsync(vnfId, ct), ct);

    public Task<IReadOnlyList<VnfInstance>> InstancesAsync(Guid vnfId, CancellationToken ct) =>
        turn.OutsideAsync(() => inner.InstancesAsync(vnfId, ct), ct);

    public Task<IReadOnlyList<MachinePlacement>> MachinesAsync(Guid vnfId, CancellationToken ct) =>
        turn.OutsideAsync(() => inner.MachinesAsync(vnfId, ct), ct);

    public Task<SealReceipt> SealStateAsync(SealOrder order, CancellationToken ct) =>
        turn.OutsideAsync(() => inner.SealStateAsync(order, ct), ct);

    public Task<VnfInstance> UnsealAsync(UnsealOrder order, CancellationToken ct) =>
        turn.OutsideAsync(() => inner.UnsealAsync(order, ct), ct);

    public Task<VnfInstance> RestoreAsync(RestoreOrder order, CancellationToken ct) =>
        turn.OutsideAsync(() => inner.RestoreAsync(order, ct), ct);

    public Task<VnfInstance> LifecycleAsync(LifecycleOrder order, CancellationToken ct) =>
        turn.OutsideAsync(() => inner.LifecycleAsync(order, ct), ct);

    public Task<VnfInstance?> FenceAsync(FenceOrder order, CancellationToken ct) =>
        turn.OutsideAsync(() => inner.FenceAsync(order, ct), ct);

    public Task<SnapshotArtefact> TakeSnapshotAsync(SnapshotOrder order, CancellationToken ct) =>
        turn.OutsideAsync(() => inner.TakeSnapshotAsync(order, ct), ct);

    public Task<MigrationReceipt> MigrateAsync(MigrationOrder order, CancellationToken ct) =>
        turn.OutsideAsync(() => inner.MigrateAsync(order, ct), ct);

    public Task<DeletionReceipt> DeleteSnapshotAsync(SnapshotDeletionOrder order, CancellationToken ct) =>
        turn.OutsideAsync(() => inner.DeleteSnapshotAsync(order, ct), ct);

    public Task<SnapshotArtefactState?> InspectSnapshotAsync(Guid snapshotId, CancellationToken ct) =>
        turn.OutsideAsync(() => inner.InspectSnapshotAsync(snapshotId, ct), ct);
}

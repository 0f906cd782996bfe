using Console.Workflows.Inventory;
using Console.Workflows.Nfv;

namespace Console.Workflows.Requests.Executing;

/// <summary>
/// Moves the whole VNF or selected components, both through sealed epochs (<see cref="ContinuityExecution.MigrateAsync"/>):
/// the channel check, sealing to the target's attested key, a new epoch and the fencing of the source; the completion
/// records the VNF's new placement.
/// </summary>
internal sealed class MigrationExecution(INfvInfrastructure infrastructure, ContinuityServices states) : IKindExecution
{
    public async Task<KindOperated> OperateAsync(ExecutionRun run, CancellationToken ct)
    {
        var (request, content) = (run.Request, run.Request.Content);
        var vnf = run.Vnf ?? throw new ExecutionRefusedException("The VNF no longer exists in the inventory.");
        IReadOnlyList<Guid> moved = ExecutionDecider.MovesWholeVnf(request, vnf) ? [] : content.ComponentIds;
        var (detail, measured) = await ContinuityExecution.MigrateAsync(infrastructure, states, request, run.OperationId, run.Attested, moved, ct);

        return new KindOperated($"Migrated: {detail}.")
        {
            MeasuredDowntime = measured?.Downtime,
            Record = async (session, current, now, token) =>
            {
                var vnfStream = await session.Events.FetchForWriting<Vnf>(content.VnfId, token);
                var movedVnf = vnfStream.Aggregate
                    ?? throw new InfrastructureException("The VNF disappeared from the inventory while it was migrated.");
                vnfStream.AppendOne(ExecutionDecider.MigrationEvent(current, movedVnf, now));
            },
        };
    }
}

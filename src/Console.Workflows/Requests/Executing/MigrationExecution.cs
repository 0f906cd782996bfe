using Console.Workflows.Inventory;
using Console.Workflows.Nfv;

namespace Console.Workflows.Requests.Executing;

/// <summary>
/// Moves the whole VNF (with its instance and persistent state, through sealed epochs) or selected components (the
/// instance, its state and its epoch stay where they are); the completion records the VNF's new placement.
/// </summary>
internal sealed class MigrationExecution(INfvInfrastructure infrastructure, ContinuityServices states) : IKindExecution
{
    public async Task<KindOperated> OperateAsync(ExecutionRun run, CancellationToken ct)
    {
        var (request, content) = (run.Request, run.Request.Content);
        string detail;
        MigrationMeasurement? measured;
        if (run.Vnf is { } vnf && ExecutionDecider.MovesWholeVnf(request, vnf))
        {
            (detail, measured) = await ContinuityExecution.MigrateAsync(infrastructure, states, request, run.OperationId, run.Attested, ct);
        }
        else
        {
            var migration = await infrastructure.MigrateAsync(new MigrationOrder(
                run.OperationId, content.VnfId, content.ComponentIds, content.SourceEnvironmentId,
                content.TargetEnvironmentId ?? throw new InvalidOperationException("A migration has a target.")), ct);
            (detail, measured) = (migration.Detail, migration.Measured);
        }

        return new KindOperated($"Migrated: {detail}.")
        {
            MeasuredDowntime = measured?.Downtime,
            Record = async (session, current, now, token) =>
            {
                var vnfStream = await session.Events.FetchForWriting<Vnf>(content.VnfId, token);
                var moved = vnfStream.Aggregate
                    ?? throw new InfrastructureException("The VNF disappeared from the inventory while it was migrated.");
                vnfStream.AppendOne(ExecutionDecider.MigrationEvent(current, moved, now));
            },
        };
    }
}

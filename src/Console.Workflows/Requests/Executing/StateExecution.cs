using Console.Workflows.Nfv;

namespace Console.Workflows.Requests.Executing;

/// <summary>
/// A restore (roll-back onto a new epoch) or a lifecycle operation (pause, resume, stop, start, restart): both act on
/// the VNF's running instance and its state continuity (<see cref="ContinuityExecution"/>); the inventory does not change.
/// </summary>
internal sealed class StateExecution(INfvInfrastructure infrastructure, ContinuityServices states) : IKindExecution
{
    public async Task<KindOperated> OperateAsync(ExecutionRun run, CancellationToken ct) =>
        new(run.Request.Content.Kind == RequestKind.Restore
            ? await ContinuityExecution.RestoreAsync(infrastructure, states, run.Request, run.OperationId, ct)
            : await ContinuityExecution.LifecycleAsync(infrastructure, states, run.Request, run.OperationId, ct));
}

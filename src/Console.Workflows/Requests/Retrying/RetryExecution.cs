using Console.Workflows.Common;

namespace Console.Workflows.Requests.Retrying;

/// <summary>An operator runs a failed execution again; the handler then sends ExecuteRequest(attempt + 1).</summary>
public static class RetryExecutionDecider
{
    public static Decision Decide(RetryExecution command, ChangeRequest state, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsInRole(Roles.NocOperator))
            return Refusal.Because("Only a NOC operator may retry an execution.", RefusalKind.Forbidden);
        if (RequestGuards.IsCurrent(command.ExpectedVersion, state) is { } conflict)
            return conflict;
        if (state.Status != RequestStatus.Failed)
            return Refusal.Because(
                $"This request is {RequestGuards.Describe(state.Status)}; only a failed execution can be retried.", RefusalKind.Conflict);
        if (state.RetryRequested)
            return Refusal.Because("A retry has already been requested for this failure.", RefusalKind.Conflict);

        if (ChangeWindows.RefuseRetryOutside(state, now) is { } outside)
            return outside;

        return Decision.Emit(new ExecutionRetryRequested(state.Id, actor.UserId, actor.DisplayName, now));
    }
}

using Console.Workflows.Common;
using Console.Workflows.Requests.Submitting;

namespace Console.Workflows.Requests.Retrying;

/// <summary>
/// Someone answerable for the request runs a failed execution again: the person who raised it (still a NOC operator)
/// or one of the people who approved it (still holding an approver role). Each retry says why, and the policy bounds
/// how many executions one approval buys. The handler then sends ExecuteRequest(attempt + 1).
/// </summary>
public static class RetryExecutionDecider
{
    public const string NotAnswerableMessage =
        "Only the person who raised this request or one of the people who approved it may retry it.";

    public static Decision Decide(RetryExecution command, ChangeRequest state, int maxAttempts, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(actor);
        if (MayRetry(state, actor) is { } forbidden)
            return forbidden;
        if (RequestGuards.IsCurrent(command.ExpectedVersion, state) is { } conflict)
            return conflict;
        if (state.Status != RequestStatus.Failed)
            return Refusal.Because(
                $"This request is {RequestGuards.Describe(state.Status)}; only a failed execution can be retried.", RefusalKind.Conflict);
        if (state.RetryRequested)
            return Refusal.Because("A retry has already been requested for this failure.", RefusalKind.Conflict);
        if (state.ExecutionAttempts >= maxAttempts)
            return Refusal.Because(
                $"This request has been executed {state.ExecutionAttempts} times, the most the policy allows ({maxAttempts}); raise a new request.",
                RefusalKind.Conflict);

        if (ChangeWindows.RefuseRetryOutside(state, now) is { } outside)
            return outside;

        var reason = RequestGuards.CleanReason(command.Reason, RequestLimits.ReasonMaxLength, out var error);
        if (error is not null)
            return RequestGuards.ReasonRefusal(error);

        return Decision.Emit(new ExecutionRetryRequested(state.Id, actor.UserId, actor.DisplayName, now)
        {
            Reason = reason,
            Attempt = state.ExecutionAttempts + 1,
        });
    }

    /// <summary>
    /// Whether this person may retry this request at all, whatever its state: the role table first, then their part in
    /// the request. The request page asks the same question before it offers the button.
    /// </summary>
    public static Refusal? MayRetry(ChangeRequest state, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(actor);
        if (CommandRoles.Check(ConsoleCommand.RetryExecution, actor) is { } forbidden)
            return forbidden;
        var requester = actor.UserId == state.RequesterId && actor.IsInRole(Roles.NocOperator);
        var approver = state.CurrentApprovals.Any(a => a.ApproverId == actor.UserId)
            && (actor.IsInRole(Roles.NocApprover) || actor.IsInRole(Roles.SecurityOfficer));
        return requester || approver ? null : Refusal.Because(NotAnswerableMessage, RefusalKind.Forbidden);
    }
}

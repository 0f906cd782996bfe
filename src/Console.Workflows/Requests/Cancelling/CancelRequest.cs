using Console.Workflows.Common;
using Console.Workflows.Requests.Submitting;

namespace Console.Workflows.Requests.Cancelling;

/// <summary>The requester (or an administrator) withdraws a request before its execution starts.</summary>
public static class CancelRequestDecider
{
    public static Decision Decide(CancelRequest command, ChangeRequest state, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(actor);
        if (MayCancel(state, actor) is { } forbidden)
            return forbidden;
        if (RequestGuards.IsCurrent(command.ExpectedVersion, state) is { } conflict)
            return conflict;
        if (state.Status is not (RequestStatus.PendingApproval or RequestStatus.Approved) || state.ExecutionAttempts > 0)
            return Refusal.Because(
                $"This request is {RequestGuards.Describe(state.Status)}; only a request whose execution has not started can be cancelled.",
                RefusalKind.Conflict);

        var reason = RequestGuards.CleanReason(command.Reason, RequestLimits.ReasonMaxLength, out var error);
        if (error is not null)
            return RequestGuards.ReasonRefusal(error);

        return Decision.Emit(new RequestCancelled(state.Id, actor.UserId, actor.DisplayName, reason!, now));
    }

    /// <summary>Whether this person may cancel this request at all (the page asks before offering the button).</summary>
    public static Refusal? MayCancel(ChangeRequest state, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(actor);
        if (CommandRoles.Check(ConsoleCommand.CancelRequest, actor) is { } forbidden)
            return forbidden;
        // The requester must still be an operator: the table's role and the relationship both hold.
        var requester = actor.UserId == state.RequesterId && actor.IsInRole(Roles.NocOperator);
        return requester || actor.IsInRole(Roles.Administrator)
            ? null
            : Refusal.Because("Only the person who raised this request or an administrator may cancel it.", RefusalKind.Forbidden);
    }
}

using Console.Workflows.Common;
using Console.Workflows.Requests.Approvals;
using Console.Workflows.Requests.Submitting;

namespace Console.Workflows.Requests.Rejecting;

/// <summary>Any eligible approver may reject a waiting request, with a reason; one rejection ends it.</summary>
public static class RejectRequestDecider
{
    public static Decision Decide(RejectRequest command, ChangeRequest state, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(actor);
        if (RequestGuards.IsCurrent(command.ExpectedVersion, state) is { } conflict)
            return conflict;
        if (RequestGuards.IsPending(state, "rejected") is { } notPending)
            return notPending;
        if (actor.UserId == state.RequesterId)
            return Refusal.Because("You requested this change; cancel it instead of rejecting it.", RefusalKind.Forbidden);

        var current = state.CurrentApprovals.ToList();
        var approved = current.Any(a => a.ApproverId == actor.UserId);
        if (!approved && Quorum.GroupFor(state.Requirement, current, actor, state.RequesterId) is null)
            return Refusal.Because("Only an approver this request still needs may reject it.", RefusalKind.Forbidden);

        var reason = RequestGuards.CleanReason(command.Reason, RequestLimits.ReasonMaxLength, out var error);
        if (error is not null)
            return RequestGuards.ReasonRefusal(error);

        return Decision.Emit(new RequestRejected(state.Id, actor.UserId, actor.DisplayName, reason!, now));
    }
}

using Console.Workflows.Accounts.SteppingUp;
using Console.Workflows.Common;
using Console.Workflows.Requests.Approvals;
using Console.Workflows.Requests.Submitting;

namespace Console.Workflows.Requests.Rejecting;

/// <summary>Any eligible approver may reject a waiting request, with a reason; one rejection ends it.</summary>
public static class RejectRequestDecider
{
    /// <param name="stepUp">The step-up proof as the handler verified it; rejecting work that needs one is refused without it.</param>
    public static Decision Decide(
        RejectRequest command, ChangeRequest state, Actor actor, DateTimeOffset now, StepUpVerdict? stepUp = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(actor);
        if (CommandRoles.Check(ConsoleCommand.RejectRequest, actor) is { } forbidden)
            return forbidden;
        if (RequestGuards.IsCurrent(command.ExpectedVersion, state) is { } conflict)
            return conflict;
        if (RequestGuards.IsPending(state, "rejected") is { } notPending)
            return notPending;
        if (actor.UserId == state.RequesterId)
            return Refusal.Because("You requested this change; cancel it instead of rejecting it.", RefusalKind.Forbidden);
        if (!IsNeededApprover(state, actor))
            return Refusal.Because("Only an approver this request still needs may reject it.", RefusalKind.Forbidden);

        var reason = RequestGuards.CleanReason(command.Reason, RequestLimits.ReasonMaxLength, out var error);
        if (error is not null)
            return RequestGuards.ReasonRefusal(error);

        // Last, so a person who may not act at all hears that first; then the verifier's own words (wrong code, replay).
        if (StepUpRules.Check(state, stepUp?.Authentication, "rejecting") is { } notFresh)
            return stepUp?.Refusal ?? notFresh;

        var how = stepUp?.Authentication ?? ApproverAuthentication.None;
        return Decision.Emit(new RequestRejected(state.Id, actor.UserId, actor.DisplayName, reason!, now)
        {
            AuthenticationMethod = how.Method,
            AuthenticatedAt = how.At,
        });
    }

    /// <summary>Whether the request page offers Reject to this person: the same rules as <see cref="Decide"/>.</summary>
    public static bool MayReject(ChangeRequest state, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(actor);
        return CommandRoles.Allows(ConsoleCommand.RejectRequest, actor)
            && state.Status == RequestStatus.PendingApproval
            && actor.UserId != state.RequesterId
            && IsNeededApprover(state, actor);
    }

    // Someone who approved this content, or whose approval would still fill a group.
    private static bool IsNeededApprover(ChangeRequest state, Actor actor)
    {
        var current = state.CurrentApprovals.ToList();
        return current.Any(a => a.ApproverId == actor.UserId)
            || Quorum.GroupFor(state.Requirement, current, actor, state.RequesterId) is not null;
    }
}

using Console.Workflows.Common;
using Console.Workflows.Requests.Approvals;
using Console.Workflows.Requests.Submitting;

namespace Console.Workflows.Requests.Amending;

/// <summary>
/// The requester changes a waiting request. The content gets a new digest and its requirement is worked out again from
/// the policy in force now; approvals given to the earlier content stop counting.
/// </summary>
public static class AmendRequestDecider
{
    public static Decision Decide(AmendRequest command, ChangeRequest state, SubmissionFacts facts, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(actor);
        if (MayAmend(state, actor) is { } forbidden)
            return forbidden;
        if (RequestGuards.IsCurrent(command.ExpectedVersion, state) is { } conflict)
            return conflict;
        if (RequestGuards.IsPending(state, "changed") is { } notPending)
            return notPending;
        if (now >= state.ExpiresAt)
            return Refusal.Because("This request has expired; raise a new one.", RefusalKind.Conflict);
        if (facts.Vnf is null || facts.Vnf.Id != state.Content.VnfId)
            return Refusal.Because("The VNF of this request does not exist (any more).", RefusalKind.NotFound);

        var checkedRequest = RequestValidation.Check(
            state.Content.Kind, command.ComponentIds, command.TargetEnvironmentId, state.Content.SnapshotId,
            command.Justification, command.Window, facts, now);
        if (checkedRequest.Refusal is { } refusal)
            return refusal;

        var content = checkedRequest.Content!;
        var digest = ContentDigest.Of(content, checkedRequest.Justification, command.Window);
        var requirement = ApprovalRules.RequirementFor(content, facts);
        // Nothing the approvers read changes (the digest covers justification and window) and neither does who must
        // approve: no amendment, so the approvals given stand. Any real change voids them all.
        if (digest == state.ContentDigest && SameRequirement(requirement, state.Requirement))
            return Decision.Emit();

        var amended = new RequestAmended(
            state.Id, content, digest, requirement, checkedRequest.Justification, command.Window, actor.UserId, now);
        var after = state.Apply(amended);
        return Quorum.IsMet(after)
            ? Decision.Emit(amended, new RequestApproved(state.Id, digest, SubmitRequestDecider.PolicyActor, now))
            : Decision.Emit(amended);
    }

    /// <summary>
    /// Whether this person may amend this request at all: the role table, then only its requester, and never a guard
    /// change (<see cref="AmendRequestHandler"/> refuses those before loading anything). The request page offers
    /// Amend on this answer and the pending state; <see cref="Decide"/> enforces the same.
    /// </summary>
    public static Refusal? MayAmend(ChangeRequest state, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(actor);
        if (CommandRoles.Check(ConsoleCommand.AmendRequest, actor) is { } forbidden)
            return forbidden;
        if (actor.UserId != state.RequesterId)
            return Refusal.Because("Only the person who raised this request may change it.", RefusalKind.Forbidden);
        return state.Content.Kind == RequestKind.GuardChange ? GuardChangeNotAmendable : null;
    }

    public static readonly Refusal GuardChangeNotAmendable = Refusal.Because(
        "A change to the inventory or the policy cannot be amended; cancel this request and make the change again.",
        RefusalKind.Conflict);

    // The requirement holds a list: compare its groups, not the list instance.
    private static bool SameRequirement(ApprovalRequirement a, ApprovalRequirement b) =>
        a.CrossesTrustDomains == b.CrossesTrustDomains && a.Explanation == b.Explanation && a.Groups.SequenceEqual(b.Groups);
}

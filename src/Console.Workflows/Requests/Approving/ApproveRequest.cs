using Console.Workflows.Accounts.SteppingUp;
using Console.Workflows.Common;
using Console.Workflows.Requests.Approvals;
using Console.Workflows.Requests.Submitting;

namespace Console.Workflows.Requests.Approving;

/// <summary>
/// An approver approves exactly the content they saw. Their current roles and groups decide which group they fill;
/// the quorum is judged against the requirement fixed at submission.
/// </summary>
public static class ApproveRequestDecider
{
    /// <param name="stepUp">
    /// The step-up proof as the handler verified it (<see cref="StepUpCheck"/>); work that needs one is refused without it.
    /// </param>
    public static Decision Decide(
        ApproveRequest command, ChangeRequest state, Actor actor, DateTimeOffset now, StepUpVerdict? stepUp = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(actor);
        if (CommandRoles.Check(ConsoleCommand.ApproveRequest, actor) is { } forbidden)
            return forbidden;
        // The digest before the version: an approver who read content amended since hears that the content changed,
        // not merely that someone acted first (an amendment also moves the version).
        if (state.Status == RequestStatus.PendingApproval
            && !string.Equals(command.ContentDigest, state.ContentDigest, StringComparison.Ordinal))
            return Refusal.Because(ContentChangedMessage, RefusalKind.Conflict);
        if (RequestGuards.IsCurrent(command.ExpectedVersion, state) is { } conflict)
            return conflict;
        if (RequestGuards.IsPending(state, "approved") is { } notPending)
            return notPending;
        if (now >= state.ExpiresAt)
            return Refusal.Because("This request has expired waiting for approval; it can no longer be approved.", RefusalKind.Conflict);
        if (actor.UserId == state.RequesterId)
            return Refusal.Because("You requested this change; someone else must approve it.", RefusalKind.Forbidden);

        var current = state.CurrentApprovals.ToList();
        if (current.Any(a => a.ApproverId == actor.UserId))
            return Refusal.Because("You have already approved this request; one person counts once.", RefusalKind.Invalid);

        var comment = string.IsNullOrWhiteSpace(command.Comment) ? null : command.Comment.Trim();
        if (comment is { Length: > RequestLimits.CommentMaxLength })
            return Refusal.ForFields(new Dictionary<string, string[]>
            {
                [nameof(ApproveRequest.Comment)] = [$"The comment must be at most {RequestLimits.CommentMaxLength} characters."],
            });

        var group = Quorum.GroupFor(state.Requirement, current, actor, state.RequesterId);
        if (group is null)
            return Refusal.Because(NotNeededMessage(state), RefusalKind.Forbidden);
        // Last, so a person who may not act at all hears that first; then the verifier's own words (wrong code, replay).
        if (StepUpRules.Check(state, stepUp?.Authentication, "approving") is { } notFresh)
            return stepUp?.Refusal ?? notFresh;

        var granted = Grant(state, actor, group, comment, now, stepUp?.Authentication ?? ApproverAuthentication.None);
        return Quorum.IsMet(state.Apply(granted))
            ? Decision.Emit(granted, new RequestApproved(state.Id, state.ContentDigest, actor.UserId, now))
            : Decision.Emit(granted);
    }

    /// <summary>
    /// The group this person's approval would fill now, or null when they may not approve: no approver role (whatever
    /// groups they belong to), they requested it, already approved, or no group they could fill is open. The request
    /// page and the approval inbox offer approval on this answer; <see cref="Decide"/> enforces the same rules.
    /// </summary>
    public static string? GroupToFill(ChangeRequest state, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(actor);
        return CommandRoles.Allows(ConsoleCommand.ApproveRequest, actor)
            ? Quorum.GroupFor(state.Requirement, state.CurrentApprovals, actor, state.RequesterId)
            : null;
    }

    /// <summary>
    /// What this person's approval would set in motion now: whether it completes the quorum (and the operation then
    /// starts, or waits for its change window), or which approvals would still be missing after it. Null when they may
    /// not approve. Worked out by applying the approval <see cref="Decide"/> would record, so it cannot disagree.
    /// </summary>
    public static ApprovalEffect? EffectOf(ChangeRequest state, Actor actor, DateTimeOffset now)
    {
        if (GroupToFill(state, actor) is not { } group)
            return null;
        var after = state.Apply(Grant(state, actor, group, null, now, ApproverAuthentication.None));
        var stillNeeded = Quorum.Progress(after)
            .Where(p => !p.Satisfied)
            .Select(p => p.Group with { Required = p.Group.Required - p.FilledBy.Count })
            .ToList();
        return new ApprovalEffect(group, stillNeeded, stillNeeded.Count == 0 && state.Window is { } w && w.Start > now ? w.Start : null);
    }

    public const string ContentChangedMessage =
        "The request changed since you opened it. Reload it, review what is asked now, and approve again.";

    private static ApprovalGranted Grant(ChangeRequest state, Actor actor, string group, string? comment, DateTimeOffset now, ApproverAuthentication how) =>
        new(state.Id, actor.UserId, actor.DisplayName, group, state.ContentDigest, comment, now)
        {
            EligibleGroups = Quorum.EligibleGroups(state.Requirement, actor),
            AuthenticationMethod = how.Method,
            AuthenticatedAt = how.At,
        };

    private static string NotNeededMessage(ChangeRequest state)
    {
        var open = Quorum.Progress(state)
            .Where(p => !p.Satisfied)
            .Select(p => p.Group with { Required = p.Group.Required - p.FilledBy.Count })
            .Select(Humanise.Group)
            .ToList();
        return open.Count == 0
            ? "Your approval is not needed for this request."
            : $"Your approval cannot fill any group this request still needs: it needs {Humanise.List(open)}.";
    }
}

/// <summary>
/// What an approval would set in motion: the group it fills and, after it, the approvals still missing (each group
/// with only the number still needed). None missing: the approval completes the quorum and the operation starts, at
/// <see cref="StartsAt"/> when its change window opens later.
/// </summary>
public sealed record ApprovalEffect(string Fills, IReadOnlyList<RequiredGroup> StillNeeded, DateTimeOffset? StartsAt)
{
    public bool CompletesQuorum => StillNeeded.Count == 0;
}

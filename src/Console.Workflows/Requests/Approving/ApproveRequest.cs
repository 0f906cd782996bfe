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
    public static Decision Decide(ApproveRequest command, ChangeRequest state, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(actor);
        if (CommandRoles.Check(ConsoleCommand.ApproveRequest, actor) is { } forbidden)
            return forbidden;
        if (RequestGuards.IsCurrent(command.ExpectedVersion, state) is { } conflict)
            return conflict;
        if (RequestGuards.IsPending(state, "approved") is { } notPending)
            return notPending;
        if (now >= state.ExpiresAt)
            return Refusal.Because("This request has expired waiting for approval; it can no longer be approved.", RefusalKind.Conflict);
        if (!string.Equals(command.ContentDigest, state.ContentDigest, StringComparison.Ordinal))
            return Refusal.Because(
                "The request changed since you opened it. Reload it, review what is asked now, and approve again.",
                RefusalKind.Conflict);
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

        var granted = new ApprovalGranted(state.Id, actor.UserId, actor.DisplayName, group, state.ContentDigest, comment, now)
        {
            EligibleGroups = Quorum.EligibleGroups(state.Requirement, actor),
        };
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

using Console.Workflows.Common;
using Console.Workflows.Snapshots.Retention;

namespace Console.Workflows.Snapshots.MarkingNotNeeded;

/// <summary>The snapshot is no longer needed: it becomes due now and goes at the next sweep unless held or pinned.</summary>
public sealed record MarkSnapshotNotNeeded(Guid SnapshotId, int ExpectedVersion, string Reason) : IConsoleCommand
{
    public ICommandBy By(Actor actor) => new MarkSnapshotNotNeededBy(this, actor);
}

public static class MarkSnapshotNotNeededDecider
{
    public const string NeedsApprovalMessage =
        "This snapshot holds Sensitive or Critical components, so deleting it before it expires needs approval: raise a "
        + "deletion request for it; once approved, the workflow deletes it securely.";

    public static Decision Decide(MarkSnapshotNotNeeded command, Snapshot state, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(actor);
        if (MayMark(state, actor) is { } forbidden)
            return forbidden;
        if ((SnapshotGuards.IsCurrent(command.ExpectedVersion, state) ?? SnapshotGuards.IsOpen(state, "marked no longer needed")) is { } refusal)
            return refusal;
        if ((AlreadyMarked(state) ?? NeedsApproval(state)) is { } notNow)
            return notNow;

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var reason = SnapshotGuards.CleanReason(command.Reason, errors);
        if (errors.Count > 0)
            return Refusal.ForFields(errors);
        return Decision.Emit(new SnapshotMarkedNotNeeded(state.Id, reason, actor.UserId, now));
    }

    /// <summary>A snapshot is marked no longer needed once.</summary>
    public static Refusal? AlreadyMarked(Snapshot state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.NotNeededAt is { } marked
            ? Refusal.Because($"This snapshot was already marked no longer needed at {marked:yyyy-MM-dd HH:mm} UTC.", RefusalKind.Conflict)
            : null;
    }

    /// <summary>Sensitive and Critical snapshots go early only through an approved deletion request.</summary>
    public static Refusal? NeedsApproval(Snapshot state) =>
        RetentionRules.NeedsApprovalToDelete(state) ? Refusal.Because(NeedsApprovalMessage, RefusalKind.Invalid) : null;

    /// <summary>Whether this person may mark this snapshot at all: the role table, then requester or administrator.</summary>
    public static Refusal? MayMark(Snapshot state, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(actor);
        if (CommandRoles.Check(ConsoleCommand.MarkSnapshotNotNeeded, actor) is { } forbidden)
            return forbidden;
        return string.Equals(actor.UserId, state.RequestedBy, StringComparison.Ordinal) || actor.IsInRole(Roles.Administrator)
            ? null
            : Refusal.Because("Only the person who requested this snapshot or an administrator may mark it no longer needed.", RefusalKind.Forbidden);
    }
}

using Console.Workflows.Common;

namespace Console.Workflows.Snapshots;

/// <summary>
/// The shape pins and legal holds share: placing one needs the role, a current and open snapshot, a reason and an
/// optional future end; lifting one needs the role, a current and open snapshot that is kept this way, and a reason.
/// The two differ only in their role, their words and their events.
/// </summary>
internal static class SnapshotKeeping
{
    public static Decision Place(
        ConsoleCommand command, int expectedVersion, string reason, DateTimeOffset? until, Snapshot state, Actor actor,
        DateTimeOffset now, string verb, Func<string, object> placed)
    {
        if (MayChange(command, expectedVersion, state, actor, verb) is { } refusal)
            return refusal;

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var cleaned = SnapshotGuards.CleanReason(reason, errors);
        SnapshotGuards.CheckUntil(until, now, errors);
        return errors.Count > 0 ? Refusal.ForFields(errors) : Decision.Emit(placed(cleaned));
    }

    public static Decision Lift(
        ConsoleCommand command, int expectedVersion, string reason, Snapshot state, Actor actor,
        string verb, bool kept, string notKept, Func<string, object> lifted)
    {
        if (MayChange(command, expectedVersion, state, actor, verb) is { } refusal)
            return refusal;
        if (!kept)
            return Refusal.Because(notKept, RefusalKind.Conflict);

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var cleaned = SnapshotGuards.CleanReason(reason, errors);
        return errors.Count > 0 ? Refusal.ForFields(errors) : Decision.Emit(lifted(cleaned));
    }

    private static Refusal? MayChange(ConsoleCommand command, int expectedVersion, Snapshot state, Actor actor, string verb)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(actor);
        return CommandRoles.Check(command, actor) ?? SnapshotGuards.IsCurrent(expectedVersion, state) ?? SnapshotGuards.IsOpen(state, verb);
    }
}

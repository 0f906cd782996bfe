using Console.Workflows.Common;

namespace Console.Workflows.Snapshots.Pinning;

/// <summary>Keep the snapshot, until a time or until unpinned, whatever its expiry (pinning again replaces the pin).</summary>
public sealed record PinSnapshot(Guid SnapshotId, int ExpectedVersion, string Reason, DateTimeOffset? Until);

public sealed record UnpinSnapshot(Guid SnapshotId, int ExpectedVersion, string Reason);

public static class PinSnapshotDecider
{
    public static Decision Decide(PinSnapshot command, Snapshot state, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(actor);
        if (CommandRoles.Check(ConsoleCommand.PinSnapshot, actor) is { } forbidden)
            return forbidden;
        if ((SnapshotGuards.IsCurrent(command.ExpectedVersion, state) ?? SnapshotGuards.IsOpen(state, "pinned")) is { } refusal)
            return refusal;

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var reason = SnapshotGuards.CleanReason(command.Reason, errors);
        SnapshotGuards.CheckUntil(command.Until, now, errors);
        if (errors.Count > 0)
            return Refusal.ForFields(errors);
        return Decision.Emit(new SnapshotPinned(state.Id, reason, command.Until, actor.UserId, now));
    }

    public static Decision Decide(UnpinSnapshot command, Snapshot state, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(actor);
        if (CommandRoles.Check(ConsoleCommand.UnpinSnapshot, actor) is { } forbidden)
            return forbidden;
        if ((SnapshotGuards.IsCurrent(command.ExpectedVersion, state) ?? SnapshotGuards.IsOpen(state, "unpinned")) is { } refusal)
            return refusal;
        if (state.Pin is null)
            return Refusal.Because("This snapshot is not pinned.", RefusalKind.Conflict);

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var reason = SnapshotGuards.CleanReason(command.Reason, errors);
        if (errors.Count > 0)
            return Refusal.ForFields(errors);
        return Decision.Emit(new SnapshotUnpinned(state.Id, reason, actor.UserId, now));
    }
}

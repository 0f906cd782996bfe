using Console.Workflows.Common;

namespace Console.Workflows.Snapshots.Pinning;

/// <summary>Keep the snapshot, until a time or until unpinned, whatever its expiry (pinning again replaces the pin).</summary>
public sealed record PinSnapshot(Guid SnapshotId, int ExpectedVersion, string Reason, DateTimeOffset? Until) : IConsoleCommand
{
    public ICommandBy By(Actor actor) => new PinSnapshotBy(this, actor);
}

public sealed record UnpinSnapshot(Guid SnapshotId, int ExpectedVersion, string Reason) : IConsoleCommand
{
    public ICommandBy By(Actor actor) => new UnpinSnapshotBy(this, actor);
}

public static class PinSnapshotDecider
{
    public const string NotPinnedMessage = "This snapshot is not pinned.";

    public static Decision Decide(PinSnapshot command, Snapshot state, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        return SnapshotKeeping.Place(ConsoleCommand.PinSnapshot, command.ExpectedVersion, command.Reason, command.Until, state, actor, now,
            "pinned", reason => new SnapshotPinned(state.Id, reason, command.Until, actor.UserId, now));
    }

    public static Decision Decide(UnpinSnapshot command, Snapshot state, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(state);
        return SnapshotKeeping.Lift(ConsoleCommand.UnpinSnapshot, command.ExpectedVersion, command.Reason, state, actor,
            "unpinned", state.Pin is not null, NotPinnedMessage,
            reason => new SnapshotUnpinned(state.Id, reason, actor.UserId, now));
    }
}

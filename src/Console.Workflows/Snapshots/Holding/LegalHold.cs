using Console.Workflows.Common;

namespace Console.Workflows.Snapshots.Holding;

/// <summary>Hold the snapshot for legal reasons: nothing deletes it, not even an approved request, until released.</summary>
public sealed record PlaceLegalHold(Guid SnapshotId, int ExpectedVersion, string Reason, DateTimeOffset? Until) : IConsoleCommand
{
    public ICommandBy By(Actor actor) => new PlaceLegalHoldBy(this, actor);
}

public sealed record ReleaseLegalHold(Guid SnapshotId, int ExpectedVersion, string Reason) : IConsoleCommand
{
    public ICommandBy By(Actor actor) => new ReleaseLegalHoldBy(this, actor);
}

public static class LegalHoldDecider
{
    public const string NotHeldMessage = "This snapshot is not under legal hold.";

    public static Decision Decide(PlaceLegalHold command, Snapshot state, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        return SnapshotKeeping.Place(ConsoleCommand.PlaceLegalHold, command.ExpectedVersion, command.Reason, command.Until, state, actor, now,
            "held", reason => new LegalHoldPlaced(state.Id, reason, command.Until, actor.UserId, now));
    }

    public static Decision Decide(ReleaseLegalHold command, Snapshot state, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(state);
        return SnapshotKeeping.Lift(ConsoleCommand.ReleaseLegalHold, command.ExpectedVersion, command.Reason, state, actor,
            "released", state.LegalHold is not null, NotHeldMessage,
            reason => new LegalHoldReleased(state.Id, reason, actor.UserId, now));
    }
}

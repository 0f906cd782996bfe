using Console.Workflows.Common;

namespace Console.Workflows.Snapshots.Holding;

/// <summary>Hold the snapshot for legal reasons: nothing deletes it, not even an approved request, until released.</summary>
public sealed record PlaceLegalHold(Guid SnapshotId, int ExpectedVersion, string Reason, DateTimeOffset? Until);

public sealed record ReleaseLegalHold(Guid SnapshotId, int ExpectedVersion, string Reason);

public static class LegalHoldDecider
{
    public static Decision Decide(PlaceLegalHold command, Snapshot state, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(actor);
        if (CommandRoles.Check(ConsoleCommand.PlaceLegalHold, actor) is { } forbidden)
            return forbidden;
        if ((SnapshotGuards.IsCurrent(command.ExpectedVersion, state) ?? SnapshotGuards.IsOpen(state, "held")) is { } refusal)
            return refusal;

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var reason = SnapshotGuards.CleanReason(command.Reason, errors);
        SnapshotGuards.CheckUntil(command.Until, now, errors);
        if (errors.Count > 0)
            return Refusal.ForFields(errors);
        return Decision.Emit(new LegalHoldPlaced(state.Id, reason, command.Until, actor.UserId, now));
    }

    public static Decision Decide(ReleaseLegalHold command, Snapshot state, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(actor);
        if (CommandRoles.Check(ConsoleCommand.ReleaseLegalHold, actor) is { } forbidden)
            return forbidden;
        if ((SnapshotGuards.IsCurrent(command.ExpectedVersion, state) ?? SnapshotGuards.IsOpen(state, "released")) is { } refusal)
            return refusal;
        if (state.LegalHold is null)
            return Refusal.Because("This snapshot is not under legal hold.", RefusalKind.Conflict);

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var reason = SnapshotGuards.CleanReason(command.Reason, errors);
        if (errors.Count > 0)
            return Refusal.ForFields(errors);
        return Decision.Emit(new LegalHoldReleased(state.Id, reason, actor.UserId, now));
    }
}

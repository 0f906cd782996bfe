using Console.Workflows.Common;
using Marten;

namespace Console.Workflows.Snapshots.Holding;

public sealed record PlaceLegalHoldBy(PlaceLegalHold Command, Actor Actor) : SnapshotCommandBy(Command.SnapshotId, Actor);

public sealed record ReleaseLegalHoldBy(ReleaseLegalHold Command, Actor Actor) : SnapshotCommandBy(Command.SnapshotId, Actor);

public static class LegalHoldHandler
{
    public static Task<Outcome> Handle(PlaceLegalHoldBy message, IDocumentSession session, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        return SnapshotHandler.DecideAsync(session, message.Command.SnapshotId, ConsoleCommand.PlaceLegalHold, message.Actor,
            s => LegalHoldDecider.Decide(message.Command, s, message.Actor, time.GetUtcNow()), ct);
    }

    public static Task<Outcome> Handle(ReleaseLegalHoldBy message, IDocumentSession session, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        return SnapshotHandler.DecideAsync(session, message.Command.SnapshotId, ConsoleCommand.ReleaseLegalHold, message.Actor,
            s => LegalHoldDecider.Decide(message.Command, s, message.Actor, time.GetUtcNow()), ct);
    }
}

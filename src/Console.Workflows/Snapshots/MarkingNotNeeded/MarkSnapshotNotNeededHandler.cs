using Console.Workflows.Common;
using Marten;

namespace Console.Workflows.Snapshots.MarkingNotNeeded;

public sealed record MarkSnapshotNotNeededBy(MarkSnapshotNotNeeded Command, Actor Actor) : SnapshotCommandBy(Command.SnapshotId, Actor);

public static class MarkSnapshotNotNeededHandler
{
    public static Task<Outcome> Handle(MarkSnapshotNotNeededBy message, IDocumentSession session, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        return SnapshotHandler.DecideAsync(session, message.Command.SnapshotId, ConsoleCommand.MarkSnapshotNotNeeded, message.Actor,
            s => MarkSnapshotNotNeededDecider.Decide(message.Command, s, message.Actor, time.GetUtcNow()), ct);
    }
}

using Console.Workflows.Common;
using Marten;

namespace Console.Workflows.Snapshots.Pinning;

public sealed record PinSnapshotBy(PinSnapshot Command, Actor Actor) : SnapshotCommandBy(Command.SnapshotId, Actor);

public sealed record UnpinSnapshotBy(UnpinSnapshot Command, Actor Actor) : SnapshotCommandBy(Command.SnapshotId, Actor);

public static class PinSnapshotHandler
{
    public static Task<Outcome> Handle(PinSnapshotBy message, IDocumentSession session, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        return SnapshotHandler.DecideAsync(session, message.Command.SnapshotId, ConsoleCommand.PinSnapshot, message.Actor,
            s => PinSnapshotDecider.Decide(message.Command, s, message.Actor, time.GetUtcNow()), ct);
    }

    public static Task<Outcome> Handle(UnpinSnapshotBy message, IDocumentSession session, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        return SnapshotHandler.DecideAsync(session, message.Command.SnapshotId, ConsoleCommand.UnpinSnapshot, message.Actor,
            s => PinSnapshotDecider.Decide(message.Command, s, message.Actor, time.GetUtcNow()), ct);
    }
}

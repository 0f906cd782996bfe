using Console.Workflows.Common;
using Marten;

namespace Console.Workflows.Snapshots;

/// <summary>
/// The steps the snapshot command handlers share: fetch the stream for writing (its version is checked again at commit),
/// decide, append. The transactional middleware commits the session.
/// </summary>
internal static class SnapshotHandler
{
    public static Outcome NotFound => Outcome.Refused(Refusal.Because("This snapshot does not exist.", RefusalKind.NotFound));

    public static async Task<Outcome> DecideAsync(
        IDocumentSession session, Guid snapshotId, ConsoleCommand command, Actor actor, Func<Snapshot, Decision> decide,
        CancellationToken ct)
    {
        // Before the snapshot is even looked up: a person without the role learns nothing about it.
        if (CommandRoles.Check(command, actor) is { } forbidden)
            return Outcome.Refused(forbidden);
        var stream = await session.Events.FetchForWriting<Snapshot>(snapshotId, ct);
        if (stream.Aggregate is not { } snapshot)
            return NotFound;

        var decision = decide(snapshot);
        if (decision.Refusal is { } refusal)
            return Outcome.Refused(refusal);
        stream.AppendMany(decision.Events);
        return Outcome.Done(snapshotId);
    }
}

using Console.Workflows.Common;
using Console.Workflows.Snapshots.Holding;
using Console.Workflows.Snapshots.MarkingNotNeeded;
using Console.Workflows.Snapshots.Pinning;

namespace Console.Workflows.Snapshots;

/// <summary>
/// The write side of a snapshot's retention, for pages and the API alike: pin, legal hold, "no longer needed". Each
/// command carries the snapshot version the person saw; every one is checked on the server (role, state, version) and
/// refused with a reason, never an exception. Deletion itself is the sweep's or an approved request's.
/// </summary>
public interface ISnapshotCommands
{
    Task<Outcome> PinAsync(PinSnapshot command, Actor actor, CancellationToken ct = default);

    Task<Outcome> UnpinAsync(UnpinSnapshot command, Actor actor, CancellationToken ct = default);

    Task<Outcome> PlaceLegalHoldAsync(PlaceLegalHold command, Actor actor, CancellationToken ct = default);

    Task<Outcome> ReleaseLegalHoldAsync(ReleaseLegalHold command, Actor actor, CancellationToken ct = default);

    Task<Outcome> MarkNotNeededAsync(MarkSnapshotNotNeeded command, Actor actor, CancellationToken ct = default);
}

/// <summary><see cref="ISnapshotCommands"/> on the workflow: each command goes with its person through the <see cref="CommandBus"/>.</summary>
public sealed class WolverineSnapshotCommands(CommandBus commands) : ISnapshotCommands
{
    public Task<Outcome> PinAsync(PinSnapshot command, Actor actor, CancellationToken ct = default) =>
        commands.IssueAsync(new PinSnapshotBy(command, actor), ct);

    public Task<Outcome> UnpinAsync(UnpinSnapshot command, Actor actor, CancellationToken ct = default) =>
        commands.IssueAsync(new UnpinSnapshotBy(command, actor), ct);

    public Task<Outcome> PlaceLegalHoldAsync(PlaceLegalHold command, Actor actor, CancellationToken ct = default) =>
        commands.IssueAsync(new PlaceLegalHoldBy(command, actor), ct);

    public Task<Outcome> ReleaseLegalHoldAsync(ReleaseLegalHold command, Actor actor, CancellationToken ct = default) =>
        commands.IssueAsync(new ReleaseLegalHoldBy(command, actor), ct);

    public Task<Outcome> MarkNotNeededAsync(MarkSnapshotNotNeeded command, Actor actor, CancellationToken ct = default) =>
        commands.IssueAsync(new MarkSnapshotNotNeededBy(command, actor), ct);
}

using Console.Workflows.Common;
using Console.Workflows.Requests.Submitting;
using Console.Workflows.Snapshots.Holding;
using Console.Workflows.Snapshots.MarkingNotNeeded;
using Console.Workflows.Snapshots.Pinning;
using Console.Workflows.Snapshots.Retention;

namespace Console.Workflows.Snapshots.Viewing;

/// <summary>What a person can do with a snapshot from its page.</summary>
public enum SnapshotAction
{
    Pin,
    Unpin,
    PlaceLegalHold,
    ReleaseLegalHold,
    MarkNotNeeded,

    /// <summary>Raise a deletion request (Sensitive and Critical snapshots go early only once one is approved).</summary>
    RequestDeletion,

    /// <summary>Raise a request to roll the VNF back to this snapshot.</summary>
    RequestRestore,
}

/// <summary>One action, and why it is not offered (null when it is).</summary>
public sealed record SnapshotActionOffer(SnapshotAction Action, string? NotOfferedBecause)
{
    public bool Offered => NotOfferedBecause is null;
}

/// <summary>
/// What a person may do with a snapshot now, judged by the deciders' own checks in their order (role table first,
/// then the snapshot's state), so the snapshot page offers exactly what the server would accept and can say why the
/// rest is not. The handlers judge every command again; this only decides what is shown. Nothing here depends on the
/// time: no decider's eligibility does (time only stamps events and bounds a pin's or hold's end).
/// </summary>
public sealed record SnapshotActions(IReadOnlyList<SnapshotActionOffer> All)
{
    public bool Any => All.Any(o => o.Offered);

    public bool Offers(SnapshotAction action) => Offer(action).Offered;

    public string? WhyNot(SnapshotAction action) => Offer(action).NotOfferedBecause;

    private SnapshotActionOffer Offer(SnapshotAction action) => All.First(o => o.Action == action);

    public static SnapshotActions For(Snapshot snapshot, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(actor);
        return new SnapshotActions(
        [
            Place(SnapshotAction.Pin, ConsoleCommand.PinSnapshot, snapshot.Pin, "pinned",
                "This snapshot is already pinned; unpin it to change the pin.", snapshot, actor),
            Lift(SnapshotAction.Unpin, ConsoleCommand.UnpinSnapshot, snapshot.Pin, "unpinned", PinSnapshotDecider.NotPinnedMessage, snapshot, actor),
            Place(SnapshotAction.PlaceLegalHold, ConsoleCommand.PlaceLegalHold, snapshot.LegalHold, "held",
                "This snapshot is already under legal hold; release it to change the hold.", snapshot, actor),
            Lift(SnapshotAction.ReleaseLegalHold, ConsoleCommand.ReleaseLegalHold, snapshot.LegalHold, "released",
                LegalHoldDecider.NotHeldMessage, snapshot, actor),
            Judge(SnapshotAction.MarkNotNeeded, MarkSnapshotNotNeededDecider.MayMark(snapshot, actor)
                ?? SnapshotGuards.IsOpen(snapshot, "marked no longer needed")
                ?? MarkSnapshotNotNeededDecider.AlreadyMarked(snapshot)
                ?? MarkSnapshotNotNeededDecider.NeedsApproval(snapshot)),
            Judge(SnapshotAction.RequestDeletion, CommandRoles.Check(ConsoleCommand.SubmitSnapshotDeletion, actor)
                ?? SnapshotGuards.IsOpen(snapshot, "deleted by request")
                ?? MarkSnapshotNotNeededDecider.AlreadyMarked(snapshot)
                ?? (RetentionRules.NeedsApprovalToDelete(snapshot) ? null : Because(NoApprovalNeededMessage))),
            Judge(SnapshotAction.RequestRestore, CommandRoles.Check(ConsoleCommand.SubmitRestore, actor)
                ?? SnapshotGuards.IsOpen(snapshot, "restored")
                ?? (snapshot.StateEpoch is null ? Because(SubmitRequestDecider.NoStateEpochMessage) : null)),
        ]);
    }

    public const string NoApprovalNeededMessage =
        "This snapshot holds no Sensitive or Critical component, so it needs no deletion request: mark it no longer needed.";

    private static SnapshotActionOffer Judge(SnapshotAction action, Refusal? refusal) => new(action, refusal?.Message);

    // Pins and legal holds share their shape (SnapshotKeeping): the role, an open snapshot, then whether it is kept this way.
    // Placing again would replace the pin or hold; the page offers lifting it instead.
    private static SnapshotActionOffer Place(
        SnapshotAction action, ConsoleCommand command, RetentionHold? hold, string verb, string alreadyKept, Snapshot snapshot, Actor actor) =>
        Judge(action, CommandRoles.Check(command, actor) ?? SnapshotGuards.IsOpen(snapshot, verb) ?? (hold is null ? null : Because(alreadyKept)));

    private static SnapshotActionOffer Lift(
        SnapshotAction action, ConsoleCommand command, RetentionHold? hold, string verb, string notKept, Snapshot snapshot, Actor actor) =>
        Judge(action, CommandRoles.Check(command, actor) ?? SnapshotGuards.IsOpen(snapshot, verb) ?? (hold is null ? Because(notKept) : null));

    private static Refusal Because(string message) => Refusal.Because(message, RefusalKind.Conflict);
}

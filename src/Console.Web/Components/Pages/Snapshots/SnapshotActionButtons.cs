using Console.Web.Components.Shared;
using Console.Web.Components.Shared.Snapshots;
using Console.Workflows.Common;
using Console.Workflows.Requests;
using Console.Workflows.Snapshots;
using Console.Workflows.Snapshots.Holding;
using Console.Workflows.Snapshots.MarkingNotNeeded;
using Console.Workflows.Snapshots.Pinning;
using Console.Workflows.Snapshots.Viewing;
using MudBlazor;

namespace Console.Web.Components.Pages.Snapshots;

/// <summary>What the snapshot page asks before a command, what command it issues and what it says when done.</summary>
internal sealed record SnapshotCommandForm(
    ReasonQuestion Question, string Subject, string Done, Func<Snapshot, ReasonAnswer, IConsoleCommand> Command);

/// <summary>One action's button: a command behind a reason dialog, or a link to the request form.</summary>
internal sealed record SnapshotActionButton(
    SnapshotAction Action, string Label, string TestId, Color Color, string? Icon, SnapshotCommandForm? Form,
    RequestKind? Request = null, string? Hint = null)
{
    public string? Href(Snapshot s) => Request is { } kind ? SnapshotText.RequestHref(kind, s.VnfId, s.Id) : null;
}

/// <summary>
/// The snapshot page's actions in the order shown; <see cref="SnapshotActions"/> says which of them a person is
/// offered. Pins and legal holds share one shape: placing asks why and until when, lifting asks why, and each sends
/// the snapshot's version as shown so a stale page is refused.
/// </summary>
internal static class SnapshotActionButtons
{
    public static readonly IReadOnlyList<SnapshotActionButton> All =
    [
        new(SnapshotAction.Pin, "Pin", "pin", Color.Primary, Icons.Material.Filled.PushPin, Place(
            "Pin snapshot", "A pinned snapshot is kept past its expiry until unpinned or until the time you give.", "Pin",
            "Snapshot pinned.", (s, r) => new PinSnapshot(s.Id, s.Version, r.Reason, r.Until))),
        new(SnapshotAction.Unpin, "Unpin", "unpin", Color.Primary, null, Lift(
            "Unpin snapshot", "Once unpinned, the snapshot is deleted at the first sweep after it expires.", "Unpin",
            "Snapshot unpinned.", (s, r) => new UnpinSnapshot(s.Id, s.Version, r.Reason))),
        new(SnapshotAction.PlaceLegalHold, "Place legal hold", "place-hold", Color.Warning, Icons.Material.Filled.Gavel, Place(
            "Place legal hold",
            "Nothing deletes a held snapshot, neither its expiry nor an approved deletion request, until the hold is released or ends.",
            "Place hold", "Legal hold placed.",
            (s, r) => new PlaceLegalHold(s.Id, s.Version, r.Reason, r.Until))),
        new(SnapshotAction.ReleaseLegalHold, "Release legal hold", "release-hold", Color.Warning, null, Lift(
            "Release legal hold", "Once released, the snapshot follows its retention again.", "Release", "Legal hold released.",
            (s, r) => new ReleaseLegalHold(s.Id, s.Version, r.Reason))),
        new(SnapshotAction.MarkNotNeeded, "No longer needed", "not-needed-action", Color.Error, Icons.Material.Filled.DeleteSweep, Lift(
            "No longer needed",
            "The snapshot becomes due now: the next sweep destroys its keys and deletes it, unless it is held, pinned or the VNF's last good snapshot.",
            "Mark no longer needed", "Marked no longer needed.",
            (s, r) => new MarkSnapshotNotNeeded(s.Id, s.Version, r.Reason))),
        new(SnapshotAction.RequestDeletion, "Request deletion (needs approval)", "request-deletion", Color.Error,
            Icons.Material.Filled.Delete, null, RequestKind.SnapshotDeletion,
            "Sensitive and Critical snapshots are deleted early only through an approved deletion request"),
        new(SnapshotAction.RequestRestore, "Request roll-back", "request-restore", Color.Primary, Icons.Material.Filled.Restore, null,
            RequestKind.Restore, "Roll the VNF back to this snapshot, once the request is approved"),
    ];

    private static SnapshotCommandForm Place(
        string title, string subject, string confirm, string done, Func<Snapshot, ReasonAnswer, IConsoleCommand> command) =>
        new(Question(title, confirm) with { AskUntil = true }, subject, done, command);

    private static SnapshotCommandForm Lift(
        string title, string subject, string confirm, string done, Func<Snapshot, ReasonAnswer, IConsoleCommand> command) =>
        new(Question(title, confirm), subject, done, command);

    private static ReasonQuestion Question(string title, string confirm) =>
        new("retention", title, confirm, Color.Primary, "Back", "retention-cancel", "Say why.", SnapshotGuards.ReasonMaxLength) { Counter = true };
}

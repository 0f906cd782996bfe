using Console.Web.Components.Shared.Requests;
using Console.Workflows.Requests;
using Console.Workflows.Snapshots;
using Console.Workflows.Snapshots.Retention;
using Console.Workflows.Snapshots.Viewing;
using MudBlazor;

namespace Console.Web.Components.Shared.Snapshots;

/// <summary>How snapshot values read and which colour they wear, so the snapshot and VNF pages say them the same way.</summary>
public static class SnapshotText
{
    public static string State(RetentionState state) => state switch
    {
        RetentionState.Unassigned => "No expiry yet",
        RetentionState.NotDue => "Available",
        RetentionState.Due => "Due for deletion",
        RetentionState.Kept => "Due, kept",
        RetentionState.Deleting => "Being deleted",
        _ => StatusWords.Of(state),
    };

    public static Color StateColor(RetentionState state) => state switch
    {
        RetentionState.NotDue => Color.Success,
        RetentionState.Kept => Color.Warning,
        RetentionState.Due or RetentionState.Deleting => Color.Error,
        _ => Color.Default,
    };

    /// <summary>Where the snapshot stands in its retention, in a sentence (the protections follow it as a list).</summary>
    public static string Summary(RetentionVerdict verdict, Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        ArgumentNullException.ThrowIfNull(snapshot);
        return verdict.State switch
        {
            RetentionState.Unassigned => "No expiry yet: it is assigned with the next policy revision.",
            RetentionState.NotDue => verdict.Protections.Count > 0
                ? $"Due {RequestText.At(verdict.DueAt)}; even then it is kept by:"
                : $"Due {RequestText.At(verdict.DueAt)}; the sweep then destroys its keys and deletes it.",
            RetentionState.Due => $"Due since {RequestText.At(verdict.DueAt)}: the next sweep destroys its keys and deletes it.",
            RetentionState.Kept => $"Due since {RequestText.At(verdict.DueAt)}, but kept:",
            RetentionState.Deleting => $"Secure deletion began at {RequestText.At(snapshot.Deletion?.At)}; the sweep finishes it.",
            RetentionState.Deleted => $"Deleted at {RequestText.At(snapshot.DeletedAt)}; see the receipt below.",
            _ => "",
        };
    }

    public static string Trigger(DeletionTrigger trigger) => trigger switch
    {
        DeletionTrigger.Expired => "Past its maximum age",
        DeletionTrigger.NotNeeded => "No longer needed",
        _ => "Approved deletion request",
    };

    public static string ByteSize(long bytes) =>
        bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.#} GiB"
        : bytes >= 1L << 20 ? $"{bytes / (double)(1L << 20):0.#} MiB"
        : $"{bytes / 1024.0:0.#} KiB";

    public static string ApprovedBy(IReadOnlyCollection<string> approvers) =>
        approvers.Count == 0 ? "No approval needed" : string.Join(", ", approvers);

    public static string DomainName(SnapshotView view, Guid trustDomainId)
    {
        ArgumentNullException.ThrowIfNull(view);
        return view.TrustDomainNames.TryGetValue(trustDomainId, out var name) ? name : "Unknown trust domain";
    }

    /// <summary>The new-request form, filled for a request about this snapshot.</summary>
    public static string RequestHref(RequestKind kind, Guid vnfId, Guid snapshotId) => $"/requests/new?kind={kind}&vnf={vnfId}&snapshot={snapshotId}";
}

using Console.Workflows.Common;
using Console.Workflows.Keys;
using Console.Workflows.Nfv;
using Console.Workflows.Snapshots.Retention;

namespace Console.Workflows.Snapshots.Sweeping;

/// <summary>
/// Who may begin a snapshot's secure deletion, and the receipt it ends with. Beginning appends
/// <see cref="SnapshotDeletionStarted"/> against the version that was judged, so of two sweeps (or a sweep and a request)
/// exactly one begins it; an already begun deletion yields no events, and whoever finds it carries it on.
/// </summary>
public static class DeletionDecider
{
    /// <summary>One infrastructure operation per snapshot deletion, whoever carries it out and however often.</summary>
    public static Guid OperationId(Guid snapshotId) => NameBasedGuid.From($"vnf-console/snapshot-deletion/{snapshotId:D}");

    /// <summary>The retention sweep begins deleting a due snapshot that nothing keeps.</summary>
    public static Decision StartBySweep(Snapshot state, bool isLastGood, bool keepLastGood, string by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        var verdict = RetentionRules.Judge(state, isLastGood, keepLastGood, now);
        switch (verdict.State)
        {
            case RetentionState.Deleting:
                return Decision.Emit();
            case RetentionState.Deleted:
                return Refusal.Because("This snapshot is already deleted.", RefusalKind.Conflict);
            case RetentionState.Kept:
                return Refusal.Because("Kept: " + string.Join(" ", verdict.Protections.Select(p => p.Description)), RefusalKind.Conflict);
            case RetentionState.Due:
                break;
            default:
                return Refusal.Because("This snapshot is not due for deletion.", RefusalKind.Conflict);
        }

        var trigger = verdict.Trigger ?? DeletionTrigger.Expired;
        var reason = trigger == DeletionTrigger.NotNeeded
            ? $"Marked no longer needed by {state.NotNeededBy}: {state.NotNeededReason}"
            : $"Past its maximum age: expired at {state.ExpiresAt:yyyy-MM-dd HH:mm} UTC ({state.GoverningSensitivity} retention).";
        return Decision.Emit(new SnapshotDeletionStarted(state.Id, trigger, Guid.Empty, OperationId(state.Id), reason, by, now));
    }

    /// <summary>
    /// An approved deletion request begins deleting the snapshot. A legal hold or a pin still keeps it (release or unpin
    /// first); its expiry and keep-last-good do not matter, as people decided.
    /// </summary>
    public static Decision StartByRequest(Snapshot state, Guid requestId, string reason, string by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Status == SnapshotStatus.Deleted)
            return Refusal.Because($"The snapshot was already deleted at {state.DeletedAt:yyyy-MM-dd HH:mm} UTC.", RefusalKind.NotFound);
        if (state.Deletion is not null)
            return Decision.Emit();
        var blocking = RetentionRules.Protections(state, isLastGood: false, keepLastGood: false, now);
        if (blocking.Count > 0)
            return Refusal.Because(
                string.Join(" ", blocking.Select(p => p.Description)) + " Release the hold or unpin the snapshot before deleting it.",
                RefusalKind.Conflict);
        return Decision.Emit(new SnapshotDeletionStarted(state.Id, DeletionTrigger.Request, requestId, OperationId(state.Id), reason, by, now));
    }

    /// <summary>The receipt of a carried-out deletion: what was destroyed, where, and what the infrastructure said.</summary>
    public static SnapshotDeleted Receipt(
        Snapshot claimed, IReadOnlyList<KeyDestruction> destroyedKeys, DeletionReceipt infrastructure, string by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        ArgumentNullException.ThrowIfNull(infrastructure);
        var deletion = claimed.Deletion ?? throw new InvalidOperationException("Only a snapshot whose deletion began gets a receipt.");
        return new SnapshotDeleted(
            claimed.Id, deletion.RequestId, deletion.Reason, by, now, deletion.Trigger, [.. destroyedKeys.Select(k => k.KeyId)],
            claimed.ArtefactLocation, infrastructure.Detail,
            [.. destroyedKeys.Select(k => k.DestroyedKeyObject).OfType<string>()]);
    }
}

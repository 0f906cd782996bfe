using System.Globalization;
using Console.Workflows.Inventory;
using Console.Workflows.Keys;
using Console.Workflows.Policy;
using Console.Workflows.Snapshots.Protecting;
using Console.Workflows.Snapshots.Retention;
using Marten;

namespace Console.Workflows.Snapshots.Viewing;

public sealed record SnapshotHistoryEntry(long Version, DateTimeOffset At, string By, string EventType, string Summary);

/// <summary>Everything the snapshot page shows: the record, its retention and why it is kept, the manifest check, the history.</summary>
public sealed record SnapshotView(
    Snapshot Snapshot,
    RetentionVerdict Retention,
    bool IsLastGood,
    bool KeepLastGood,
    RestoreCheck Restore,
    IReadOnlyList<KeyState> KeyStates,
    IReadOnlyDictionary<Guid, string> TrustDomainNames,
    IReadOnlyList<SnapshotHistoryEntry> History);

public interface ISnapshotLifecycleReader
{
    Task<SnapshotView?> GetAsync(Guid snapshotId, CancellationToken ct = default);
}

public sealed class MartenSnapshotLifecycleReader(
    IQuerySession session, ISnapshotRestoreGuard guard, IKeyStore keys, TimeProvider time) : ISnapshotLifecycleReader
{
    public async Task<SnapshotView?> GetAsync(Guid snapshotId, CancellationToken ct = default)
    {
        var snapshot = await session.LoadAsync<Snapshot>(snapshotId, ct);
        if (snapshot is null)
            return null;

        var policy = await session.LoadAsync<ApprovalPolicy>(ApprovalPolicy.StreamId, ct);
        var keepLastGood = policy?.Document.KeepLastGoodSnapshot ?? true;
        var vnfId = snapshot.VnfId;
        var available = await session.Query<Snapshot>()
            .Where(s => s.VnfId == vnfId && s.Status == SnapshotStatus.Available)
            .Select(s => new { s.Id, s.CompletedAt })
            .ToListAsync(ct);
        var isLastGood = RetentionRules.IsLastGood(snapshot, available.Select(a => (a.Id, a.CompletedAt)));
        var retention = RetentionRules.Judge(snapshot, isLastGood, keepLastGood, time.GetUtcNow());

        var restore = await guard.CheckAsync(snapshotId, ct);
        var keyStates = new List<KeyState>();
        foreach (var key in snapshot.Keys)
        {
            if (await keys.DescribeAsync(key.KeyId, ct) is { } state)
                keyStates.Add(state);
        }

        var domains = (await session.Query<TrustDomain>().ToListAsync(ct)).ToDictionary(d => d.Id, d => d.Name);
        var events = await session.Events.FetchStreamAsync(snapshotId, token: ct);
        var history = events.Select(e => Entry(e.Version, e.Data)).OfType<SnapshotHistoryEntry>().ToList();
        return new SnapshotView(snapshot, retention, isLastGood, keepLastGood, restore, keyStates, domains, history);
    }

    private static SnapshotHistoryEntry? Entry(long version, object data) => data switch
    {
        SnapshotTaken e => new(version, e.At, e.By, "taken",
            $"Snapshot of {e.Components.Count} component(s) taken for request {e.RequestId:D}, stored at {e.ArtefactLocation}."),
        RetentionAssigned e => new(version, e.At, e.By, "retention",
            $"Expires at {At(e.ExpiresAt)}: {e.GoverningSensitivity} retention under policy revision {e.PolicyRevision}."),
        SnapshotProtected e => new(version, e.At, e.By, "protected",
            $"Manifest signed by {e.SigningKeyId}; {e.Manifest.Keys.Count} data key(s), one per trust domain; state epoch {e.Manifest.StateEpoch}."),
        SnapshotPinned e => new(version, e.At, e.By, "pinned", $"Pinned {Until(e.Until)}: {e.Reason}"),
        SnapshotUnpinned e => new(version, e.At, e.By, "unpinned", $"Unpinned: {e.Reason}"),
        LegalHoldPlaced e => new(version, e.At, e.By, "hold-placed", $"Legal hold placed {Until(e.Until)}: {e.Reason}"),
        LegalHoldReleased e => new(version, e.At, e.By, "hold-released", $"Legal hold released: {e.Reason}"),
        SnapshotMarkedNotNeeded e => new(version, e.At, e.By, "not-needed", $"Marked no longer needed: {e.Reason}"),
        SnapshotDeletionStarted e => new(version, e.At, e.By, "deletion-started", $"Secure deletion began ({e.Trigger}): {e.Reason}"),
        SnapshotDeleted e => new(version, e.At, e.By, "deleted",
            $"Deleted ({e.Trigger}): {(e.DestroyedKeyIds is { Count: > 0 } k ? $"{k.Count} data key(s) destroyed; " : "")}"
            + $"{(e.DestroyedKeyObjects is { Count: > 0 } o ? $"key objects destroyed in the HSM: {string.Join(", ", o)}; " : "")}{e.InfrastructureDetail ?? e.Reason}"),
        _ => null,
    };

    private static string At(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string Until(DateTimeOffset? until) => until is { } u ? "until " + At(u) : "until released";
}

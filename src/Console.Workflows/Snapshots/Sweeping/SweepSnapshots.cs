using Console.Workflows.Keys;
using Console.Workflows.Nfv;
using Console.Workflows.Policy;
using Console.Workflows.Snapshots.Retention;
using Marten;
using JasperFx.Core;
using Microsoft.Extensions.Logging;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Runtime.Handlers;

namespace Console.Workflows.Snapshots.Sweeping;

/// <summary>One occurrence of the retention sweep (Wolverine's recurring schedule publishes one per interval).</summary>
public sealed record SweepSnapshots(DateTimeOffset Occurrence);

/// <summary>
/// One snapshot the sweep found due, handed to the deletion queue as a durable message of its own: the deletions of one
/// sweep run side by side, and one interrupted by a node's death is taken over on its own, not redone after the ones
/// before it in a single long sweep.
/// </summary>
public sealed record DeleteDueSnapshot(Guid SnapshotId);

public sealed record SweepReport(int Examined, int Deleted, int Kept, int Failed);

/// <summary>What a sweep found: the snapshots to delete (due, or their deletion begun and not finished), and how many it kept.</summary>
public sealed record DueSnapshots(IReadOnlyList<Guid> ToDelete, int Examined, int Kept);

/// <summary>
/// The retention sweep: finds the available snapshots that are due (or whose deletion began and did not finish) through
/// the indexed <see cref="Snapshot.DueAt"/>, judges each with <see cref="RetentionRules"/> and deletes those nothing
/// keeps through <see cref="SecureDeletion"/>, judging each again when it deletes it. The scheduled sweep hands each
/// deletion to the deletion queue (<see cref="SweepSnapshotsHandler"/>); <see cref="SweepAsync"/> runs the same steps
/// inline. Several sweeps may overlap (several nodes, a slow sweep, a message handled again); each snapshot is still
/// deleted once, because only one deleter can begin it and only one at a time carries it out.
/// </summary>
public sealed class SnapshotSweeper(
    IDocumentStore store, SecureDeletion deletion, TimeProvider time, SnapshotLifecycleOptions options, ILogger<SnapshotSweeper> logger)
{
    public const string By = "system:retention-sweep";

    /// <summary>The snapshots due for deletion now that nothing keeps, read and judged a batch at a time.</summary>
    public async Task<DueSnapshots> FindDueAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var query = store.QuerySession();
        // PostgreSQL keeps microseconds and rounds, .NET keeps ticks: a snapshot due this very instant must not slip to
        // the next sweep. The judgement below is exact.
        var upTo = now.AddMilliseconds(1);
        List<Guid> due = [.. await query.Query<Snapshot>()
            .Where(s => s.Status == SnapshotStatus.Available && ((s.DueAt != null && s.DueAt <= upTo) || s.Deletion != null))
            .OrderBy(s => s.DueAt)
            .Select(s => s.Id)
            .ToListAsync(ct)];

        var keepLastGood = await KeepLastGoodAsync(query, ct);
        var toDelete = new List<Guid>();
        foreach (var chunk in due.Chunk(options.SweepBatchSize))
        {
            ct.ThrowIfCancellationRequested();
            var (snapshots, newestPerVnf) = await LoadAsync(query, chunk, ct);
            toDelete.AddRange(snapshots.Where(s => Judge(s, newestPerVnf, keepLastGood, now).IsDue).Select(s => s.Id));
        }

        if (due.Count > 0)
            logger.LogInformation("Retention sweep: {Examined} due, {ToDelete} to delete, {Kept} kept", due.Count, toDelete.Count, due.Count - toDelete.Count);
        return new DueSnapshots(toDelete, due.Count, due.Count - toDelete.Count);
    }

    /// <summary>
    /// Deletes one snapshot the sweep found, judged again on its state now (a pin, a hold or a newer snapshot may have
    /// come since). Nothing happens when it is kept, already deleted, or being carried out by another deleter right now.
    /// When the infrastructure or the key store fails, the outcome says so and the next sweep tries again.
    /// </summary>
    public async Task<DeletionOutcome> DeleteDueAsync(Guid snapshotId, CancellationToken ct = default)
    {
        bool keepLastGood;
        (bool IsDue, bool IsLastGood) verdict;
        await using (var query = store.QuerySession())
        {
            keepLastGood = await KeepLastGoodAsync(query, ct);
            var (snapshots, newestPerVnf) = await LoadAsync(query, [snapshotId], ct);
            if (snapshots.Count == 0)
                return new DeletionOutcome(snapshotId, false, "This snapshot does not exist.");
            verdict = Judge(snapshots[0], newestPerVnf, keepLastGood, time.GetUtcNow());
        }

        if (!verdict.IsDue)
            return new DeletionOutcome(snapshotId, false, "Not due, or kept.");
        try
        {
            return await deletion.DeleteAsync(
                snapshotId, fresh => DeletionDecider.StartBySweep(fresh, verdict.IsLastGood, keepLastGood, By, time.GetUtcNow()), By, ct);
        }
        catch (Exception ex) when (ex is InfrastructureException or KeyUnavailableException)
        {
            logger.LogWarning("Deleting snapshot {SnapshotId} failed; the next sweep carries on: {Reason}", snapshotId, ex.Message);
            return new DeletionOutcome(snapshotId, false, ex.Message, Failed: true);
        }
    }

    /// <summary>The whole sweep inline: finds what is due and deletes it, one after another (tests and tools).</summary>
    public async Task<SweepReport> SweepAsync(CancellationToken ct = default)
    {
        var found = await FindDueAsync(ct);
        int deleted = 0, failed = 0;
        foreach (var id in found.ToDelete)
        {
            ct.ThrowIfCancellationRequested();
            var outcome = await DeleteDueAsync(id, ct);
            deleted += outcome.Deleted ? 1 : 0;
            failed += outcome.Failed ? 1 : 0;
        }

        return new SweepReport(found.Examined, deleted, found.Kept, failed);
    }

    private static (bool IsDue, bool IsLastGood) Judge(Snapshot snapshot, Dictionary<Guid, Guid> newestPerVnf, bool keepLastGood, DateTimeOffset now)
    {
        var isLastGood = newestPerVnf.TryGetValue(snapshot.VnfId, out var newest) && newest == snapshot.Id;
        var verdict = RetentionRules.Judge(snapshot, isLastGood, keepLastGood, now);
        return (verdict.State is RetentionState.Due or RetentionState.Deleting, isLastGood);
    }

    private static async Task<bool> KeepLastGoodAsync(IQuerySession query, CancellationToken ct)
    {
        var policy = await query.LoadAsync<ApprovalPolicy>(ApprovalPolicy.StreamId, ct);
        return policy?.Document.KeepLastGoodSnapshot ?? true;
    }

    /// <summary>The snapshots, and for their VNFs the newest available snapshot (keep-last-good).</summary>
    private static async Task<(IReadOnlyList<Snapshot> Snapshots, Dictionary<Guid, Guid> NewestPerVnf)> LoadAsync(
        IQuerySession query, Guid[] ids, CancellationToken ct)
    {
        var snapshots = await query.LoadManyAsync<Snapshot>(ct, ids);
        var vnfIds = snapshots.Select(s => s.VnfId).Distinct().ToArray();
        var available = await query.Query<Snapshot>()
            .Where(s => s.Status == SnapshotStatus.Available && vnfIds.Contains(s.VnfId))
            .Select(s => new { s.Id, s.VnfId, s.CompletedAt })
            .ToListAsync(ct);
        var newest = available
            .GroupBy(s => s.VnfId)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(s => s.CompletedAt).ThenByDescending(s => s.Id).First().Id);
        return (snapshots, newest);
    }
}

/// <summary>
/// Each occurrence of the recurring schedule finds what is due and hands every deletion to the deletion queue as a
/// message of its own (<see cref="SnapshotsRegistration.DeletionQueue"/>).
/// </summary>
public static class SweepSnapshotsHandler
{
    public static async Task<OutgoingMessages> Handle(SweepSnapshots message, SnapshotSweeper sweeper, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sweeper);
        var found = await sweeper.FindDueAsync(ct);
        var deletions = new OutgoingMessages();
        deletions.AddRange(found.ToDelete.Select(id => new DeleteDueSnapshot(id)));
        return deletions;
    }
}

/// <summary>Deletes one snapshot the sweep handed over.</summary>
public static class DeleteDueSnapshotHandler
{
    public static void Configure(HandlerChain chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        // A deletion waits on the infrastructure for as long as its operation takes; Wolverine's default bound is a minute.
        chain.ExecutionTimeoutInSeconds = 600;
        // The database briefly gone, or a race lost twice: every step is safe to repeat, so try again shortly. When
        // that is exhausted the snapshot is still found by the next sweep.
        chain.OnException(ex => ex is not OperationCanceledException, "deletion step failed")
            .RetryWithCooldown(1.Seconds(), 5.Seconds(), 15.Seconds());
    }

    public static async Task Handle(DeleteDueSnapshot message, SnapshotSweeper sweeper, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(sweeper);
        await sweeper.DeleteDueAsync(message.SnapshotId, ct);
    }
}

using Console.Workflows.Keys;
using Console.Workflows.Nfv;
using Console.Workflows.Policy;
using Console.Workflows.Snapshots.Retention;
using Marten;
using Microsoft.Extensions.Logging;

namespace Console.Workflows.Snapshots.Sweeping;

/// <summary>One occurrence of the retention sweep (Wolverine's recurring schedule publishes one per interval).</summary>
public sealed record SweepSnapshots(DateTimeOffset Occurrence);

public sealed record SweepReport(int Examined, int Deleted, int Kept, int Failed);

/// <summary>
/// The retention sweep: finds the available snapshots that are due (or whose deletion began and did not finish) through
/// the indexed <see cref="Snapshot.DueAt"/>, judges each with <see cref="RetentionRules"/> and deletes those nothing
/// keeps through <see cref="SecureDeletion"/>. Several sweeps may overlap (several nodes, a slow sweep); each snapshot
/// is still deleted once, because only one deleter can begin it.
/// </summary>
public sealed class SnapshotSweeper(
    IDocumentStore store, SecureDeletion deletion, TimeProvider time, SnapshotLifecycleOptions options, ILogger<SnapshotSweeper> logger)
{
    public const string By = "system:retention-sweep";

    public async Task<SweepReport> SweepAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        List<Guid> due;
        bool keepLastGood;
        await using (var query = store.QuerySession())
        {
            var policy = await query.LoadAsync<ApprovalPolicy>(ApprovalPolicy.StreamId, ct);
            keepLastGood = policy?.Document.KeepLastGoodSnapshot ?? true;
            // PostgreSQL keeps microseconds and rounds, .NET keeps ticks: a snapshot due this very instant must not
            // slip to the next sweep. The judgement below is exact.
            var upTo = now.AddMilliseconds(1);
            due = [.. await query.Query<Snapshot>()
                .Where(s => s.Status == SnapshotStatus.Available && ((s.DueAt != null && s.DueAt <= upTo) || s.Deletion != null))
                .OrderBy(s => s.DueAt)
                .Select(s => s.Id)
                .ToListAsync(ct)];
        }

        int deleted = 0, kept = 0, failed = 0;
        foreach (var chunk in due.Chunk(options.SweepBatchSize))
        {
            ct.ThrowIfCancellationRequested();
            var (snapshots, newestPerVnf) = await LoadAsync(chunk, ct);
            foreach (var snapshot in snapshots)
            {
                var isLastGood = newestPerVnf.TryGetValue(snapshot.VnfId, out var newest) && newest == snapshot.Id;
                var verdict = RetentionRules.Judge(snapshot, isLastGood, keepLastGood, now);
                if (verdict.State is not (RetentionState.Due or RetentionState.Deleting))
                {
                    kept++;
                    continue;
                }

                try
                {
                    var outcome = await deletion.DeleteAsync(
                        snapshot.Id, fresh => DeletionDecider.StartBySweep(fresh, isLastGood, keepLastGood, By, time.GetUtcNow()), By, ct);
                    if (outcome.Deleted)
                        deleted++;
                }
                catch (Exception ex) when (ex is InfrastructureException or KeyUnavailableException)
                {
                    failed++;
                    logger.LogWarning("Deleting snapshot {SnapshotId} failed; the next sweep carries on: {Reason}", snapshot.Id, ex.Message);
                }
            }
        }

        if (due.Count > 0)
            logger.LogInformation("Retention sweep: {Examined} due, {Deleted} deleted, {Kept} kept, {Failed} failed", due.Count, deleted, kept, failed);
        return new SweepReport(due.Count, deleted, kept, failed);
    }

    /// <summary>The chunk's snapshots, and for their VNFs the newest available snapshot (keep-last-good).</summary>
    private async Task<(IReadOnlyList<Snapshot> Snapshots, Dictionary<Guid, Guid> NewestPerVnf)> LoadAsync(Guid[] ids, CancellationToken ct)
    {
        await using var query = store.QuerySession();
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

/// <summary>Runs the sweep for each occurrence of the recurring schedule.</summary>
public static class SweepSnapshotsHandler
{
    // Returns nothing: a returned value would be published as a cascading message.
    public static async Task Handle(SweepSnapshots message, SnapshotSweeper sweeper, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sweeper);
        await sweeper.SweepAsync(ct);
    }
}

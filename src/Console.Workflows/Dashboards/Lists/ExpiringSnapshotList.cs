using Console.Workflows.Dashboards.Figures;
using Console.Workflows.Dashboards.Reading;

namespace Console.Workflows.Dashboards.Lists;

/// <summary>
/// Available, still-needed snapshots expiring within a window, by expiry: the first rows of one range of the expiring
/// index; the total from the expiry counters, as the figure counts it.
/// </summary>
public sealed class ExpiringSnapshotList(DashboardDatabase db, ExpiryReader expiry, TimeProvider time)
{
    public Task<SnapshotPage> ReadAsync(SnapshotListRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        var batch = new DashboardBatch();
        var parameters = new StatementParameters();
        var (from, until) = DashboardRules.ExpiryRange(request.Window, now);
        var counts = expiry.AddExpiringFrom(batch, [from, until]);
        var source = $"select * from {db.Tables.Snapshot} where status = 0 and not_needed_at is null and expires_at >= {parameters.Time(from)} and expires_at < {parameters.Time(until)}";
        return SnapshotPages.ReadAsync(db, batch, parameters, request, now, new SnapshotPages.Source(source, () => counts()[0] - counts()[1]), ct);
    }
}

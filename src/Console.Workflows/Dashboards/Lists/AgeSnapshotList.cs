using Console.Workflows.Dashboards.Figures;
using Console.Workflows.Dashboards.Reading;

namespace Console.Workflows.Dashboards.Lists;

/// <summary>
/// Available snapshots in one age bucket (and governing sensitivity), by completion: the first rows of one range of
/// the completion index; the total from the age counters, as the figure counts it.
/// </summary>
public sealed class AgeSnapshotList(DashboardDatabase db, AgeDistributionReader ages, TimeProvider time)
{
    public Task<SnapshotPage> ReadAsync(SnapshotListRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        var batch = new DashboardBatch();
        var parameters = new StatementParameters();
        var bucket = request.Age ?? AgeBucket.UnderOneDay;
        var (after, atOrBefore) = DashboardRules.CompletionRange(bucket, now);
        var source = $"select * from {db.Tables.Snapshot} where status = 0";
        if (after is { } a)
            source += $" and completed_at > {parameters.Time(a)}";
        if (atOrBefore is { } b)
            source += $" and completed_at <= {parameters.Time(b)}";
        if (request.Sensitivity is { } s)
            source += $" and governing_sensitivity = {parameters.Add(DashboardBatch.Smallint((short)s))}";
        var age = ages.Add(batch, now);
        return SnapshotPages.ReadAsync(db, batch, parameters, request, now,
            new SnapshotPages.Source(source, () => request.Sensitivity is { } only ? age().Count(only, bucket) : age().Count(bucket)), ct);
    }
}

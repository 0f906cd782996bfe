using Console.Workflows.Dashboards.Projections;
using Console.Workflows.Dashboards.Reading;

namespace Console.Workflows.Dashboards.Lists;

/// <summary>
/// The overdue or held-past-expiry snapshots, in any of the four orders: for each setting of the last-good rule (only the
/// one the policy selects runs) the first rows in the page's order among those the clock step stored in the list's
/// buckets and that have not moved since, each an index range of its partial index, and the rows that moved since the
/// last step, judged here as the figure judges them. So a page costs its offset plus its size plus one step interval
/// of movements, however many rows are overdue or held. The count: the bucket counters, corrected for the moved rows.
/// </summary>
public sealed class RetentionSnapshotList(DashboardDatabase db, DashboardOptions options, TimeProvider time)
{
    public Task<SnapshotPage> ReadAsync(SnapshotListRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Kind is not (SnapshotListKind.Overdue or SnapshotListKind.ProtectedPastExpiry))
            throw new ArgumentOutOfRangeException(nameof(request), request.Kind, "Not a retention list.");
        var now = time.GetUtcNow();
        var parameters = new StatementParameters();
        var limit = ((long)SnapshotPages.PageOf(request) * SnapshotPages.SizeOf(request)) + SnapshotPages.SizeOf(request);
        var at = parameters.Time(now);
        var sweep = parameters.Add(DashboardBatch.Interval(options.SweepInterval));
        var order = DashboardTables.SortColumn(request.SortBy);
        var direction = request.Descending ? "desc" : "asc";
        const string Columns = SnapshotPages.RowColumns;
        var branches = new List<string>();
        foreach (var keep in (bool[])[true, false])
        {
            var stored = $"{(keep ? "" : "not ")}(select keep from policy) and {DashboardTables.RetentionListPredicate(request.Kind, keep)} and reclassify_at > {at}";
            // Read backwards, an index puts the rows without an expiry first; the page wants them last in both directions.
            if (request.SortBy == SnapshotSortField.ExpiresAt && request.Descending)
            {
                branches.Add($"(select {Columns} from {db.Tables.Snapshot} where {stored} and expires_at is not null order by expires_at {direction}, id {direction} limit {limit})");
                branches.Add($"(select {Columns} from {db.Tables.Snapshot} where {stored} and expires_at is null order by id {direction} limit {limit})");
            }
            else
            {
                branches.Add($"(select {Columns} from {db.Tables.Snapshot} where {stored} order by {order} {direction}, id {direction} limit {limit})");
            }
        }

        var buckets = request.Kind == SnapshotListKind.Overdue
            ? $"= {(int)RetentionBucket.Overdue}"
            : $"between {(int)RetentionBucket.LegalHold} and {(int)RetentionBucket.LastGood}";
        branches.Add($"(select {Columns} from moved where now_bucket {buckets})");
        var ctes =
            $"""
            moved as materialized (
              select {Columns}, case when (select keep from policy) then ret_keep else ret_free end as was,
                     (case when (select keep from policy) then {RetentionSql.Bucket(true, at, sweep)} else {RetentionSql.Bucket(false, at, sweep)} end) as now_bucket
              from {db.Tables.Snapshot} where reclassify_at <= {at})
            """;
        var count =
            $"""
            coalesce((select sum(n) from {db.Tables.Retention} where keep_last_good = (select keep from policy) and bucket {buckets}), 0)::bigint
              - (select count(*) from moved where was {buckets}) + (select count(*) from moved where now_bucket {buckets})
            """;
        var source = new SnapshotPages.Source(string.Join("\nunion all\n", branches), Total: null, ctes, count);
        return SnapshotPages.ReadAsync(db, new DashboardBatch(), parameters, request, now, source, ct);
    }
}

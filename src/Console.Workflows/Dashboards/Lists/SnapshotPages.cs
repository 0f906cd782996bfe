using Console.Workflows.Dashboards.Projections;
using Console.Workflows.Dashboards.Reading;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;
using Npgsql;

namespace Console.Workflows.Dashboards.Lists;

/// <summary>
/// One page of a snapshot list in one round trip: the rows of the list's source in the page's order, with the policy's
/// last-good rule (it decides what keeps each one), beside whatever the list counts its total with.
/// </summary>
internal static class SnapshotPages
{
    // What a list shows of each snapshot (besides the policy's rule), in the order the mapping reads them.
    public const string RowColumns = """
        id, vnf_id, vnf_name, governing_sensitivity, completed_at, expires_at, not_needed_at, due_since, is_last_good,
        pinned, pin_reason, pin_until, pin_by, pin_at, held, hold_reason, hold_until, hold_by, hold_at,
        released_at, superseded_at
        """;

    private const int PolicyOrdinal = 21;
    private const int CountOrdinal = 22;

    /// <summary>A list's rows as a query over <c>dash_snapshot</c>, and how its total is counted.</summary>
    /// <param name="Ctes">Common table expressions the source and the count use (after <c>policy</c>), or null.</param>
    /// <param name="CountSql">The total computed in the page's own statement, or null when <paramref name="Total"/> gives it.</param>
    public sealed record Source(string Sql, Func<long>? Total, string? Ctes = null, string? CountSql = null);

    public static int PageOf(SnapshotListRequest request) => Math.Max(0, request.Page);

    public static int SizeOf(SnapshotListRequest request) => Math.Clamp(request.PageSize, 1, SnapshotListReader.MaxPageSize);

    public static async Task<SnapshotPage> ReadAsync(
        DashboardDatabase db, DashboardBatch batch, StatementParameters parameters, SnapshotListRequest request, DateTimeOffset now,
        Source source, CancellationToken ct)
    {
        var page = PageOf(request);
        var pageSize = SizeOf(request);
        var keepLastGood = DefaultPolicy.Document.KeepLastGoodSnapshot;
        long counted = 0;
        var facts = new List<(SnapshotRow Row, RetentionFacts Facts)>(pageSize);

        var order = DashboardTables.SortColumn(request.SortBy);
        var direction = request.Descending ? "desc" : "asc";
        const string Columns = $"{RowColumns}, (select keep from policy)";
        var pageOf = $"order by {order} {direction} nulls last, id {direction} limit {pageSize} offset {(long)page * pageSize}";
        // A count computed with the rows comes on every row of the page, and alone on one empty row when the page is empty.
        var statement = source.CountSql is { } count
            ? $"""
              with policy as ({db.KeepLastGoodSql}), {(source.Ctes is { } ctes ? ctes + ", " : "")}rows as not materialized ({source.Sql})
              select p.*, t.n from (select {count} as n) t left join lateral (select {Columns} from rows {pageOf}) p on true
              order by p.{order} {direction} nulls last, p.id {direction}
              """
            : $"""
              with policy as ({db.KeepLastGoodSql}), rows as not materialized ({source.Sql})
              select {Columns} from rows s {pageOf}
              """;
        batch.Add(
            statement,
            parameters.List,
            reader =>
            {
                if (reader.FieldCount > CountOrdinal)
                    counted = reader.GetInt64(CountOrdinal);
                if (reader.IsDBNull(0))
                    return;
                keepLastGood = reader.GetBoolean(PolicyOrdinal);
                facts.Add(Row(reader));
            });
        await db.RunAsync(batch, ct);

        // What keeps each one is judged once the policy's rule is known.
        var rows = facts.Select(f => f.Row with { Protection = DashboardRules.ProtectionOf(f.Facts, now, keepLastGood) }).ToList();
        return new SnapshotPage(now, rows, source.Total?.Invoke() ?? counted, page, pageSize);
    }

    private static (SnapshotRow Row, RetentionFacts Facts) Row(NpgsqlDataReader reader)
    {
        var pin = reader.GetBoolean(9) ? HoldAt(reader, 10) : null;
        var hold = reader.GetBoolean(14) ? HoldAt(reader, 15) : null;
        var retention = new RetentionFacts(
            reader.GetFieldValue<DateTimeOffset>(4), true, DashboardBatch.NullableTime(reader, 5), DashboardBatch.NullableTime(reader, 6), pin, hold,
            DashboardBatch.NullableTime(reader, 19), reader.GetBoolean(8), DashboardBatch.NullableTime(reader, 20));
        return (new SnapshotRow(
            reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), (Sensitivity)reader.GetInt16(3), retention.CompletedAt,
            retention.ExpiresAt, retention.NotNeededAt, DashboardBatch.NullableTime(reader, 7), retention.IsLastGood, pin, hold, null), retention);
    }

    private static Hold HoldAt(NpgsqlDataReader reader, int first) =>
        new(reader.IsDBNull(first) ? "" : reader.GetString(first), DashboardBatch.NullableTime(reader, first + 1),
            reader.IsDBNull(first + 2) ? "" : reader.GetString(first + 2), DashboardBatch.NullableTime(reader, first + 3) ?? DateTimeOffset.MinValue);
}

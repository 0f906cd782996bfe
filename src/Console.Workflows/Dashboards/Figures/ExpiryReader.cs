using Console.Workflows.Dashboards.Reading;

namespace Console.Workflows.Dashboards.Figures;

/// <summary>
/// Available, still-needed snapshots expiring within 24 hours and 7 days: the hourly expiry counters plus an
/// index-only range scan of the partial hour at each end.
/// </summary>
public sealed class ExpiryReader(DashboardDatabase db, TimeProvider time)
{
    public Task<ExpiryFigures> ReadAsync(CancellationToken ct = default) => db.ReadAsync(batch => Add(batch, time.GetUtcNow()), ct);

    internal Func<ExpiryFigures> Add(DashboardBatch batch, DateTimeOffset now)
    {
        var from = AddExpiringFrom(batch, [now, now + DashboardRules.Length(ExpiryWindow.Within24Hours), now + DashboardRules.Length(ExpiryWindow.Within7Days)]);
        return () =>
        {
            var counts = from();
            return new ExpiryFigures(now, counts[0] - counts[1], counts[0] - counts[2]);
        };
    }

    /// <summary>For each moment t: available, still-needed snapshots expiring at or after t.</summary>
    internal Func<long[]> AddExpiringFrom(DashboardBatch batch, DateTimeOffset[] moments)
    {
        var hours = moments.Select(DashboardRules.NextHourAfter).ToArray();
        var result = new long[moments.Length];
        var sums = string.Join(", ", hours.Select((_, i) => $"coalesce(sum(n) filter (where expiry_hour >= ${i + 1}), 0)::bigint"));
        batch.Add(
            $"select {sums} from {db.Tables.SnapshotExpiry} where expiry_hour >= ${hours.Length + 1}",
            [.. hours.Select(DashboardBatch.Timestamp), DashboardBatch.Timestamp(hours.Min())],
            reader =>
            {
                for (var i = 0; i < hours.Length; i++)
                    result[i] += reader.GetInt64(i);
            },
            planEachCall: true);

        // One index-only range scan per partial hour (see the age distribution).
        batch.Add(
            "select " + string.Join(", ", moments.Select((_, i) =>
                $"(select count(*) from {db.Tables.Snapshot} where status = 0 and not_needed_at is null and expires_at >= ${(2 * i) + 1} and expires_at < ${(2 * i) + 2})")),
            [.. moments.SelectMany((m, i) => new[] { DashboardBatch.Timestamp(m), DashboardBatch.Timestamp(hours[i]) })],
            reader =>
            {
                for (var i = 0; i < moments.Length; i++)
                    result[i] += reader.GetInt64(i);
            },
            planEachCall: true);
        return () => result;
    }
}

using Console.Workflows.Dashboards.Reading;
using Console.Workflows.Inventory;

namespace Console.Workflows.Dashboards.Figures;

/// <summary>
/// Available snapshots per governing sensitivity and age bucket: whole hours from the hourly counters plus an
/// index-only range scan of the partial hour at each bucket boundary, so exact without scanning every snapshot.
/// </summary>
public sealed class AgeDistributionReader(DashboardDatabase db, TimeProvider time)
{
    public Task<AgeDistribution> ReadAsync(CancellationToken ct = default) => db.ReadAsync(batch => Add(batch, time.GetUtcNow()), ct);

    internal Func<AgeDistribution> Add(DashboardBatch batch, DateTimeOffset now)
    {
        // cumulative[i] = available snapshots completed after now - AgeBucketStarts[i + 1]; the buckets are differences.
        var thresholds = DashboardRules.AgeBucketStarts.Skip(1).Select(start => now - start).ToArray();
        var hours = thresholds.Select(DashboardRules.NextHourAfter).ToArray();
        var cumulative = DashboardRules.Sensitivities.ToDictionary(s => s, _ => new long[thresholds.Length]);
        var totals = DashboardRules.Sensitivities.ToDictionary(s => s, _ => 0L);

        var sums = string.Join(", ", hours.Select((_, i) => $"coalesce(sum(n) filter (where completed_hour >= ${i + 1}), 0)::bigint"));
        batch.Add(
            $"select sensitivity, sum(n)::bigint, {sums} from {db.Tables.SnapshotAge} group by sensitivity",
            [.. hours.Select(DashboardBatch.Timestamp)],
            reader =>
            {
                if (!cumulative.TryGetValue((Sensitivity)reader.GetInt16(0), out var counts))
                    return;
                totals[(Sensitivity)reader.GetInt16(0)] += reader.GetInt64(1);
                for (var i = 0; i < hours.Length; i++)
                    counts[i] += reader.GetInt64(i + 2);
            });

        // The partial hour above each threshold, from the flat rows: one index-only range scan of at most an hour each
        // (one scan per range, not an OR of ranges, which would become a bitmap scan visiting a heap page per row).
        batch.Add(
            string.Join("\nunion all\n", thresholds.Select((_, i) =>
                $"select {i}, governing_sensitivity, count(*) from {db.Tables.Snapshot} where status = 0 and completed_at > ${(2 * i) + 1} and completed_at < ${(2 * i) + 2} group by 2")),
            [.. thresholds.SelectMany((t, i) => new[] { DashboardBatch.Timestamp(t), DashboardBatch.Timestamp(hours[i]) })],
            reader =>
            {
                if (cumulative.TryGetValue((Sensitivity)reader.GetInt16(1), out var counts))
                    counts[reader.GetInt32(0)] += reader.GetInt64(2);
            });

        return () =>
        {
            var distribution = new Dictionary<Sensitivity, IReadOnlyList<long>>();
            foreach (var sensitivity in DashboardRules.Sensitivities)
            {
                var c = cumulative[sensitivity];
                var buckets = new long[DashboardRules.AgeBuckets.Count];
                buckets[0] = c[0];
                for (var i = 1; i < c.Length; i++)
                    buckets[i] = c[i] - c[i - 1];
                buckets[^1] = totals[sensitivity] - c[^1];
                distribution[sensitivity] = buckets;
            }

            return new AgeDistribution(now, distribution);
        };
    }
}

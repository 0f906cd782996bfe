using Console.Workflows.Dashboards.Reading;
using Console.Workflows.Policy;

namespace Console.Workflows.Dashboards.Figures;

/// <summary>Overdue snapshots and the due ones something keeps (legal hold, pin, last good), at the moment of reading.</summary>
public sealed class RetentionReader(DashboardDatabase db, DashboardOptions options, TimeProvider time)
{
    public Task<RetentionFigures> ReadAsync(CancellationToken ct = default) => db.ReadAsync(batch => Add(batch, time.GetUtcNow()), ct);

    internal Func<RetentionFigures> Add(DashboardBatch batch, DateTimeOffset now)
    {
        // The counters hold each snapshot in the bucket the clock step last judged it in, for both settings of the
        // policy's last-good rule; the rows whose bucket may have changed since (reclassify_at passed, or unclassified by
        // a change) are judged here and counted over. Those are the few rows that moved since the last step, found
        // through their index, so the figure costs the same however many snapshots there are.
        var counts = new long[5];
        var keep = DefaultPolicy.Document.KeepLastGoodSnapshot;
        batch.Add(
            $"""
            with policy as ({db.KeepLastGoodSql}),
            stale as materialized (
              select ret_keep, ret_free, {RetentionSql.Bucket(true, "$1", "$2")} as now_keep, {RetentionSql.Bucket(false, "$1", "$2")} as now_free
              from {db.Tables.Snapshot} where reclassify_at <= $1)
            select b.bucket,
                   coalesce((select r.n from {db.Tables.Retention} r where r.keep_last_good = p.keep and r.bucket = b.bucket), 0)
                   - (select count(*) from stale where (case when p.keep then ret_keep else ret_free end) = b.bucket)
                   + (select count(*) from stale where (case when p.keep then now_keep else now_free end) = b.bucket),
                   p.keep
            from policy p, (values (1::smallint), (2::smallint), (3::smallint), (4::smallint)) as b(bucket)
            """,
            [DashboardBatch.Timestamp(now), DashboardBatch.Interval(options.SweepInterval)],
            reader =>
            {
                counts[reader.GetInt16(0)] = reader.GetInt64(1);
                keep = reader.GetBoolean(2);
            });
        return () => new RetentionFigures(
            now, counts[(int)RetentionBucket.Overdue], counts[(int)RetentionBucket.LegalHold], counts[(int)RetentionBucket.Pinned],
            counts[(int)RetentionBucket.LastGood], keep, options.SweepInterval);
    }
}

using Console.Workflows.Dashboards.Projections;
using Console.Workflows.Dashboards.Trends;
using Marten;
using Npgsql;
using NpgsqlTypes;

namespace Console.Workflows.Dashboards.Advancing;

/// <summary>One occurrence of the dashboard's clock step (Wolverine's recurring schedule publishes one per interval).</summary>
public sealed record AdvanceRetentionClock(DateTimeOffset Occurrence);

public sealed record ClockReport(DateTimeOffset At, long Moved, bool Rejudged);

/// <summary>
/// Moves snapshots between the retention buckets as time passes: every row whose bucket may have changed by now
/// (<c>reclassify_at</c> passed: it fell due, a pin or hold lapsed, it became overdue) or that a change left unclassified
/// is judged again at the step's moment, its bucket counted over in <c>dash_retention</c> and its next change stored.
/// Found through the index on <c>reclassify_at</c>, so a step reads only the rows that moved since the last one, never
/// every snapshot. Rows are taken in batches, locked and skipped when a projection holds them (the next step takes
/// them); several steps may overlap without counting a row twice.
/// </summary>
public sealed class RetentionClock(IDocumentStore store, DashboardTables tables, DashboardOptions options, TimeProvider time)
{
    public async Task<ClockReport> AdvanceAsync(CancellationToken ct = default) => await AdvanceAsync(options.ClockBatchSize, ct);

    /// <summary>Advances to now in batches of <paramref name="batchSize"/> rows, each its own transaction.</summary>
    public async Task<ClockReport> AdvanceAsync(int batchSize, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var conn = store.Storage.Database.CreateConnection();
        await conn.OpenAsync(ct);
        var rejudged = await EnsureSweepIntervalAsync(conn, ct);

        var at = "$1";
        var sweep = "$2";
        var sql =
            $"""
            with stale as (
              select id, ret_keep, ret_free from {tables.Snapshot} where reclassify_at <= {at}
              order by reclassify_at limit $3 for update skip locked),
            judged as (
              update {tables.Snapshot} s
              set ret_keep = {RetentionSql.Bucket(true, at, sweep)}, ret_free = {RetentionSql.Bucket(false, at, sweep)},
                  reclassify_at = {RetentionSql.NextChange(at, sweep)}
              from stale where s.id = stale.id
              returning stale.ret_keep as old_keep, stale.ret_free as old_free, s.ret_keep as new_keep, s.ret_free as new_free),
            moved as (
              insert into {tables.Retention} (keep_last_good, bucket, n)
              select k.keep, k.bucket, sum(k.d) from judged,
                     lateral (values (true, old_keep, -1), (true, new_keep, 1), (false, old_free, -1), (false, new_free, 1)) as k(keep, bucket, d)
              where k.bucket <> 0 group by 1, 2 having sum(k.d) <> 0
              on conflict (keep_last_good, bucket) do update set n = {tables.Retention}.n + excluded.n)
            select count(*) from judged
            """;
        long moved = 0;
        while (true)
        {
            await using var command = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
            command.Parameters.Add(new NpgsqlParameter { Value = now.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = options.SweepInterval, NpgsqlDbType = NpgsqlDbType.Interval });
            command.Parameters.Add(new NpgsqlParameter { Value = (long)batchSize, NpgsqlDbType = NpgsqlDbType.Bigint });
            var n = (long)(await command.ExecuteScalarAsync(ct))!;
            moved += n;
            if (n < batchSize)
                break;
        }

        await using (var mark = new NpgsqlCommand(
            $"update {tables.RetentionClock} set advanced_to = greatest(advanced_to, $1) where id = 1", conn))
        {
            mark.Parameters.Add(new NpgsqlParameter { Value = now.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await mark.ExecuteNonQueryAsync(ct);
        }

        return new ClockReport(now, moved, rejudged);
    }

    // The buckets were judged with one sweep interval; when the setting changes, every row is judged again.
    private async Task<bool> EnsureSweepIntervalAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var command = new NpgsqlCommand(
            $"""
            with current as (select sweep_interval from {tables.RetentionClock} where id = 1 for update),
            clock as (
              insert into {tables.RetentionClock} (id, sweep_interval, advanced_to) values (1, $1, '-infinity')
              on conflict (id) do update set sweep_interval = excluded.sweep_interval
              where {tables.RetentionClock}.sweep_interval <> excluded.sweep_interval
              returning 1)
            select exists (select 1 from current where sweep_interval <> $1)
            """, conn, tx);
        command.Parameters.Add(new NpgsqlParameter { Value = options.SweepInterval, NpgsqlDbType = NpgsqlDbType.Interval });
        var changed = (bool)(await command.ExecuteScalarAsync(ct))!;
        if (changed)
        {
            await using var reset = new NpgsqlCommand(
            $"""
                update {tables.Snapshot} set ret_keep = 0, ret_free = 0, reclassify_at = '-infinity' where status = 0;
                delete from {tables.Retention};
            """, conn, tx) { CommandTimeout = 0 };
            // Not cancelled with the step (a handler timeout would roll it back on every attempt): it must finish once.
            await reset.ExecuteNonQueryAsync(CancellationToken.None);
        }

        await tx.CommitAsync(CancellationToken.None);
        return changed;
    }
}

/// <summary>Runs the clock step for each occurrence of the recurring schedule.</summary>
public static class AdvanceRetentionClockHandler
{
    // Returns nothing: a returned value would be published as a cascading message.
    // The day's trend sample rides on the same once-per-cluster step (it samples only every TrendSampleInterval).
    public static async Task Handle(AdvanceRetentionClock message, RetentionClock clock, TrendRecorder trends, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(trends);
        await clock.AdvanceAsync(ct);
        await trends.RecordAsync(ct);
    }
}

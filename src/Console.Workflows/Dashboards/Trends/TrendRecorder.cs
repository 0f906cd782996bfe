using Console.Workflows.Dashboards.Figures;
using Console.Workflows.Dashboards.Projections;
using Marten;
using Npgsql;
using NpgsqlTypes;

namespace Console.Workflows.Dashboards.Trends;

/// <summary>What one recorder step did: whether it sampled today, and how many earlier days it rebuilt.</summary>
public sealed record TrendRecord(DateTimeOffset At, bool Sampled, int Rebuilt);

/// <summary>
/// Keeps the dashboard's daily trends (<c>dash_trend_day</c>), run with the dashboard's clock step (once per cluster):
/// <list type="bullet">
/// <item>every <see cref="DashboardOptions.TrendSampleInterval"/> it writes today's row from the dashboard's own
/// figures (available snapshots, overdue, pending approvals), so a past day holds its last sample, taken near its end;</item>
/// <item>a day of the window with no row at all (before sampling began, or a day the console did not run) gets the one
/// figure that can be rebuilt exactly: the snapshots available at its end, counted from the snapshots' completion and
/// deletion times. Overdue and pending approvals at a past moment depend on pins, holds and policies as they were then,
/// so they stay unrecorded rather than guessed. The rebuild reads every snapshot row once (both counts in one pass),
/// which happens on a console's first day with trends and after an outage of a whole day, not on ordinary steps.</item>
/// </list>
/// </summary>
public sealed class TrendRecorder(IDocumentStore store, DashboardTables tables, IDashboardFiguresReader figures, DashboardOptions options, TimeProvider time)
{
    public async Task<TrendRecord> RecordAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var today = TrendRules.Today(now);
        await using var conn = store.Storage.Database.CreateConnection();
        await conn.OpenAsync(ct);

        var (lastSample, storedEarlierDays) = await StateAsync(conn, today, TrendRules.FirstDay(now), ct);
        var rebuilt = storedEarlierDays < TrendRules.Days - 1 ? await RebuildAsync(conn, TrendRules.FirstDay(now), today.AddDays(-1), ct) : 0;
        if (!TrendRules.SampleDue(lastSample, now, options.TrendSampleInterval))
            return new TrendRecord(now, false, rebuilt);

        var f = await figures.GetFiguresAsync(ct);
        await using var sample = new NpgsqlCommand(
            $"""
            insert into {tables.Trend} (day, available, overdue, pending, sampled_at) values ($1, $2, $3, $4, $5)
            on conflict (day) do update set available = excluded.available, overdue = excluded.overdue,
              pending = excluded.pending, sampled_at = excluded.sampled_at
            where {tables.Trend}.sampled_at is null or {tables.Trend}.sampled_at <= excluded.sampled_at
            """, conn);
        sample.Parameters.Add(new NpgsqlParameter { Value = TrendRules.Today(f.At), NpgsqlDbType = NpgsqlDbType.Date });
        sample.Parameters.Add(new NpgsqlParameter { Value = f.Age.Total, NpgsqlDbType = NpgsqlDbType.Bigint });
        sample.Parameters.Add(new NpgsqlParameter { Value = f.Retention.Overdue, NpgsqlDbType = NpgsqlDbType.Bigint });
        sample.Parameters.Add(new NpgsqlParameter { Value = f.PendingApprovals.Total, NpgsqlDbType = NpgsqlDbType.Bigint });
        sample.Parameters.Add(new NpgsqlParameter { Value = f.At.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await sample.ExecuteNonQueryAsync(ct);
        return new TrendRecord(now, true, rebuilt);
    }

    private async Task<(DateTimeOffset? LastSample, long StoredEarlierDays)> StateAsync(
        NpgsqlConnection conn, DateOnly today, DateOnly first, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"""
            select (select sampled_at from {tables.Trend} where day = $1),
                   (select count(*) from {tables.Trend} where day >= $2 and day < $1)
            """, conn);
        command.Parameters.Add(new NpgsqlParameter { Value = today, NpgsqlDbType = NpgsqlDbType.Date });
        command.Parameters.Add(new NpgsqlParameter { Value = first, NpgsqlDbType = NpgsqlDbType.Date });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.IsDBNull(0) ? null : reader.GetFieldValue<DateTimeOffset>(0), reader.GetInt64(1));
    }

    private async Task<int> RebuildAsync(NpgsqlConnection conn, DateOnly first, DateOnly last, CancellationToken ct)
    {
        if (last < first)
            return 0;
        // One pass over the snapshot rows counts completions and deletions per day up to the window's end; each missing
        // day is then "completed by its end minus deleted by its end".
        await using var command = new NpgsqlCommand(
            $"""
            with missing as (
              select d::date as day from generate_series($1::date, $2::date, interval '1 day') d
              where not exists (select 1 from {tables.Trend} t where t.day = d::date)),
            per_day as materialized (
              select e.day, sum(e.n) as n
              from {tables.Snapshot} s,
                   lateral (values ((s.completed_at at time zone 'UTC')::date, 1), ((s.deleted_at at time zone 'UTC')::date, -1)) as e(day, n)
              where e.day is not null and e.day <= $2 and exists (select 1 from missing)
              group by e.day)
            insert into {tables.Trend} (day, available)
            select m.day, coalesce((select sum(p.n) from per_day p where p.day <= m.day), 0) from missing m
            on conflict (day) do nothing
            """, conn) { CommandTimeout = 0 };
        command.Parameters.Add(new NpgsqlParameter { Value = first, NpgsqlDbType = NpgsqlDbType.Date });
        command.Parameters.Add(new NpgsqlParameter { Value = last, NpgsqlDbType = NpgsqlDbType.Date });
        return await command.ExecuteNonQueryAsync(ct);
    }
}

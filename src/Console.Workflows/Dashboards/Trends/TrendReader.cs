using Console.Workflows.Dashboards.Reading;
using NpgsqlTypes;

namespace Console.Workflows.Dashboards.Trends;

/// <summary>The dashboard's trends over the last <see cref="TrendRules.Days"/> days.</summary>
public interface ITrendReader
{
    Task<TrendWindow> ReadAsync(CancellationToken ct = default);
}

/// <summary>Reads at most thirty rows of <c>dash_trend_day</c> through its primary key, whatever the scale.</summary>
public sealed class TrendReader(DashboardDatabase db, TimeProvider time) : ITrendReader
{
    public Task<TrendWindow> ReadAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var rows = new List<TrendDay>(TrendRules.Days);
        return db.ReadAsync<TrendWindow>(batch =>
        {
            batch.Add(
                $"select day, available, overdue, pending, sampled_at from {db.Tables.Trend} where day >= $1 and day <= $2 order by day",
                [new Npgsql.NpgsqlParameter { Value = TrendRules.FirstDay(now), NpgsqlDbType = NpgsqlDbType.Date },
                 new Npgsql.NpgsqlParameter { Value = TrendRules.Today(now), NpgsqlDbType = NpgsqlDbType.Date }],
                reader =>
                {
                    var sampledAt = DashboardBatch.NullableTime(reader, 4);
                    rows.Add(new TrendDay(
                        reader.GetFieldValue<DateOnly>(0), Nullable(reader, 1), Nullable(reader, 2), Nullable(reader, 3), sampledAt is not null, sampledAt));
                });
            return () => new TrendWindow(now, TrendRules.Window(now, rows));
        }, ct);
    }

    private static long? Nullable(Npgsql.NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);
}

using Npgsql;
using NpgsqlTypes;

namespace Console.Workflows.Dashboards.Reading;

/// <summary>
/// Statements a dashboard read sends in one round trip; each reads the rows of its own result set. Parts of the
/// dashboard add their statements and get back a function that builds their figure once the batch has run.
/// </summary>
internal sealed class DashboardBatch
{
    private const string PlanEachCall = "select set_config('plan_cache_mode', 'force_custom_plan', false)";
    private const string PlanAsPostgresChooses = "select set_config('plan_cache_mode', 'auto', false)";

    private readonly List<(string Sql, IReadOnlyList<NpgsqlParameter> Parameters, Action<NpgsqlDataReader>? ReadRow)> _statements = [];
    private bool _planningEachCall;

    /// <summary>
    /// Adds a statement. <paramref name="planEachCall"/>: plan it for its values every time. After five runs PostgreSQL
    /// may switch a prepared statement to a generic plan chosen on estimates that know no parameter; for a range of
    /// hour counters that became a scan of the whole counter table (the expiry counters: 1.9 ms instead of 0.55 ms at
    /// 10,000,000 snapshots). Where the generic plan is as good, it saves the planning (the retention lists: about
    /// 2.2 ms p50 against 9.5 ms planned each call, at load average 11 to 16), so only the statements that need it ask.
    /// </summary>
    public void Add(string sql, IReadOnlyList<NpgsqlParameter> parameters, Action<NpgsqlDataReader> readRow, bool planEachCall = false)
    {
        if (planEachCall != _planningEachCall)
        {
            _statements.Add((planEachCall ? PlanEachCall : PlanAsPostgresChooses, [], null));
            _planningEachCall = planEachCall;
        }

        _statements.Add((sql, parameters, readRow));
    }

    public async Task RunAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        // The connection goes back to the pool as it came, in PostgreSQL's own plan mode (the pool does not reset it,
        // DashboardDatabase.ReadingSettings). A batch that fails rolls back as one implicit transaction, the plan
        // mode with it.
        if (_planningEachCall)
        {
            _statements.Add((PlanAsPostgresChooses, [], null));
            _planningEachCall = false;
        }

        await using var command = new NpgsqlBatch(conn);
        foreach (var (sql, parameters, _) in _statements)
        {
            var statement = new NpgsqlBatchCommand(sql);
            foreach (var parameter in parameters)
                statement.Parameters.Add(parameter);
            command.BatchCommands.Add(statement);
        }

        // The same few statements run every refresh: prepared once per pooled connection, PostgreSQL parses them once
        // instead of on every call, and plans them once where a generic plan serves (see Add).
        await command.PrepareAsync(ct);
        await using var reader = await command.ExecuteReaderAsync(ct);
        for (var i = 0; i < _statements.Count; i++)
        {
            if (i > 0)
                await reader.NextResultAsync(ct);
            var readRow = _statements[i].ReadRow;
            while (readRow is not null && await reader.ReadAsync(ct))
                readRow(reader);
        }
    }

    public static NpgsqlParameter Uuid(Guid value) => new() { Value = value, NpgsqlDbType = NpgsqlDbType.Uuid };

    public static NpgsqlParameter Smallint(short value) => new() { Value = value, NpgsqlDbType = NpgsqlDbType.Smallint };

    public static NpgsqlParameter Interval(TimeSpan value) => new() { Value = value, NpgsqlDbType = NpgsqlDbType.Interval };

    public static NpgsqlParameter Timestamp(DateTimeOffset value) =>
        new() { Value = value.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz };

    public static DateTimeOffset? NullableTime(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
}

/// <summary>Numbered parameters ($1, $2 ...) for a statement built from parts, in the order the parts ask for them.</summary>
internal sealed class StatementParameters
{
    public List<NpgsqlParameter> List { get; } = [];

    public string Add(NpgsqlParameter parameter)
    {
        List.Add(parameter);
        return $"${List.Count}";
    }

    public string Time(DateTimeOffset value) => Add(DashboardBatch.Timestamp(value));
}

using Npgsql;
using NpgsqlTypes;

namespace Console.Workflows.Dashboards.Reading;

/// <summary>
/// Statements a dashboard read sends in one round trip; each reads the rows of its own result set. Parts of the
/// dashboard add their statements and get back a function that builds their figure once the batch has run.
/// </summary>
internal sealed class DashboardBatch
{
    private readonly List<(string Sql, IReadOnlyList<NpgsqlParameter> Parameters, Action<NpgsqlDataReader> ReadRow)> _statements = [];

    public void Add(string sql, IReadOnlyList<NpgsqlParameter> parameters, Action<NpgsqlDataReader> readRow) =>
        _statements.Add((sql, parameters, readRow));

    public async Task RunAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var command = new NpgsqlBatch(conn);
        // The figures are small index reads; PostgreSQL's row estimates for the document lookups can be far too high and
        // make it compile a plan that runs in a millisecond (JIT). Session settings are reset when the connection
        // goes back to the pool.
        command.BatchCommands.Add(new NpgsqlBatchCommand("select set_config('jit', 'off', false)"));
        foreach (var (sql, parameters, _) in _statements)
        {
            var statement = new NpgsqlBatchCommand(sql);
            foreach (var parameter in parameters)
                statement.Parameters.Add(parameter);
            command.BatchCommands.Add(statement);
        }

        // The same few statements run every refresh: prepared once per pooled connection, PostgreSQL plans them once
        // instead of on every call (planning cost more than running most of them).
        await command.PrepareAsync(ct);
        await using var reader = await command.ExecuteReaderAsync(ct);
        foreach (var (_, _, readRow) in _statements)
        {
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
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

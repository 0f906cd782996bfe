using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using Marten;
using Marten.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Console.Workflows.Audit.History;

/// <summary>
/// Reads the history tables with plain SQL on the store's database: one round trip per page (the page and its capped
/// count in one batch), streaming for exports.
/// </summary>
public sealed class MartenHistoryReader(IDocumentStore store) : IHistoryReader
{
    // Shown to people (and HTML-encoded by the page), so letters stay letters instead of \uXXXX escapes.
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly HistorySql _sql = new(new HistorySchema(store.Options.DatabaseSchemaName));

    public async Task<HistoryPage> SearchAsync(HistoryQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var size = Math.Clamp(query.PageSize, 1, HistoryQuery.MaxPageSize);
        // Offset paging is bounded: the last reachable page ends at MaxReachableRows.
        var page = Math.Clamp(query.Page, 0, Math.Max(0, (HistoryLimits.MaxReachableRows / size) - 1));

        var parameters = new List<NpgsqlParameter>();
        var where = HistorySql.Where(query.Filter, parameters);
        await using var connection = await OpenAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        var pageCommand = new NpgsqlBatchCommand(_sql.Page(where, HistorySql.OrderBy(query.SortBy, query.Descending)));
        foreach (var parameter in parameters)
            pageCommand.Parameters.Add(parameter.Clone());
        pageCommand.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = size });
        pageCommand.Parameters.Add(new NpgsqlParameter("offset", NpgsqlDbType.Integer) { Value = page * size });
        var countCommand = new NpgsqlBatchCommand(_sql.CappedCount(where));
        foreach (var parameter in parameters)
            countCommand.Parameters.Add(parameter.Clone());
        countCommand.Parameters.Add(new NpgsqlParameter("cap", NpgsqlDbType.Integer) { Value = HistoryLimits.CountCap + 1 });
        batch.BatchCommands.Add(pageCommand);
        batch.BatchCommands.Add(countCommand);

        await using var reader = await batch.ExecuteReaderAsync(ct);
        var items = new List<HistoryEntry>(size);
        while (await reader.ReadAsync(ct))
            items.Add(ReadEntry(reader));
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        var count = reader.GetInt64(0);
        return new HistoryPage(items, Math.Min(count, HistoryLimits.CountCap), count > HistoryLimits.CountCap, page, size);
    }

    public async Task<long> CountAsync(HistoryFilter filter, int cap, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var parameters = new List<NpgsqlParameter>();
        var where = HistorySql.Where(filter, parameters);
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(_sql.CappedCount(where), connection);
        foreach (var parameter in parameters)
            command.Parameters.Add(parameter);
        command.Parameters.Add(new NpgsqlParameter("cap", NpgsqlDbType.Integer) { Value = Math.Max(0, cap) });
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    public async IAsyncEnumerable<HistoryEntry> ExportAsync(
        HistoryFilter filter, HistorySortField sortBy, bool descending, int maxRows, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var parameters = new List<NpgsqlParameter>();
        var where = HistorySql.Where(filter, parameters);
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(_sql.Page(where, HistorySql.OrderBy(sortBy, descending)), connection);
        foreach (var parameter in parameters)
            command.Parameters.Add(parameter);
        command.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = Math.Clamp(maxRows, 0, HistoryLimits.ExportMaxRows) });
        command.Parameters.Add(new NpgsqlParameter("offset", NpgsqlDbType.Integer) { Value = 0 });
        // Sequential access streams each row off the wire as it is read; nothing accumulates here.
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        while (await reader.ReadAsync(ct))
            yield return ReadEntry(reader);
    }

    public async Task<HistoryEventDetail?> GetEventAsync(long seq, CancellationToken ct = default)
    {
        var events = $"{store.Options.Events.DatabaseSchemaName}.mt_events";
        await using var connection = await OpenAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        var stored = new NpgsqlBatchCommand(
            $"select e.seq_id, e.stream_id, e.version, e.type, e.timestamp, e.data::text, (to_jsonb(e) - 'data')::text from {events} e where e.seq_id = @seq");
        stored.Parameters.Add(new NpgsqlParameter("seq", NpgsqlDbType.Bigint) { Value = seq });
        var row = new NpgsqlBatchCommand($"select {HistorySql.SelectColumns} from {_sql.From} where h.seq = @seq");
        row.Parameters.Add(new NpgsqlParameter("seq", NpgsqlDbType.Bigint) { Value = seq });
        batch.BatchCommands.Add(stored);
        batch.BatchCommands.Add(row);

        await using var reader = await batch.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
            return null;
        var streamId = reader.IsDBNull(1) ? Guid.Empty : reader.GetGuid(1);
        var version = reader.GetInt64(2);
        var type = reader.GetString(3);
        var at = reader.GetFieldValue<DateTimeOffset>(4);
        var data = Indent(reader.GetString(5));
        var metadata = Indent(reader.GetString(6));
        await reader.NextResultAsync(ct);
        var entry = await reader.ReadAsync(ct) ? ReadEntry(reader) : null;
        return new HistoryEventDetail(seq, streamId, version, type, at, data, metadata, entry);
    }

    public Task<HistoryTimeline> RequestTimelineAsync(Guid requestId, CancellationToken ct = default) =>
        TimelineAsync(new HistoryFilter(RequestId: requestId), ct);

    public Task<HistoryTimeline> VnfTimelineAsync(Guid vnfId, CancellationToken ct = default) =>
        TimelineAsync(new HistoryFilter(VnfId: vnfId), ct);

    public async Task<IReadOnlyList<HistoryActor>> ActorsAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"select actor_id, actor_name from {_sql.Schema.Actors} order by coalesce(actor_name, actor_id), actor_id limit 2000", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var actors = new List<HistoryActor>();
        while (await reader.ReadAsync(ct))
            actors.Add(new HistoryActor(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        return actors;
    }

    public async Task<IReadOnlyList<HistoryEventType>> EventTypesAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand($"select event_type, category from {_sql.Schema.EventTypes}", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var types = new List<HistoryEventType>();
        while (await reader.ReadAsync(ct))
            types.Add(new HistoryEventType(reader.GetString(0), Category(reader.GetString(1))));
        return [.. types.OrderBy(t => t.Category).ThenBy(t => t.Name, StringComparer.Ordinal)];
    }

    private async Task<HistoryTimeline> TimelineAsync(HistoryFilter filter, CancellationToken ct)
    {
        // The newest entries, one more than shown to know whether older ones were left out; shown oldest first.
        var newest = new List<HistoryEntry>();
        await foreach (var entry in ExportAsync(filter, HistorySortField.Time, descending: true, HistoryLimits.TimelineMaxEntries + 1, ct))
            newest.Add(entry);
        var truncated = newest.Count > HistoryLimits.TimelineMaxEntries;
        return new HistoryTimeline([.. newest.Take(HistoryLimits.TimelineMaxEntries).Reverse()], truncated);
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var connection = store.Storage.Database.CreateConnection(ConnectionUsage.Read);
        await connection.OpenAsync(ct);
        return connection;
    }

    private static HistoryEntry ReadEntry(DbDataReader r) => new(
        r.GetInt64(0),
        r.GetFieldValue<DateTimeOffset>(1),
        r.GetString(2),
        Category(r.GetString(3)),
        r.IsDBNull(4) ? null : r.GetString(4),
        r.IsDBNull(5) ? null : r.GetString(5),
        r.IsDBNull(6) ? null : r.GetGuid(6),
        r.IsDBNull(7) ? null : r.GetGuid(7),
        r.IsDBNull(8) ? null : r.GetString(8),
        r.GetFieldValue<Guid[]>(9),
        r.GetFieldValue<Guid[]>(10),
        r.GetString(11),
        r.IsDBNull(12) ? null : r.GetString(12),
        r.GetGuid(13),
        r.GetInt64(14));

    private static HistoryCategory Category(string name) =>
        Enum.TryParse<HistoryCategory>(name, out var category) ? category : HistoryCategory.Other;

    private static string Indent(string json)
    {
        using var document = JsonDocument.Parse(json);
        return JsonSerializer.Serialize(document.RootElement, Pretty);
    }
}

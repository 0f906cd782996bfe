using System.Text;
using System.Text.Json.Nodes;
using JasperFx.Events;
using Marten;
using Npgsql;

namespace Console.Workflows.Audit.Integrity.Verifying.Documents;

/// <summary>A stored document that its events do not give.</summary>
public sealed record DocumentFinding(IntegrityBreakKind Kind, string DocumentType, Guid Id, IReadOnlyList<string> Fields, string Detail);

/// <summary>Rebuilds one document type from its events and compares it with the stored documents.</summary>
public interface IDocumentCheck
{
    Type DocumentType { get; }

    /// <summary>
    /// The .NET type names (as mt_events.mt_dotnet_type stores them) of the events that create this document's stream:
    /// a stream with one of them must have its document.
    /// </summary>
    IReadOnlyList<string> CreatingEvents { get; }

    /// <summary>
    /// Reads documents and their events in batches of <paramref name="batchSize"/> on <paramref name="connection"/>'s
    /// transaction, and reports every stream of <paramref name="created"/> (its creating events, seen in the same
    /// snapshot) whose document is gone.
    /// </summary>
    /// <returns>How many stored documents were compared.</returns>
    Task<long> CheckAsync(IDocumentStore store, NpgsqlConnection connection, NpgsqlTransaction transaction, int batchSize,
        CreatedStreams created, Action<DocumentFinding> report, CancellationToken ct);
}

public sealed class DocumentCheck<T> : IDocumentCheck where T : class
{
    public Type DocumentType => typeof(T);

    public IReadOnlyList<string> CreatingEvents { get; } =
    [
        .. typeof(T).GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(m => m.Name == "Create" && m.ReturnType == typeof(T) && m.GetParameters().Length == 1)
            .Select(m => DotNetTypeName(m.GetParameters()[0].ParameterType)),
    ];

    public async Task<long> CheckAsync(IDocumentStore store, NpgsqlConnection connection, NpgsqlTransaction transaction, int batchSize,
        CreatedStreams created, Action<DocumentFinding> report, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(created);
        var table = store.Options.Schema.For<T>();
        var events = $"{store.Options.Events.DatabaseSchemaName}.mt_events";
        var aggregator = ((StoreOptions)store.Options).Projections.AggregatorFor<T>();
        var serializer = store.Options.Serializer();
        await using var session = store.QuerySession();

        var after = Guid.Empty;
        var first = true;
        var count = 0L;
        var storedIds = new HashSet<Guid>();
        while (true)
        {
            var stored = await ReadDocumentsAsync(connection, transaction, table, first ? null : after, batchSize, ct);
            if (stored.Count == 0)
                break;
            first = false;
            count += stored.Count;
            after = stored[^1].Id;
            var streams = await ReadEventsAsync(connection, transaction, events, [.. stored.Select(d => d.Id)], serializer, ct);
            foreach (var (id, json) in stored)
            {
                storedIds.Add(id);
                if (!streams.TryGetValue(id, out var history))
                {
                    report(new DocumentFinding(IntegrityBreakKind.DocumentWithoutEvents, typeof(T).Name, id, [],
                        $"{typeof(T).Name} {id} is stored but no event stands behind it: it was inserted into the table directly."));
                    continue;
                }

                var rebuilt = await aggregator.BuildAsync(history, session, null, ct);
                var fields = Compare(rebuilt, json, serializer);
                if (fields.Count > 0)
                {
                    report(new DocumentFinding(IntegrityBreakKind.DocumentChanged, typeof(T).Name, id, fields,
                        $"{typeof(T).Name} {id} differs from the one its {history.Count} events give, in {DocumentComparison.Describe(fields)}: it was edited in the table."));
                }
            }

            if (stored.Count < batchSize)
                break;
        }

        foreach (var id in created.Of(this).Where(id => !storedIds.Contains(id)).Order())
        {
            report(new DocumentFinding(IntegrityBreakKind.DocumentMissing, typeof(T).Name, id, [],
                $"The events of {typeof(T).Name} {id} are stored but its document is not: it was deleted from the table."));
        }

        return count;
    }

    private static IReadOnlyList<string> Compare(T? rebuilt, string storedJson, ISerializer serializer)
    {
        // Both sides go through the store's serializer, so number and date formats and property order compare alike.
        JsonNode? stored;
        try
        {
            using var input = new MemoryStream(Encoding.UTF8.GetBytes(storedJson));
            stored = JsonNode.Parse(serializer.ToJson(serializer.FromJson<T>(input)));
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or NotSupportedException)
        {
            return ["(unreadable document)"];
        }

        return DocumentComparison.DifferingFields(rebuilt is null ? null : JsonNode.Parse(serializer.ToJson(rebuilt)), stored);
    }

    internal static string DotNetTypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";

    private static async Task<List<(Guid Id, string Json)>> ReadDocumentsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string table, Guid? after, int batchSize, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"select d.id, d.data::text from {table} d {(after is null ? "" : "where d.id > @after")} order by d.id limit @limit",
            connection, transaction);
        if (after is { } from)
            command.Parameters.AddWithValue("after", from);
        command.Parameters.AddWithValue("limit", batchSize);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var list = new List<(Guid, string)>();
        while (await reader.ReadAsync(ct))
            list.Add((reader.GetGuid(0), reader.GetString(1)));
        return list;
    }

    private static async Task<Dictionary<Guid, List<IEvent>>> ReadEventsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string events, Guid[] streams, ISerializer serializer, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"select e.stream_id, e.version, e.seq_id, e.id, e.type, e.timestamp, e.mt_dotnet_type, e.data::text from {events} e " +
            "where e.stream_id = any(@streams) order by e.stream_id, e.version", connection, transaction);
        command.Parameters.AddWithValue("streams", streams);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var byStream = new Dictionary<Guid, List<IEvent>>();
        while (await reader.ReadAsync(ct))
        {
            var dotNetType = reader.IsDBNull(6) ? null : Type.GetType(reader.GetString(6));
            if (dotNetType is null)
                continue; // Not a type of this console (Marten's tombstones have their own streams).
            using var input = new MemoryStream(Encoding.UTF8.GetBytes(reader.GetString(7)));
            var data = serializer.FromJson(dotNetType, input);
            var stored = (IEvent)Activator.CreateInstance(typeof(Event<>).MakeGenericType(dotNetType), data)!;
            stored.StreamId = reader.GetGuid(0);
            stored.Version = reader.GetInt64(1);
            stored.Sequence = reader.GetInt64(2);
            stored.Id = reader.GetGuid(3);
            stored.EventTypeName = reader.GetString(4);
            stored.Timestamp = new DateTimeOffset(reader.GetFieldValue<DateTime>(5), TimeSpan.Zero);
            if (!byStream.TryGetValue(stored.StreamId, out var list))
                byStream[stored.StreamId] = list = [];
            list.Add(stored);
        }

        return byStream;
    }
}

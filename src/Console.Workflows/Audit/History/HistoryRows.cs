using System.Text;
using System.Text.Json;

namespace Console.Workflows.Audit.History;

/// <summary>History rows as the JSON one multi-row insert reads (jsonb_to_recordset): one statement per page of events.</summary>
internal static class HistoryRows
{
    public const string Columns =
        "seq, at, event_type, category, actor_id, actor_name, request_id, vnf_id, vnf_name, trust_domain_ids, environment_ids, summary, details, stream_id, stream_version";

    public const string ColumnTypes =
        "seq bigint, at timestamptz, event_type text, category text, actor_id text, actor_name text, request_id uuid, vnf_id uuid, "
        + "vnf_name text, trust_domain_ids uuid[], environment_ids uuid[], summary text, details text, stream_id uuid, stream_version bigint";

    public static string ToJson(IEnumerable<HistoryEntry> rows) => Write(json =>
    {
        foreach (var r in rows)
        {
            json.WriteStartObject();
            json.WriteNumber("seq", r.Seq);
            json.WriteString("at", r.At);
            json.WriteString("event_type", r.EventType);
            json.WriteString("category", r.Category.ToString());
            WriteOptional(json, "actor_id", r.ActorId);
            WriteOptional(json, "actor_name", r.ActorName);
            WriteOptional(json, "request_id", r.RequestId);
            WriteOptional(json, "vnf_id", r.VnfId);
            WriteOptional(json, "vnf_name", r.VnfName);
            WriteIds(json, "trust_domain_ids", r.TrustDomainIds);
            WriteIds(json, "environment_ids", r.EnvironmentIds);
            json.WriteString("summary", r.Summary);
            WriteOptional(json, "details", r.Details);
            json.WriteString("stream_id", r.StreamId);
            json.WriteNumber("stream_version", r.StreamVersion);
            json.WriteEndObject();
        }
    });

    /// <summary>Each actor once, with the newest name the page gives it (a later event may name someone an earlier one did not).</summary>
    public static string ActorsJson(IEnumerable<HistoryEntry> rows) => Write(json =>
    {
        var actors = rows.Where(r => r.ActorId is not null)
            .GroupBy(r => r.ActorId!, StringComparer.Ordinal)
            .Select(g => (Id: g.Key, Name: g.Select(r => r.ActorName).LastOrDefault(n => n is not null), At: g.Max(r => r.At)));
        foreach (var (id, name, at) in actors)
        {
            json.WriteStartObject();
            json.WriteString("actor_id", id);
            WriteOptional(json, "actor_name", name);
            json.WriteString("last_at", at);
            json.WriteEndObject();
        }
    });

    public static string EventTypesJson(IEnumerable<HistoryEntry> rows) => Write(json =>
    {
        foreach (var type in rows.GroupBy(r => r.EventType, StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("event_type", type.Key);
            json.WriteString("category", type.First().Category.ToString());
            json.WriteString("last_at", type.Max(r => r.At));
            json.WriteEndObject();
        }
    });

    private static string Write(Action<Utf8JsonWriter> rows)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            rows(json);
            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
            json.WriteNull(name);
        else
            json.WriteString(name, value);
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, Guid? value)
    {
        if (value is { } id)
            json.WriteString(name, id);
        else
            json.WriteNull(name);
    }

    private static void WriteIds(Utf8JsonWriter json, string name, IReadOnlyList<Guid> ids)
    {
        json.WriteStartArray(name);
        foreach (var id in ids)
            json.WriteStringValue(id);
        json.WriteEndArray();
    }
}

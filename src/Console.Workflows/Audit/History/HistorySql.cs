using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Console.Workflows.Audit.History;

/// <summary>
/// The history's queries as SQL: a filter becomes a parameterised WHERE clause whose every condition an index serves,
/// a sort becomes an ORDER BY that ends in the row's sequence number, so pages are stable.
/// </summary>
internal sealed class HistorySql(HistorySchema schema)
{
    public const string SelectColumns =
        "h.seq, h.at, h.event_type, h.category, h.actor_id, coalesce(h.actor_name, a.actor_name), h.request_id, h.vnf_id, h.vnf_name, "
        + "h.trust_domain_ids, h.environment_ids, h.summary, h.details, h.stream_id, h.stream_version";

    public HistorySchema Schema { get; } = schema;

    public string From => $"{Schema.Events} h left join {Schema.Actors} a on a.actor_id = h.actor_id";

    /// <summary>The conditions of <paramref name="filter"/> (or "true"), adding their parameters to <paramref name="parameters"/>.</summary>
    public static string Where(HistoryFilter filter, List<NpgsqlParameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var conditions = new List<string>();
        void Add(string condition, string name, object value, NpgsqlDbType type)
        {
            conditions.Add(condition);
            parameters.Add(new NpgsqlParameter(name, type) { Value = value });
        }

        if (filter.From is { } from)
            Add("h.at >= @from", "from", from.ToUniversalTime(), NpgsqlDbType.TimestampTz);
        if (filter.To is { } to)
            Add("h.at < @to", "to", to.ToUniversalTime(), NpgsqlDbType.TimestampTz);
        if (filter.VnfId is { } vnf)
            Add("h.vnf_id = @vnf", "vnf", vnf, NpgsqlDbType.Uuid);
        if (filter.TrustDomainId is { } domain)
            Add("h.trust_domain_ids @> @domain", "domain", new[] { domain }, NpgsqlDbType.Array | NpgsqlDbType.Uuid);
        if (filter.EnvironmentId is { } environment)
            Add("h.environment_ids @> @environment", "environment", new[] { environment }, NpgsqlDbType.Array | NpgsqlDbType.Uuid);
        if (Clean(filter.ActorId) is { } actor)
            Add("h.actor_id = @actor", "actor", actor, NpgsqlDbType.Text);
        if (Clean(filter.EventType) is { } type)
            Add("h.event_type = @type", "type", type, NpgsqlDbType.Text);
        if (filter.Category is { } category)
            Add("h.category = @category", "category", category.ToString(), NpgsqlDbType.Text);
        if (filter.RequestId is { } request)
            Add("h.request_id = @request", "request", request, NpgsqlDbType.Uuid);
        if (Clean(filter.Text) is { } text)
        {
            // A pasted id finds what it names; words go to the full-text index.
            if (Guid.TryParse(text, out var id))
                Add("(h.request_id = @textid or h.vnf_id = @textid)", "textid", id, NpgsqlDbType.Uuid);
            else
                Add($"h.search @@ websearch_to_tsquery('{HistorySchema.TextConfiguration}', @text)", "text", text, NpgsqlDbType.Text);
        }

        return conditions.Count == 0 ? "true" : string.Join(" and ", conditions);
    }

    /// <summary>Trimmed, without NUL characters (PostgreSQL text cannot hold them), null when nothing is left.</summary>
    private static string? Clean(string? value) =>
        value?.Replace("\0", "", StringComparison.Ordinal).Trim() is { Length: > 0 } clean ? clean : null;

    public static string OrderBy(HistorySortField sortBy, bool descending)
    {
        var direction = descending ? " desc" : "";
        var order = new StringBuilder();
        var lead = sortBy switch
        {
            HistorySortField.EventType => "h.event_type",
            HistorySortField.Category => "h.category",
            HistorySortField.Actor => "h.actor_id",
            _ => null,
        };
        // One direction throughout, so the (column, at, seq) index is read forwards or backwards and never sorted.
        if (lead is not null)
            order.Append(lead).Append(direction).Append(", ");
        order.Append("h.at").Append(direction).Append(", h.seq").Append(direction);
        return order.ToString();
    }

    public string Page(string where, string orderBy) =>
        $"select {SelectColumns} from {From} where {where} order by {orderBy} limit @limit offset @offset";

    /// <summary>Counts at most <c>@cap</c> rows: enough to say "at least" without scanning millions.</summary>
    public string CappedCount(string where) =>
        $"select count(*) from (select 1 from {Schema.Events} h where {where} limit @cap) c";
}

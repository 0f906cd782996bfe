using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Console.Workflows.Audit.History;

/// <summary>
/// The history's tables, created and migrated with Marten's own schema objects. One flat row per event
/// (<c>history_events</c>), indexed so that each single filter, sorted by time and paged, is an index range scan:
/// btree on (filter column, at, seq) for scalar filters, GIN for the trust domain and environment arrays and for the
/// full-text vector. <c>history_actors</c> and <c>history_event_types</c> feed the filter lists without scanning rows.
/// </summary>
public sealed class HistorySchema(string schemaName)
{
    public const string EventsTable = "history_events";
    public const string ActorsTable = "history_actors";
    public const string EventTypesTable = "history_event_types";

    /// <summary>The text search configuration of the vector and of queries (stems English words: "migrating" finds "migration").</summary>
    public const string TextConfiguration = "english";

    public string SchemaName { get; } = schemaName;

    public string Events => $"{SchemaName}.{EventsTable}";

    public string Actors => $"{SchemaName}.{ActorsTable}";

    public string EventTypes => $"{SchemaName}.{EventTypesTable}";

    public IEnumerable<ISchemaObject> Tables()
    {
        var events = new Table(new PostgresqlObjectName(SchemaName, EventsTable, SchemaUtils.IdentifierUsage.General));
        events.AddColumn<long>("seq").AsPrimaryKey();
        events.AddColumn("at", "timestamp with time zone").NotNull();
        events.AddColumn("event_type", "text").NotNull();
        events.AddColumn("category", "text").NotNull();
        events.AddColumn("actor_id", "text").AllowNulls();
        events.AddColumn("actor_name", "text").AllowNulls();
        events.AddColumn("request_id", "uuid").AllowNulls();
        events.AddColumn("vnf_id", "uuid").AllowNulls();
        events.AddColumn("vnf_name", "text").AllowNulls();
        events.AddColumn("trust_domain_ids", "uuid[]").NotNull().DefaultValueByExpression("'{}'");
        events.AddColumn("environment_ids", "uuid[]").NotNull().DefaultValueByExpression("'{}'");
        events.AddColumn("summary", "text").NotNull();
        events.AddColumn("details", "text").AllowNulls();
        events.AddColumn("stream_id", "uuid").NotNull();
        events.AddColumn<long>("stream_version").NotNull();
        // Generated, so rows written by any path (the subscription, a bulk COPY) are searchable alike.
        events.AddColumn("search", "tsvector")
            .GeneratedAs($"to_tsvector('{TextConfiguration}'::regconfig, summary || ' ' || coalesce(details, ''))");

        events.Indexes.Add(Btree("ix_history_at", "at", "seq"));
        foreach (var column in new[] { "vnf_id", "request_id", "actor_id", "event_type", "category" })
            events.Indexes.Add(Btree($"ix_history_{column}", column, "at", "seq"));
        events.Indexes.Add(Gin("ix_history_trust_domains", "trust_domain_ids"));
        events.Indexes.Add(Gin("ix_history_environments", "environment_ids"));
        events.Indexes.Add(Gin("ix_history_search", "search"));
        yield return events;

        var actors = new Table(new PostgresqlObjectName(SchemaName, ActorsTable, SchemaUtils.IdentifierUsage.General));
        actors.AddColumn("actor_id", "text").AsPrimaryKey();
        actors.AddColumn("actor_name", "text").AllowNulls();
        actors.AddColumn("last_at", "timestamp with time zone").NotNull();
        yield return actors;

        var types = new Table(new PostgresqlObjectName(SchemaName, EventTypesTable, SchemaUtils.IdentifierUsage.General));
        types.AddColumn("event_type", "text").AsPrimaryKey();
        types.AddColumn("category", "text").NotNull();
        types.AddColumn("last_at", "timestamp with time zone").NotNull();
        yield return types;
    }

    private static IndexDefinition Btree(string name, params string[] columns) => new(name) { Columns = columns };

    private static IndexDefinition Gin(string name, string column) => new(name) { Columns = [column], Method = IndexMethod.gin };
}

using System.Text.Json;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;

namespace Console.Workflows.Audit.History;

/// <summary>
/// Feeds the history from Marten's async daemon, in event-sequence order, a page of events at a time: the subjects the
/// page needs are loaded once, each event becomes one row, and the rows, the changed subjects and the filter lists
/// are written in the daemon's transaction together with the subscription's progress. A page replayed after a crash
/// writes nothing twice (rows are keyed by sequence number).
/// </summary>
public sealed class HistorySubscription : SubscriptionBase
{
    public const string SubscriptionName = "SecurityHistory";

    private readonly HistorySchema _schema;

    public HistorySubscription(HistorySchema schema)
    {
        _schema = schema;
        Name = SubscriptionName;
        Options.BatchSize = 1000;
    }

    public override async Task<IChangeListener> ProcessEventsAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(operations);
        if (page.Events.Count == 0)
            return NullChangeListener.Instance;

        var ids = page.Events.SelectMany(e => SafeSubjectIds(e.Data)).Distinct().ToArray();
        var known = ids.Length == 0 ? [] : await operations.LoadManyAsync<HistorySubject>(cancellationToken, ids);
        var book = new HistorySubjectBook(known);
        var rows = page.Events.Select(e => Read(e, book)).ToList();

        operations.QueueSqlCommand(InsertRowsSql, HistoryRows.ToJson(rows));
        operations.QueueSqlCommand(UpsertActorsSql, HistoryRows.ActorsJson(rows));
        operations.QueueSqlCommand(UpsertEventTypesSql, HistoryRows.EventTypesJson(rows));
        foreach (var subject in book.Changed)
            operations.Store(subject);
        // Delivered when the daemon commits these rows, to every node: open history pages re-read (live updates).
        operations.QueueSqlCommand("select pg_notify(?, ?)", HistoryChangeRelay.Channel,
            HistoryChangeRelay.PayloadFor(_schema.SchemaName, page.Events[^1].Sequence));
        return NullChangeListener.Instance;
    }

    private static HistoryEntry Read(IEvent e, HistorySubjectBook book)
    {
        var stored = new StoredEvent(e.Sequence, e.Timestamp, e.StreamId, e.Version, e.Data);
        try
        {
            return HistoryMapper.Map(stored, book);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or NullReferenceException or JsonException or FormatException)
        {
            // One odd payload must not stop the history; its row says it could not be read.
            return HistoryMapper.Unreadable(stored, ex);
        }
    }

    private static IEnumerable<Guid> SafeSubjectIds(object data)
    {
        try
        {
            return [.. HistoryMapper.SubjectIds(data)];
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or NullReferenceException or JsonException)
        {
            return [];
        }
    }

    private string InsertRowsSql =>
        $"""
        insert into {_schema.Events} ({HistoryRows.Columns})
        select {HistoryRows.Columns} from jsonb_to_recordset(?::jsonb) as r({HistoryRows.ColumnTypes})
        on conflict (seq) do nothing
        """;

    private string UpsertActorsSql =>
        $"""
        insert into {_schema.Actors} as a (actor_id, actor_name, last_at)
        select actor_id, actor_name, last_at from jsonb_to_recordset(?::jsonb) as r(actor_id text, actor_name text, last_at timestamptz)
        on conflict (actor_id) do update
        set actor_name = coalesce(excluded.actor_name, a.actor_name), last_at = greatest(a.last_at, excluded.last_at)
        """;

    private string UpsertEventTypesSql =>
        $"""
        insert into {_schema.EventTypes} as t (event_type, category, last_at)
        select event_type, category, last_at from jsonb_to_recordset(?::jsonb) as r(event_type text, category text, last_at timestamptz)
        on conflict (event_type) do update set category = excluded.category, last_at = greatest(t.last_at, excluded.last_at)
        """;
}

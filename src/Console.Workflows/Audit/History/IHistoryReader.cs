namespace Console.Workflows.Audit.History;

/// <summary>
/// The security history: every event of the store, searchable by one or more filters with sorting and paging served
/// by indexes, plus event details, timelines and streaming export. Fed by the async daemon, so it trails the event
/// store by the daemon's polling delay (about a second).
/// </summary>
public interface IHistoryReader
{
    Task<HistoryPage> SearchAsync(HistoryQuery query, CancellationToken ct = default);

    /// <summary>How many events match, counting no further than <paramref name="cap"/>.</summary>
    Task<long> CountAsync(HistoryFilter filter, int cap, CancellationToken ct = default);

    /// <summary>The filtered set in the given order, read row by row (never buffered), at most <paramref name="maxRows"/>.</summary>
    IAsyncEnumerable<HistoryEntry> ExportAsync(
        HistoryFilter filter, HistorySortField sortBy, bool descending, int maxRows, CancellationToken ct = default);

    /// <summary>The stored event with this sequence number, or null.</summary>
    Task<HistoryEventDetail?> GetEventAsync(long seq, CancellationToken ct = default);

    Task<HistoryTimeline> RequestTimelineAsync(Guid requestId, CancellationToken ct = default);

    Task<HistoryTimeline> VnfTimelineAsync(Guid vnfId, CancellationToken ct = default);

    /// <summary>Everyone the history has seen act, by name.</summary>
    Task<IReadOnlyList<HistoryActor>> ActorsAsync(CancellationToken ct = default);

    /// <summary>Every event type the history has seen, by category and name.</summary>
    Task<IReadOnlyList<HistoryEventType>> EventTypesAsync(CancellationToken ct = default);
}

using Console.Workflows.Audit.History;

namespace Console.UnitTests.Web.Components.Pages.History;

/// <summary>
/// The history in memory, filtered, sorted and paged by the same rules as the real reader (counts capped, offset
/// bounded), recording every query so tests can check what a page asked for.
/// </summary>
public sealed class FakeHistoryReader : IHistoryReader
{
    private readonly List<HistoryQuery> _queries = [];

    public List<HistoryEntry> Entries { get; } = [];

    public List<HistoryActor> Actors { get; } = [];

    public Dictionary<long, HistoryEventDetail> Details { get; } = [];

    /// <summary>When set, the count says "at least" this many (as the real reader does above its cap).</summary>
    public long? CappedTotal { get; set; }

    public Exception? Failure { get; set; }

    public IReadOnlyList<HistoryQuery> Queries
    {
        get
        {
            lock (_queries)
                return [.. _queries];
        }
    }

    public HistoryQuery LastQuery => Queries[^1];

    public HistoryEntry Add(string type, HistoryCategory category, DateTimeOffset at, string summary, string? actorId = null,
        Guid? vnfId = null, string? vnfName = null, Guid? requestId = null, Guid[]? domains = null, Guid[]? environments = null)
    {
        var entry = new HistoryEntry(Entries.Count + 1, at, type, category, actorId, null, requestId, vnfId, vnfName,
            domains ?? [], environments ?? [], summary, null, Guid.NewGuid(), 1);
        Entries.Add(entry);
        return entry;
    }

    public Task<HistoryPage> SearchAsync(HistoryQuery query, CancellationToken ct = default)
    {
        lock (_queries)
            _queries.Add(query);
        if (Failure is { } failure)
            throw failure;
        var matching = Sorted(Filter(query.Filter), query.SortBy, query.Descending).ToList();
        var page = Math.Clamp(query.Page, 0, (HistoryLimits.MaxReachableRows / query.PageSize) - 1);
        var items = matching.Skip(page * query.PageSize).Take(query.PageSize).ToList();
        return Task.FromResult(CappedTotal is { } capped
            ? new HistoryPage(items, capped, true, page, query.PageSize)
            : new HistoryPage(items, matching.Count, false, page, query.PageSize));
    }

    public Task<long> CountAsync(HistoryFilter filter, int cap, CancellationToken ct = default) =>
        Task.FromResult((long)Math.Min(cap, Filter(filter).Count()));

    public async IAsyncEnumerable<HistoryEntry> ExportAsync(
        HistoryFilter filter, HistorySortField sortBy, bool descending, int maxRows,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var entry in Sorted(Filter(filter), sortBy, descending).Take(maxRows))
        {
            await Task.Yield();
            yield return entry;
        }
    }

    public Task<HistoryEventDetail?> GetEventAsync(long seq, CancellationToken ct = default) =>
        Failure is { } failure ? throw failure : Task.FromResult(Details.GetValueOrDefault(seq));

    public Task<HistoryTimeline> RequestTimelineAsync(Guid requestId, CancellationToken ct = default) =>
        Timeline(new HistoryFilter(RequestId: requestId));

    public Task<HistoryTimeline> VnfTimelineAsync(Guid vnfId, CancellationToken ct = default) =>
        Timeline(new HistoryFilter(VnfId: vnfId));

    public Task<IReadOnlyList<HistoryActor>> ActorsAsync(CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<HistoryActor>>(Actors);

    public Task<IReadOnlyList<HistoryEventType>> EventTypesAsync(CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<HistoryEventType>>(
            [.. Entries.Select(e => new HistoryEventType(e.EventType, e.Category)).Distinct().OrderBy(t => t.Category).ThenBy(t => t.Name, StringComparer.Ordinal)]);

    private Task<HistoryTimeline> Timeline(HistoryFilter filter)
    {
        var newest = Sorted(Filter(filter), HistorySortField.Time, true).Take(HistoryLimits.TimelineMaxEntries + 1).ToList();
        return Task.FromResult(new HistoryTimeline(
            [.. newest.Take(HistoryLimits.TimelineMaxEntries).Reverse()], newest.Count > HistoryLimits.TimelineMaxEntries));
    }

    private IEnumerable<HistoryEntry> Filter(HistoryFilter f) => Entries.Where(e =>
        (f.From is null || e.At >= f.From) && (f.To is null || e.At < f.To)
        && (f.VnfId is null || e.VnfId == f.VnfId) && (f.RequestId is null || e.RequestId == f.RequestId)
        && (f.TrustDomainId is null || e.TrustDomainIds.Contains(f.TrustDomainId.Value))
        && (f.EnvironmentId is null || e.EnvironmentIds.Contains(f.EnvironmentId.Value))
        && (f.ActorId is null || e.ActorId == f.ActorId) && (f.EventType is null || e.EventType == f.EventType)
        && (f.Category is null || e.Category == f.Category)
        && (f.Text is null || e.Summary.Contains(f.Text, StringComparison.OrdinalIgnoreCase)));

    private static IEnumerable<HistoryEntry> Sorted(IEnumerable<HistoryEntry> entries, HistorySortField sortBy, bool descending)
    {
        Func<HistoryEntry, string> lead = sortBy switch
        {
            HistorySortField.EventType => e => e.EventType,
            HistorySortField.Category => e => e.Category.ToString(),
            HistorySortField.Actor => e => e.ActorId ?? "",
            _ => _ => "",
        };
        return descending
            ? entries.OrderByDescending(lead, StringComparer.Ordinal).ThenByDescending(e => e.At).ThenByDescending(e => e.Seq)
            : entries.OrderBy(lead, StringComparer.Ordinal).ThenBy(e => e.At).ThenBy(e => e.Seq);
    }
}

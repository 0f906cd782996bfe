using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Amending;
using Console.Workflows.Requests.Approvals;
using Console.Workflows.Requests.Approving;

namespace Console.UnitTests.Web.Fakes;

/// <summary>
/// Reads <see cref="InMemoryRequests"/> with the real quorum rules (progress per group, who may fill what), filters,
/// sorts and pages like the real reader, and records every search.
/// </summary>
public sealed class FakeRequestReader(InMemoryRequests store) : IRequestReader
{
    private readonly List<RequestSearch> _searches = [];

    public IReadOnlyList<RequestSearch> Searches
    {
        get
        {
            lock (_searches)
                return [.. _searches];
        }
    }

    public RequestSearch LastSearch => Searches[^1];

    public int InboxReads { get; private set; }

    public int DetailReads { get; private set; }

    public Task<PagedResult<RequestListItem>> SearchAsync(RequestSearch search, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        lock (_searches)
            _searches.Add(search);

        IEnumerable<ChangeRequest> query = store.Requests.Values;
        if (search.Text?.Trim() is { Length: > 0 } text)
        {
            query = query.Where(r => r.VnfName.Contains(text, StringComparison.OrdinalIgnoreCase)
                || r.RequesterName.Contains(text, StringComparison.OrdinalIgnoreCase)
                || r.Justification.Contains(text, StringComparison.OrdinalIgnoreCase));
        }

        if (search.Kind is { } kind)
            query = query.Where(r => r.Content.Kind == kind);
        if (search.Status is { } status)
            query = query.Where(r => r.Status == status);
        if (search.VnfId is { } vnfId)
            query = query.Where(r => r.Content.VnfId == vnfId);
        if (search.RequesterId is { } requester)
            query = query.Where(r => r.RequesterId == requester);
        if (search.SubmittedFrom is { } from)
            query = query.Where(r => r.SubmittedAt >= from);
        if (search.SubmittedTo is { } to)
            query = query.Where(r => r.SubmittedAt < to);

        var items = query.Select(ToListItem).ToList();
        IOrderedEnumerable<RequestListItem> sorted = search.SortBy switch
        {
            RequestSortField.LastChangedAt => Order(items, i => i.LastChangedAt, search.Descending),
            RequestSortField.Status => Order(items, i => i.Status.ToString(), search.Descending),
            RequestSortField.Kind => Order(items, i => i.Kind.ToString(), search.Descending),
            RequestSortField.Vnf => Order(items, i => i.VnfName, search.Descending),
            RequestSortField.Requester => Order(items, i => i.RequesterName, search.Descending),
            _ => Order(items, i => i.SubmittedAt, search.Descending),
        };
        var pageSize = Math.Clamp(search.PageSize, 1, 200);
        var page = sorted.ThenBy(i => i.Id).Skip(Math.Max(0, search.Page) * pageSize).Take(pageSize).ToList();
        return Task.FromResult(new PagedResult<RequestListItem>(page, items.Count, search.Page, pageSize));
    }

    public Task<RequestDetails?> GetAsync(Guid requestId, CancellationToken ct = default)
    {
        DetailReads++;
        if (!store.Requests.TryGetValue(requestId, out var r))
            return Task.FromResult<RequestDetails?>(null);
        var names = new AmendmentNames(
            id => store.Inventory.Vnfs.SelectMany(v => v.Components).FirstOrDefault(c => c.Id == id)?.Name, id => store.EnvironmentName(id));
        return Task.FromResult<RequestDetails?>(new RequestDetails(
            r, Quorum.Progress(r), [.. store.Journal(r.Id)], store.EnvironmentName(r.Content.SourceEnvironmentId),
            store.EnvironmentName(r.Content.TargetEnvironmentId), store.ComponentsOf(r))
        {
            Amendments = AmendmentHistory.Of(store.Events(r.Id), names),
        });
    }

    public Task<IReadOnlyList<InboxItem>> InboxAsync(Actor actor, CancellationToken ct = default)
    {
        InboxReads++;
        IReadOnlyList<InboxItem> items =
        [
            .. store.Requests.Values
                .Where(r => r.Status == RequestStatus.PendingApproval)
                .OrderBy(r => r.ExpiresAt)
                .Select(r => (Request: r, Group: ApproveRequestDecider.GroupToFill(r, actor)))
                .Where(x => x.Group is not null)
                .Select(x => InboxItem.For(x.Request, ToListItem(x.Request), x.Group!, store.ComponentsOf(x.Request),
                    store.EnvironmentName(x.Request.Content.SourceEnvironmentId), actor, RequestPageTest.Now)),
        ];
        return Task.FromResult(items);
    }

    private RequestListItem ToListItem(ChangeRequest r)
    {
        var components = store.ComponentsOf(r);
        var progress = Quorum.Progress(r);
        return new RequestListItem(
            r.Id, r.Content.Kind, r.Status, r.Content.VnfId, r.VnfName,
            components.Count == 0 ? Sensitivity.Public : components.Max(c => c.Sensitivity),
            store.EnvironmentName(r.Content.TargetEnvironmentId), r.RequesterName, r.SubmittedAt, r.LastChangedAt,
            progress.Sum(p => Math.Min(p.FilledBy.Count, p.Group.Required)), progress.Sum(p => p.Group.Required))
        {
            ExpiresAt = r.ExpiresAt,
            ScheduledFor = r.ScheduledFor(RequestPageTest.Now),
        };
    }

    private static IOrderedEnumerable<RequestListItem> Order<TKey>(IEnumerable<RequestListItem> items, Func<RequestListItem, TKey> key, bool descending) =>
        descending ? items.OrderByDescending(key) : items.OrderBy(key);
}

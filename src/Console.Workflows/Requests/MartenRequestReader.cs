using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Requests.Amending;
using Console.Workflows.Requests.Approvals;
using Console.Workflows.Requests.Approving;
using Console.Workflows.Snapshots;
using JasperFx.Events;
using Marten;
using Marten.Linq;

namespace Console.Workflows.Requests;

/// <summary>
/// Reads the inline <see cref="ChangeRequest"/> documents (one per request stream, updated in the transaction that
/// appends its events): search, filters, sort and paging run in PostgreSQL; the journal is the stream itself.
/// </summary>
public sealed class MartenRequestReader(IQuerySession session, TimeProvider time) : IRequestReader
{
    public const int MaxPageSize = 200;

    // The inbox lists what waits for people; more than this many open requests is a backlog to search, not an inbox.
    private const int InboxScanLimit = 500;

    public async Task<PagedResult<RequestListItem>> SearchAsync(RequestSearch search, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        var page = Math.Max(0, search.Page);
        var pageSize = Math.Clamp(search.PageSize, 1, MaxPageSize);

        var requests = await Sort(Filter(session.Query<ChangeRequest>(), search), search.SortBy, search.Descending)
            .Stats(out QueryStatistics stats)
            .Skip((int)Math.Min((long)page * pageSize, int.MaxValue))
            .Take(pageSize)
            .ToListAsync(ct);
        // The total rides on the returned rows; a page past the end has none, so count separately then.
        var total = requests.Count == 0 && page > 0
            ? await Filter(session.Query<ChangeRequest>(), search).CountAsync(ct)
            : stats.TotalResults;
        return new PagedResult<RequestListItem>(await ToListItemsAsync(requests, ct), total, page, pageSize);
    }

    public async Task<RequestDetails?> GetAsync(Guid requestId, CancellationToken ct = default)
    {
        var request = await session.LoadAsync<ChangeRequest>(requestId, ct);
        if (request is null)
            return null;

        var events = await session.Events.FetchStreamAsync(requestId, token: ct);
        var journal = events.Select(e => RequestJournal.Entry(e.Version, e.Data, e.Timestamp)).ToList();

        var content = request.Content;
        var environmentIds = new[] { content.SourceEnvironmentId }
            .Concat(content.TargetEnvironmentId is { } t ? [t] : [])
            .Distinct()
            .ToArray();
        var environments = (await session.LoadManyAsync<ExecutionEnvironment>(ct, environmentIds)).ToDictionary(e => e.Id);
        var components = await ComponentsAsync(request, ct);

        return new RequestDetails(
            request,
            Quorum.Progress(request),
            journal,
            environments.GetValueOrDefault(content.SourceEnvironmentId)?.Name,
            content.TargetEnvironmentId is { } target ? environments.GetValueOrDefault(target)?.Name : null,
            components)
        {
            Amendments = await AmendmentsAsync(events, content.VnfId, ct),
        };
    }

    // Only a request that was amended needs the names of what it asked before.
    private async Task<IReadOnlyList<Amendment>> AmendmentsAsync(IReadOnlyList<IEvent> events, Guid vnfId, CancellationToken ct)
    {
        var amended = events.Select(e => e.Data).OfType<RequestAmended>().ToList();
        if (amended.Count == 0)
            return [];
        var targetIds = amended.Select(a => a.Content.TargetEnvironmentId)
            .Concat(events.Select(e => e.Data).OfType<RequestSubmitted>().Select(s => s.Content.TargetEnvironmentId))
            .OfType<Guid>().Distinct().ToArray();
        var environments = targetIds.Length == 0
            ? new Dictionary<Guid, string>()
            : (await session.LoadManyAsync<ExecutionEnvironment>(ct, targetIds)).ToDictionary(e => e.Id, e => e.Name);
        var vnf = await session.LoadAsync<Vnf>(vnfId, ct);
        var componentNames = vnf?.Components.ToDictionary(c => c.Id, c => c.Name) ?? new Dictionary<Guid, string>();
        return AmendmentHistory.Of(
            events.Select(e => (e.Version, e.Data)),
            new AmendmentNames(componentNames.GetValueOrDefault, environments.GetValueOrDefault));
    }

    public async Task<IReadOnlyList<InboxItem>> InboxAsync(Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var now = time.GetUtcNow();
        var pending = await session.Query<ChangeRequest>()
            .Where(x => x.Status == RequestStatus.PendingApproval && x.RequesterId != actor.UserId && x.ExpiresAt > now)
            .OrderBy(x => x.ExpiresAt)
            .ThenBy(x => x.Id)
            .Take(InboxScanLimit)
            .ToListAsync(ct);

        // Eligibility depends on the person's current roles and groups and on who already approved: judged here, per request.
        var fillable = pending
            .Select(r => (Request: r, Group: ApproveRequestDecider.GroupToFill(r, actor)))
            .Where(x => x.Group is not null)
            .ToList();
        if (fillable.Count == 0)
            return [];
        var requests = fillable.Select(x => x.Request).ToList();
        var items = await ToListItemsAsync(requests, ct);
        var vnfs = await VnfsAsync(requests, ct);
        var sourceIds = requests.Select(r => r.Content.SourceEnvironmentId).Distinct().ToArray();
        var sources = sourceIds.Length == 0
            ? new Dictionary<Guid, ExecutionEnvironment>()
            : (await session.LoadManyAsync<ExecutionEnvironment>(ct, sourceIds)).ToDictionary(e => e.Id);
        return [.. fillable.Zip(items, (x, item) => InboxItem.For(
            x.Request, item, x.Group!, Touched(x.Request, vnfs), sources.GetValueOrDefault(x.Request.Content.SourceEnvironmentId)?.Name,
            actor, now))];
    }

    internal static IQueryable<ChangeRequest> Filter(IQueryable<ChangeRequest> query, RequestSearch search)
    {
        var text = search.Text?.Trim();
        if (!string.IsNullOrEmpty(text))
        {
            query = Guid.TryParse(text, out var id)
                ? query.Where(x => x.Id == id)
                : query.Where(x => x.VnfName.Contains(text, StringComparison.OrdinalIgnoreCase)
                    || x.Justification.Contains(text, StringComparison.OrdinalIgnoreCase)
                    || x.RequesterName.Contains(text, StringComparison.OrdinalIgnoreCase));
        }

        if (search.Kind is { } kind)
            query = query.Where(x => x.Content.Kind == kind);
        if (search.Status is { } status)
            query = query.Where(x => x.Status == status);
        if (search.VnfId is { } vnfId)
            query = query.Where(x => x.Content.VnfId == vnfId);
        if (!string.IsNullOrWhiteSpace(search.RequesterId))
            query = query.Where(x => x.RequesterId == search.RequesterId);
        if (search.SubmittedFrom is { } from)
            query = query.Where(x => x.SubmittedAt >= from);
        if (search.SubmittedTo is { } to)
            query = query.Where(x => x.SubmittedAt < to);
        return query;
    }

    internal static IQueryable<ChangeRequest> Sort(IQueryable<ChangeRequest> query, RequestSortField field, bool descending)
    {
        IOrderedQueryable<ChangeRequest> ordered = field switch
        {
            RequestSortField.LastChangedAt => descending ? query.OrderByDescending(x => x.LastChangedAt) : query.OrderBy(x => x.LastChangedAt),
            RequestSortField.Status => descending ? query.OrderByDescending(x => x.Status) : query.OrderBy(x => x.Status),
            RequestSortField.Kind => descending ? query.OrderByDescending(x => x.Content.Kind) : query.OrderBy(x => x.Content.Kind),
            RequestSortField.Vnf => descending ? query.OrderByDescending(x => x.VnfName) : query.OrderBy(x => x.VnfName),
            RequestSortField.Requester => descending ? query.OrderByDescending(x => x.RequesterName) : query.OrderBy(x => x.RequesterName),
            _ => descending ? query.OrderByDescending(x => x.SubmittedAt) : query.OrderBy(x => x.SubmittedAt),
        };
        // Newest first among equals, then the id, so paging is stable.
        return ordered.ThenByDescending(x => x.SubmittedAt).ThenBy(x => x.Id);
    }

    private async Task<IReadOnlyList<RequestListItem>> ToListItemsAsync(IReadOnlyList<ChangeRequest> requests, CancellationToken ct)
    {
        if (requests.Count == 0)
            return [];
        var now = time.GetUtcNow();
        var vnfs = await VnfsAsync(requests, ct);
        var targetIds = requests.Select(r => r.Content.TargetEnvironmentId).OfType<Guid>().Distinct().ToArray();
        var targets = targetIds.Length == 0
            ? new Dictionary<Guid, ExecutionEnvironment>()
            : (await session.LoadManyAsync<ExecutionEnvironment>(ct, targetIds)).ToDictionary(e => e.Id);

        return [.. requests.Select(r =>
        {
            var progress = Quorum.Progress(r);
            var touched = Touched(r, vnfs);
            return new RequestListItem(
                r.Id, r.Content.Kind, r.Status, r.Content.VnfId, r.VnfName,
                touched.Count == 0 ? Sensitivity.Public : touched.Max(c => c.Sensitivity),
                r.Content.TargetEnvironmentId is { } t ? targets.GetValueOrDefault(t)?.Name : null,
                r.RequesterName, r.SubmittedAt, r.LastChangedAt,
                progress.Sum(p => Math.Min(p.FilledBy.Count, p.Group.Required)),
                progress.Sum(p => p.Group.Required))
            {
                ExpiresAt = r.Status == RequestStatus.PendingApproval ? r.ExpiresAt : null,
                ScheduledFor = r.ScheduledFor(now),
            };
        })];
    }

    private async Task<Dictionary<Guid, Vnf>> VnfsAsync(IEnumerable<ChangeRequest> requests, CancellationToken ct) =>
        (await session.LoadManyAsync<Vnf>(ct, [.. requests.Select(r => r.Content.VnfId).Distinct()])).ToDictionary(v => v.Id);

    // The request's components as the VNF has them now (none when the VNF is gone).
    private static List<VnfComponent> Touched(ChangeRequest request, Dictionary<Guid, Vnf> vnfs)
    {
        var ids = request.Content.ComponentIds.ToHashSet();
        return vnfs.GetValueOrDefault(request.Content.VnfId)?.Components.Where(c => ids.Contains(c.Id)).ToList() ?? [];
    }

    /// <summary>The components the request acts on: the VNF's as they are now, for a deletion those in the snapshot.</summary>
    private async Task<IReadOnlyList<VnfComponent>> ComponentsAsync(ChangeRequest request, CancellationToken ct)
    {
        var ids = request.Content.ComponentIds.ToHashSet();
        if (request.Content.Kind == RequestKind.SnapshotDeletion && request.Content.SnapshotId is { } snapshotId
            && await session.LoadAsync<Snapshot>(snapshotId, ct) is { } snapshot)
            return [.. snapshot.Components.Where(c => ids.Contains(c.ComponentId))
                .Select(c => new VnfComponent(c.ComponentId, c.Name, c.Sensitivity, c.TrustDomainId))];
        var vnf = await session.LoadAsync<Vnf>(request.Content.VnfId, ct);
        return vnf is null ? [] : [.. vnf.Components.Where(c => ids.Contains(c.Id))];
    }
}

/// <summary>One line per event of a request stream: who, when, and what happened in words.</summary>
internal static class RequestJournal
{
    public static JournalEntry Entry(long version, object data, DateTimeOffset storedAt)
    {
        var (actor, at, summary) = data switch
        {
            RequestSubmitted e => (e.RequesterName, e.At,
                $"Requested {Describe(e.Content)} on {e.VnfName}: {e.Requirement.Explanation}."),
            RequestAmended e => (e.By, e.At,
                $"Changed the request to {Describe(e.Content)}; earlier approvals no longer count. {e.Requirement.Explanation}."),
            ApprovalGranted e => (e.ApproverName, e.At,
                $"Approved for {e.Group}{Accounts.SteppingUp.StepUpMethods.Suffix(e.AuthenticationMethod, e.AuthenticatedAt)}{(string.IsNullOrWhiteSpace(e.Comment) ? "" : ": " + e.Comment)}."),
            RequestApproved e => ("Console workflow", e.At, RequestDescriptions.Of(e)!),
            RequestRejected e => (e.ApproverName, e.At, RequestDescriptions.Of(e)!),
            RequestCancelled e => (e.ByName, e.At, RequestDescriptions.Of(e)!),
            RequestExpired e => (e.By, e.At, RequestDescriptions.Of(e)!),
            ExecutionStarted e => (e.By, e.At, RequestDescriptions.Of(e)!),
            TargetAttestationChecked e => (e.By, e.At, (e.Passed ? "Attestation passed: " : "Attestation failed: ") + e.Detail),
            ExecutionCompleted e => (e.By, e.At, RequestDescriptions.Of(e)!),
            ExecutionFailed e => (e.By, e.At, RequestDescriptions.Of(e)!),
            ExecutionRetryRequested e => (e.ByName, e.At, RequestDescriptions.Of(e)!),
            ExecutionWindowMissed e => (e.By, e.At, RequestDescriptions.Of(e)!),
            _ => ("(unknown)", storedAt, data.GetType().Name),
        };
        return new JournalEntry(version, data.GetType().Name, actor, at, summary);
    }

    private static string Describe(RequestContent content) => content.Kind switch
    {
        RequestKind.Snapshot => $"a snapshot of {Count(content.ComponentIds.Count)}",
        RequestKind.Migration => $"a migration of {Count(content.ComponentIds.Count)}",
        RequestKind.SnapshotDeletion => "the deletion of a snapshot",
        RequestKind.Restore => "a roll-back to a snapshot",
        RequestKind.Pause => "a pause",
        RequestKind.Resume => "a resume",
        RequestKind.Stop => "a stop",
        RequestKind.Start => "a start",
        RequestKind.Restart => "a restart",
        RequestKind.GuardChange => "a change that weakens protection",
        _ => content.Kind.ToString(),
    };

    private static string Count(int n) => n == 1 ? "1 component" : $"{n} components";
}

using Marten;
using Marten.Linq;

namespace Console.Workflows.Inventory;

/// <summary>Reads the inventory documents; filtering, sorting and paging run in PostgreSQL.</summary>
public sealed class MartenInventoryReader(IQuerySession session) : IInventoryReader
{
    public const int MaxPageSize = 200;

    public async Task<PagedResult<VnfListItem>> SearchVnfsAsync(VnfSearch search, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        var page = Math.Max(0, search.Page);
        var pageSize = Math.Clamp(search.PageSize, 1, MaxPageSize);

        var environments = (await ListEnvironmentsAsync(ct)).ToDictionary(e => e.Id);
        var trustDomains = (await ListTrustDomainsAsync(ct)).ToDictionary(t => t.Id, t => t.Name);
        var filtered = Filter(session.Query<Vnf>(), search);

        var (vnfs, total) = search.SortBy == VnfSortField.Environment
            ? await PageByEnvironmentAsync(filtered, environments.Values, search.Descending, page, pageSize, ct)
            : await PageAsync(search, page, pageSize, ct);

        var items = vnfs.Select(v => ToListItem(v, environments, trustDomains)).ToList();
        return new PagedResult<VnfListItem>(items, total, page, pageSize);
    }

    public async Task<VnfDetails?> GetVnfAsync(Guid id, CancellationToken ct = default)
    {
        var vnf = await session.LoadAsync<Vnf>(id, ct);
        if (vnf is null)
            return null;

        var environment = await session.LoadAsync<ExecutionEnvironment>(vnf.EnvironmentId, ct) ?? UnknownEnvironment(vnf.EnvironmentId);
        var trustDomainIds = vnf.Components.Select(c => c.TrustDomainId).Distinct().ToArray();
        var trustDomains = (await session.LoadManyAsync<TrustDomain>(ct, trustDomainIds)).ToDictionary(t => t.Id);

        // Components moved apart from their VNF are judged where they actually run.
        var apartIds = vnf.Components.Select(c => c.EnvironmentId).OfType<Guid>().Where(id => id != environment.Id).Distinct().ToArray();
        var environments = (await session.LoadManyAsync<ExecutionEnvironment>(ct, apartIds)).ToDictionary(e => e.Id);
        environments[environment.Id] = environment;
        var policy = await CurrentPolicyAsync(ct);

        var components = vnf.Components
            .Select(c =>
            {
                var placedIn = environments.GetValueOrDefault(vnf.PlacementOf(c)) ?? UnknownEnvironment(vnf.PlacementOf(c));
                return new ComponentDetails(
                    c,
                    trustDomains.GetValueOrDefault(c.TrustDomainId) ?? UnknownTrustDomain(c.TrustDomainId),
                    Placement.RequiredTrustLevel(c.Sensitivity, policy),
                    Placement.Satisfied(c, placedIn, policy))
                {
                    PlacedIn = placedIn,
                };
            })
            .ToList();
        return new VnfDetails(vnf, environment, components);
    }

    // The policy's required trust levels are the placement rule; without a policy yet, Placement's table applies.
    private async Task<Policy.PolicyDocument?> CurrentPolicyAsync(CancellationToken ct) =>
        (await session.Events.AggregateStreamAsync<Policy.ApprovalPolicy>(Policy.ApprovalPolicy.StreamId, token: ct))?.Document;

    public async Task<IReadOnlyList<ExecutionEnvironment>> ListEnvironmentsAsync(CancellationToken ct = default) =>
        await session.Query<ExecutionEnvironment>().OrderBy(e => e.Name).ThenBy(e => e.Id).ToListAsync(ct);

    public async Task<IReadOnlyList<TrustDomain>> ListTrustDomainsAsync(CancellationToken ct = default) =>
        await session.Query<TrustDomain>().OrderBy(t => t.Name).ThenBy(t => t.Id).ToListAsync(ct);

    public async Task<IReadOnlyDictionary<Guid, (int Vnfs, int Components)>> CountByEnvironmentAsync(CancellationToken ct = default)
    {
        var table = session.DocumentStore.Options.Schema.For<Vnf>();
        // One grouped query; the row comes back as a JSON object Marten deserialises.
        var rows = await session.AdvancedSql.QueryAsync<EnvironmentTally>(
            $"""
            select jsonb_build_object(
                'EnvironmentId', data ->> 'EnvironmentId',
                'Vnfs', count(*),
                'Components', coalesce(sum(jsonb_array_length(data -> 'Components')), 0))
            from {table}
            group by data ->> 'EnvironmentId'
            """,
            ct);
        var counts = rows.ToDictionary(r => r.EnvironmentId, r => (r.Vnfs, r.Components));
        foreach (var environment in await ListEnvironmentsAsync(ct))
            counts.TryAdd(environment.Id, (0, 0));
        return counts;
    }

    internal sealed record EnvironmentTally(Guid EnvironmentId, int Vnfs, int Components);

    internal static IQueryable<Vnf> Filter(IQueryable<Vnf> query, VnfSearch search)
    {
        var text = search.Text?.Trim();
        if (!string.IsNullOrEmpty(text))
        {
            // Types are an enum: match their names here and filter by the matching values in SQL.
            var types = Enum.GetValues<VnfType>().Where(t => t.ToString().Contains(text, StringComparison.OrdinalIgnoreCase)).ToArray();
            query = types.Length == 0
                ? query.Where(x => x.Name.Contains(text, StringComparison.OrdinalIgnoreCase)
                    || x.Vendor.Contains(text, StringComparison.OrdinalIgnoreCase))
                : query.Where(x => x.Name.Contains(text, StringComparison.OrdinalIgnoreCase)
                    || x.Vendor.Contains(text, StringComparison.OrdinalIgnoreCase)
                    || types.Contains(x.Type));
        }

        if (search.Type is { } type)
            query = query.Where(x => x.Type == type);
        if (search.EnvironmentId is { } environmentId)
            query = query.Where(x => x.EnvironmentId == environmentId);
        if (search.TrustDomainId is { } trustDomainId)
            query = query.Where(x => x.Components.Any(c => c.TrustDomainId == trustDomainId));
        if (search.Sensitivity is { } sensitivity)
            query = query.Where(x => x.Components.Any(c => c.Sensitivity == sensitivity));
        return query;
    }

    internal static IQueryable<Vnf> Sort(IQueryable<Vnf> query, VnfSortField field, bool descending)
    {
        IOrderedQueryable<Vnf> ordered = field switch
        {
            VnfSortField.Type => descending ? query.OrderByDescending(x => x.Type) : query.OrderBy(x => x.Type),
            VnfSortField.Vendor => descending ? query.OrderByDescending(x => x.Vendor) : query.OrderBy(x => x.Vendor),
            VnfSortField.HighestSensitivity => descending
                ? query.OrderByDescending(x => x.HighestSensitivityRank)
                : query.OrderBy(x => x.HighestSensitivityRank),
            _ => descending ? query.OrderByDescending(x => x.Name) : query.OrderBy(x => x.Name),
        };
        // Ties break on Name then Id, ascending; when sorting by Name itself, Id follows the chosen direction.
        if (field == VnfSortField.Name)
            return descending ? ordered.ThenByDescending(x => x.Id) : ordered.ThenBy(x => x.Id);
        return ordered.ThenBy(x => x.Name).ThenBy(x => x.Id);
    }

    private async Task<(IReadOnlyList<Vnf> Items, long Total)> PageAsync(
        VnfSearch search, int page, int pageSize, CancellationToken ct)
    {
        var items = await Sort(Filter(session.Query<Vnf>(), search), search.SortBy, search.Descending)
            .Stats(out QueryStatistics stats)
            .Skip((int)Math.Min((long)page * pageSize, int.MaxValue))
            .Take(pageSize)
            .ToListAsync(ct);
        // The total rides on the returned rows; a page past the end has none, so count separately then.
        var total = items.Count == 0 && page > 0 ? await Filter(session.Query<Vnf>(), search).CountAsync(ct) : stats.TotalResults;
        return (items, total);
    }

    /// <summary>
    /// Environment names live in other documents, so SQL cannot order by them directly. There are few environments:
    /// count the matches per environment, walk the environments in name order and fetch only the slices that fall on
    /// the requested page, each ordered by Name then Id in the database.
    /// </summary>
    private static async Task<(IReadOnlyList<Vnf> Items, long Total)> PageByEnvironmentAsync(
        IQueryable<Vnf> filtered, IEnumerable<ExecutionEnvironment> environments, bool descending, int page, int pageSize,
        CancellationToken ct)
    {
        var ordered = environments.OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase).ThenBy(e => e.Id).ToList();
        if (descending)
            ordered.Reverse();

        var counts = new List<(Guid EnvironmentId, int Count)>(ordered.Count);
        foreach (var environment in ordered)
        {
            var id = environment.Id;
            counts.Add((id, await filtered.CountAsync(x => x.EnvironmentId == id, ct)));
        }

        var total = counts.Sum(c => (long)c.Count);
        var skip = (long)page * pageSize;
        var items = new List<Vnf>(pageSize);
        foreach (var (environmentId, count) in counts)
        {
            if (items.Count == pageSize)
                break;
            if (skip >= count)
            {
                skip -= count;
                continue;
            }

            var slice = await Sort(filtered.Where(x => x.EnvironmentId == environmentId), VnfSortField.Name, descending: false)
                .Skip((int)skip)
                .Take(pageSize - items.Count)
                .ToListAsync(ct);
            items.AddRange(slice);
            skip = 0;
        }

        return (items, total);
    }

    private static VnfListItem ToListItem(
        Vnf vnf, IReadOnlyDictionary<Guid, ExecutionEnvironment> environments, IReadOnlyDictionary<Guid, string> trustDomains)
    {
        var environment = environments.GetValueOrDefault(vnf.EnvironmentId) ?? UnknownEnvironment(vnf.EnvironmentId);
        var trustDomainNames = vnf.Components
            .Select(c => trustDomains.GetValueOrDefault(c.TrustDomainId) ?? UnknownName)
            .Distinct()
            .Order(StringComparer.OrdinalIgnoreCase)
            .ToList();
        return new VnfListItem(
            vnf.Id, vnf.Name, vnf.Type, vnf.Vendor, vnf.SoftwareVersion, vnf.EnvironmentId, environment.Name,
            environment.TrustLevel, vnf.HighestSensitivity, vnf.Components.Count, trustDomainNames);
    }

    private const string UnknownName = "(unknown)";

    // Environments and trust domains are never deleted; these placeholders only keep a page readable if one ever is.
    private static ExecutionEnvironment UnknownEnvironment(Guid id) =>
        new(id, UnknownName, EnvironmentKind.PublicCloud, UnknownName, TrustLevel.Untrusted, AttestationStatus.Unknown, null);

    private static TrustDomain UnknownTrustDomain(Guid id) => new(id, UnknownName, UnknownName, string.Empty);
}

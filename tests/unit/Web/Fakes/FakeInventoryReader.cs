using Console.Workflows.Inventory;

namespace Console.UnitTests.Web.Fakes;

/// <summary>
/// Reads an <see cref="InMemoryInventory"/> with the same filter, sort and paging rules as the real reader, and records
/// every search so tests can check what the page asked for.
/// </summary>
public sealed class FakeInventoryReader(InMemoryInventory inventory) : IInventoryReader
{
    private readonly List<VnfSearch> _searches = [];

    public IReadOnlyList<VnfSearch> Searches
    {
        get
        {
            lock (_searches)
                return [.. _searches];
        }
    }

    public VnfSearch LastSearch => Searches[^1];

    /// <summary>When set, every call throws it, as a broken database would.</summary>
    public Exception? Failure { get; set; }

    public Task<PagedResult<VnfListItem>> SearchVnfsAsync(VnfSearch search, CancellationToken ct = default)
    {
        lock (_searches)
            _searches.Add(search);
        ThrowIfFailing();

        var text = search.Text?.Trim();
        IEnumerable<Vnf> query = inventory.Vnfs;
        if (!string.IsNullOrEmpty(text))
        {
            query = query.Where(v => v.Name.Contains(text, StringComparison.OrdinalIgnoreCase)
                || v.Vendor.Contains(text, StringComparison.OrdinalIgnoreCase)
                || v.Type.ToString().Contains(text, StringComparison.OrdinalIgnoreCase));
        }

        if (search.Type is { } type)
            query = query.Where(v => v.Type == type);
        if (search.EnvironmentId is { } environmentId)
            query = query.Where(v => v.EnvironmentId == environmentId);
        if (search.TrustDomainId is { } trustDomainId)
            query = query.Where(v => v.Components.Any(c => c.TrustDomainId == trustDomainId));
        if (search.Sensitivity is { } sensitivity)
            query = query.Where(v => v.Components.Any(c => c.Sensitivity == sensitivity));

        var items = query.Select(ToListItem).ToList();
        IOrderedEnumerable<VnfListItem> sorted = search.SortBy switch
        {
            VnfSortField.Type => Order(items, i => i.Type.ToString(), search.Descending),
            VnfSortField.Vendor => Order(items, i => i.Vendor, search.Descending),
            VnfSortField.Environment => Order(items, i => i.EnvironmentName, search.Descending),
            VnfSortField.HighestSensitivity => search.Descending
                ? items.OrderByDescending(i => i.HighestSensitivity)
                : items.OrderBy(i => i.HighestSensitivity),
            _ => Order(items, i => i.Name, search.Descending),
        };

        var page = Math.Max(0, search.Page);
        var pageSize = Math.Clamp(search.PageSize, 1, 200);
        var pageItems = sorted.ThenBy(i => i.Name, StringComparer.OrdinalIgnoreCase)
            .Skip(page * pageSize).Take(pageSize).ToList();
        return Task.FromResult(new PagedResult<VnfListItem>(pageItems, items.Count, page, pageSize));
    }

    public Task<VnfDetails?> GetVnfAsync(Guid id, CancellationToken ct = default)
    {
        ThrowIfFailing();
        var vnf = inventory.Vnfs.SingleOrDefault(v => v.Id == id);
        if (vnf is null)
            return Task.FromResult<VnfDetails?>(null);

        var environment = inventory.Environment(vnf.EnvironmentId);
        var components = vnf.Components
            .Select(c => new ComponentDetails(
                c, inventory.TrustDomain(c.TrustDomainId), Placement.RequiredTrustLevel(c.Sensitivity), Placement.Satisfied(c, environment)))
            .ToList();
        return Task.FromResult<VnfDetails?>(new VnfDetails(vnf, environment, components));
    }

    public Task<IReadOnlyList<ExecutionEnvironment>> ListEnvironmentsAsync(CancellationToken ct = default)
    {
        ThrowIfFailing();
        return Task.FromResult<IReadOnlyList<ExecutionEnvironment>>(
            [.. inventory.Environments.OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase)]);
    }

    public Task<IReadOnlyList<TrustDomain>> ListTrustDomainsAsync(CancellationToken ct = default)
    {
        ThrowIfFailing();
        return Task.FromResult<IReadOnlyList<TrustDomain>>(
            [.. inventory.TrustDomains.OrderBy(d => d.Name, StringComparer.OrdinalIgnoreCase)]);
    }

    public Task<IReadOnlyDictionary<Guid, (int Vnfs, int Components)>> CountByEnvironmentAsync(CancellationToken ct = default)
    {
        ThrowIfFailing();
        IReadOnlyDictionary<Guid, (int Vnfs, int Components)> counts = inventory.Environments.ToDictionary(
            e => e.Id,
            e => (inventory.Vnfs.Count(v => v.EnvironmentId == e.Id),
                inventory.Vnfs.Where(v => v.EnvironmentId == e.Id).Sum(v => v.Components.Count)));
        return Task.FromResult(counts);
    }

    private VnfListItem ToListItem(Vnf vnf)
    {
        var environment = inventory.Environment(vnf.EnvironmentId);
        return new VnfListItem(
            vnf.Id, vnf.Name, vnf.Type, vnf.Vendor, vnf.SoftwareVersion, vnf.EnvironmentId, environment.Name,
            environment.TrustLevel, vnf.HighestSensitivity, vnf.Components.Count,
            [.. vnf.Components.Select(c => inventory.TrustDomain(c.TrustDomainId).Name).Distinct().Order(StringComparer.OrdinalIgnoreCase)]);
    }

    private static IOrderedEnumerable<VnfListItem> Order(IEnumerable<VnfListItem> items, Func<VnfListItem, string> key, bool descending) =>
        descending ? items.OrderByDescending(key, StringComparer.OrdinalIgnoreCase) : items.OrderBy(key, StringComparer.OrdinalIgnoreCase);

    private void ThrowIfFailing()
    {
        if (Failure is not null)
            throw Failure;
    }
}

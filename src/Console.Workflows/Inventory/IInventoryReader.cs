namespace Console.Workflows.Inventory;

public enum VnfSortField
{
    Name,
    Type,
    Vendor,
    Environment,
    HighestSensitivity,
}

/// <summary>Server-side search, filter, sort and paging of the VNF inventory.</summary>
public sealed record VnfSearch(
    string? Text = null,
    VnfType? Type = null,
    Guid? EnvironmentId = null,
    Guid? TrustDomainId = null,
    Sensitivity? Sensitivity = null,
    VnfSortField SortBy = VnfSortField.Name,
    bool Descending = false,
    int Page = 0,
    int PageSize = 25);

public sealed record VnfListItem(
    Guid Id,
    string Name,
    VnfType Type,
    string Vendor,
    string SoftwareVersion,
    Guid EnvironmentId,
    string EnvironmentName,
    TrustLevel EnvironmentTrustLevel,
    Sensitivity HighestSensitivity,
    int ComponentCount,
    IReadOnlyList<string> TrustDomainNames);

public sealed record PagedResult<T>(IReadOnlyList<T> Items, long TotalCount, int Page, int PageSize);

/// <summary>A VNF with everything its detail page shows, names resolved.</summary>
public sealed record VnfDetails(
    Vnf Vnf,
    ExecutionEnvironment Environment,
    IReadOnlyList<ComponentDetails> Components);

public sealed record ComponentDetails(
    VnfComponent Component,
    TrustDomain TrustDomain,
    TrustLevel RequiredTrustLevel,
    bool PlacementSatisfied)
{
    /// <summary>The environment the component actually runs in (the VNF's unless it was moved apart).</summary>
    public ExecutionEnvironment? PlacedIn { get; init; }
}

/// <summary>Read side of the inventory. Pages depend on this, never on a Marten session.</summary>
public interface IInventoryReader
{
    Task<PagedResult<VnfListItem>> SearchVnfsAsync(VnfSearch search, CancellationToken ct = default);

    Task<VnfDetails?> GetVnfAsync(Guid id, CancellationToken ct = default);

    Task<IReadOnlyList<ExecutionEnvironment>> ListEnvironmentsAsync(CancellationToken ct = default);

    Task<IReadOnlyList<TrustDomain>> ListTrustDomainsAsync(CancellationToken ct = default);

    /// <summary>Per environment: how many VNFs and components run there.</summary>
    Task<IReadOnlyDictionary<Guid, (int Vnfs, int Components)>> CountByEnvironmentAsync(CancellationToken ct = default);
}

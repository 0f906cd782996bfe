using Console.Workflows.Inventory;
using Console.Web.Components.Shared;

namespace Console.Web.Components.Pages.Inventory;

/// <summary>
/// The VNF list's filter, sort and page as they appear in the address bar, so a view can be shared and deep-linked.
/// Parsing never throws: a value that cannot be read is treated as absent.
/// </summary>
public sealed record VnfListQuery(
    string? Text = null,
    VnfType? Type = null,
    Guid? EnvironmentId = null,
    Guid? TrustDomainId = null,
    Sensitivity? Sensitivity = null,
    VnfSortField SortBy = VnfSortField.Name,
    bool Descending = false,
    int Page = 0,
    int PageSize = VnfListQuery.DefaultPageSize)
{
    public const string Path = "/inventory";
    public const int DefaultPageSize = 25;
    public static readonly IReadOnlyList<int> PageSizes = [10, 25, 50];

    public static VnfListQuery Parse(string uri)
    {
        var query = AddressQuery.Of(uri);
        return new VnfListQuery(
            query.Text("q"),
            query.Enum<VnfType>("type"),
            query.Id("env"),
            query.Id("domain"),
            query.Enum<Sensitivity>("sensitivity"),
            query.Enum<VnfSortField>("sort") ?? VnfSortField.Name,
            query.Flag("desc") ?? false,
            query.Page(),
            query.PageSize(PageSizes, DefaultPageSize));
    }

    /// <summary>The relative address of this view; values at their default are left out to keep links short.</summary>
    public string ToUri()
    {
        var address = new AddressBuilder(Path)
            .Add("q", Text)
            .Add("type", Type?.ToString())
            .Add("env", EnvironmentId?.ToString())
            .Add("domain", TrustDomainId?.ToString())
            .Add("sensitivity", Sensitivity?.ToString());
        if (SortBy != VnfSortField.Name || Descending)
            address.Add("sort", SortBy.ToString()).Add("desc", Descending ? "true" : "false");
        return address.Add("page", Page, 0).Add("size", PageSize, DefaultPageSize).Build();
    }

    public VnfSearch ToSearch() =>
        new(Text, Type, EnvironmentId, TrustDomainId, Sensitivity, SortBy, Descending, Page, PageSize);

    /// <summary>The list filtered by one environment, for links from elsewhere.</summary>
    public static string ForEnvironment(Guid environmentId) => new VnfListQuery(EnvironmentId: environmentId).ToUri();

    /// <summary>The list filtered by one trust domain, for links from elsewhere.</summary>
    public static string ForTrustDomain(Guid trustDomainId) => new VnfListQuery(TrustDomainId: trustDomainId).ToUri();
}

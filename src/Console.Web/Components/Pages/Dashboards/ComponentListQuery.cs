using Console.Web.Components.Shared;
using Console.Workflows.Dashboards;

namespace Console.Web.Components.Pages.Dashboards;

/// <summary>
/// The placement drill-down as it appears in the address bar: <c>/dashboards/violations</c> lists every component below
/// its required trust level; <c>?domain=&lt;id&gt;&amp;env=&lt;id&gt;&amp;all=true</c> lists every component of one matrix
/// cell; <c>sort</c>, <c>desc</c>, <c>page</c>, <c>size</c> as elsewhere.
/// </summary>
public sealed record ComponentListQuery(
    bool All = false,
    Guid? TrustDomainId = null,
    Guid? EnvironmentId = null,
    ComponentSortField SortBy = ComponentSortField.Vnf,
    bool Descending = false,
    int Page = 0,
    int PageSize = ComponentListQuery.DefaultPageSize)
{
    public const string Path = "/dashboards/violations";
    public const int DefaultPageSize = 25;
    public static readonly IReadOnlyList<int> PageSizes = [10, 25, 50, 100];

    public static ComponentListQuery Parse(string uri)
    {
        var query = AddressQuery.Of(uri);
        return new ComponentListQuery(
            query.Flag("all") ?? false,
            query.Id("domain"),
            query.Id("env"),
            query.Enum<ComponentSortField>("sort") ?? ComponentSortField.Vnf,
            query.Flag("desc") ?? false,
            query.Page(),
            query.PageSize(PageSizes, DefaultPageSize));
    }

    public string ToUri()
    {
        var address = new AddressBuilder(Path)
            .Add("domain", TrustDomainId?.ToString())
            .Add("env", EnvironmentId?.ToString())
            .Add("all", All ? "true" : null);
        if (SortBy != ComponentSortField.Vnf || Descending)
            address.Add("sort", SortBy.ToString()).Add("desc", Descending ? "true" : null);
        return address.Add("page", Page, 0).Add("size", PageSize, DefaultPageSize).Build();
    }

    public ComponentListRequest ToRequest() => new(!All, TrustDomainId, EnvironmentId, SortBy, Descending, Page, PageSize);
}

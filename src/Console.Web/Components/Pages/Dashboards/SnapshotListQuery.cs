using Console.Web.Components.Shared;
using Console.Workflows.Dashboards;
using Console.Workflows.Dashboards.Lists;
using Console.Workflows.Inventory;

namespace Console.Web.Components.Pages.Dashboards;

/// <summary>
/// A drill-down list of snapshots as it appears in the address bar, so the view behind a figure can be shared:
/// <c>/dashboards/snapshots?window=7d</c> (expiring within 7 days), <c>?show=overdue</c>, <c>?show=protected</c>,
/// <c>?show=age&amp;age=OneToThreeDays&amp;sensitivity=Critical</c>, <c>?show=domain&amp;domain=&lt;id&gt;</c>, with
/// <c>sort</c>, <c>desc</c>, <c>page</c> and <c>size</c>. Parsing never throws: what cannot be read takes its default.
/// </summary>
public sealed record SnapshotListQuery(
    SnapshotListKind Kind = SnapshotListKind.Expiring,
    ExpiryWindow Window = ExpiryWindow.Within7Days,
    AgeBucket Age = AgeBucket.UnderOneDay,
    Sensitivity? Sensitivity = null,
    Guid? TrustDomainId = null,
    SnapshotSortField? SortBy = null,
    bool Descending = false,
    int Page = 0,
    int PageSize = SnapshotListQuery.DefaultPageSize)
{
    public const string Path = "/dashboards/snapshots";
    public const int DefaultPageSize = 25;
    public static readonly IReadOnlyList<int> PageSizes = [10, 25, 50, 100];

    /// <summary>What the list is sorted by when the address does not say: what its figure is about.</summary>
    public SnapshotSortField EffectiveSort => SortBy ?? Kind switch
    {
        SnapshotListKind.Expiring or SnapshotListKind.Overdue or SnapshotListKind.ProtectedPastExpiry => SnapshotSortField.ExpiresAt,
        _ => SnapshotSortField.CompletedAt,
    };

    public static SnapshotListQuery Parse(string uri)
    {
        var query = AddressQuery.Of(uri);
        var window = WindowFrom(query.Text("window"));
        var kind = query.Text("show")?.ToLowerInvariant() switch
        {
            "expiring" => SnapshotListKind.Expiring,
            "overdue" => SnapshotListKind.Overdue,
            "protected" => SnapshotListKind.ProtectedPastExpiry,
            "age" => SnapshotListKind.Age,
            "domain" when query.Id("domain") is not null => SnapshotListKind.TrustDomain,
            _ => SnapshotListKind.Expiring,
        };
        // An order the list does not offer (SnapshotListSorts) takes the list's own, as anything else unreadable does.
        var sort = query.Enum<SnapshotSortField>("sort") is { } field && SnapshotListSorts.IsOffered(kind, field) ? field : (SnapshotSortField?)null;
        return new SnapshotListQuery(
            kind,
            window ?? ExpiryWindow.Within7Days,
            query.Enum<AgeBucket>("age") ?? AgeBucket.UnderOneDay,
            query.Enum<Sensitivity>("sensitivity"),
            query.Id("domain"),
            sort,
            query.Flag("desc") ?? false,
            query.Page(),
            query.PageSize(PageSizes, DefaultPageSize));
    }

    public string ToUri()
    {
        var address = new AddressBuilder(Path);
        switch (Kind)
        {
            case SnapshotListKind.Expiring:
                address.Add("window", WindowToken(Window));
                break;
            case SnapshotListKind.Overdue:
                address.Add("show", "overdue");
                break;
            case SnapshotListKind.ProtectedPastExpiry:
                address.Add("show", "protected");
                break;
            case SnapshotListKind.Age:
                address.Add("show", "age").Add("age", Age.ToString()).Add("sensitivity", Sensitivity?.ToString());
                break;
            case SnapshotListKind.TrustDomain:
                address.Add("show", "domain").Add("domain", TrustDomainId?.ToString()).Add("sensitivity", Sensitivity?.ToString());
                break;
        }

        if (SortBy is { } sort)
            address.Add("sort", sort.ToString()).Add("desc", Descending ? "true" : null);
        return address.Add("page", Page, 0).Add("size", PageSize, DefaultPageSize).Build();
    }

    /// <summary>The reader's request; only what the kind of list uses is passed on.</summary>
    public SnapshotListRequest ToRequest() =>
        new(Kind, Window, Kind == SnapshotListKind.Age ? Age : null,
            Kind is SnapshotListKind.Age or SnapshotListKind.TrustDomain ? Sensitivity : null,
            Kind == SnapshotListKind.TrustDomain ? TrustDomainId : null,
            EffectiveSort, SortBy is null ? DefaultDescending : Descending, Page, PageSize);

    // Overdue and held snapshots are most interesting oldest-expiry first; ages newest first.
    private bool DefaultDescending => Kind is SnapshotListKind.Age or SnapshotListKind.TrustDomain;

    public static string WindowToken(ExpiryWindow window) => window == ExpiryWindow.Within24Hours ? "24h" : "7d";

    private static ExpiryWindow? WindowFrom(string? token) => token?.ToLowerInvariant() switch
    {
        "24h" => ExpiryWindow.Within24Hours,
        "7d" => ExpiryWindow.Within7Days,
        _ => null,
    };
}

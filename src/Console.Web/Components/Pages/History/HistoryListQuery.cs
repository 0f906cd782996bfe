using System.Globalization;
using Console.Web.Components.Shared;
using Console.Workflows.Audit.History;

namespace Console.Web.Components.Pages.History;

/// <summary>
/// The history page's filters, sort and page as they appear in the address bar
/// (<c>/history?vnf=…&amp;domain=…&amp;from=2026-01-01&amp;q=power&amp;page=2</c>), so views can be shared and the export
/// link carries exactly the filters on screen. Parsing never throws: a value that cannot be read is treated as absent.
/// </summary>
public sealed record HistoryListQuery(
    string? Text = null,
    DateOnly? From = null,
    DateOnly? To = null,
    Guid? VnfId = null,
    Guid? TrustDomainId = null,
    Guid? EnvironmentId = null,
    string? ActorId = null,
    string? EventType = null,
    HistoryCategory? Category = null,
    Guid? RequestId = null,
    HistorySortField SortBy = HistorySortField.Time,
    bool Descending = true,
    int Page = 0,
    int PageSize = HistoryListQuery.DefaultPageSize)
{
    public const string Path = "/history";
    public const string ExportPath = "/history/export";
    public const int DefaultPageSize = 50;
    public static readonly IReadOnlyList<int> PageSizes = [25, 50, 100];

    public bool HasFilter => !ToFilter().IsEmpty;

    /// <summary>No filters, keeping how the list is sorted and paged.</summary>
    public HistoryListQuery Cleared => new(SortBy: SortBy, Descending: Descending, PageSize: PageSize);

    public static HistoryListQuery Parse(string uri)
    {
        var query = AddressQuery.Of(uri);
        return new HistoryListQuery(
            query.Text("q"),
            query.Date("from"),
            query.Date("to"),
            query.Id("vnf"),
            query.Id("domain"),
            query.Id("env"),
            query.Text("actor"),
            query.Text("type"),
            query.Enum<HistoryCategory>("category"),
            query.Id("request"),
            query.Enum<HistorySortField>("sort") ?? HistorySortField.Time,
            query.Flag("desc") ?? true,
            query.Page(),
            query.PageSize(PageSizes, DefaultPageSize));
    }

    /// <summary>The relative address of this view; values at their default are left out.</summary>
    public string ToUri() => Filters(new AddressBuilder(Path)).Add("page", Page, 0).Add("size", PageSize, DefaultPageSize).Build();

    /// <summary>The download of this filtered set, in the order on screen (all pages).</summary>
    public string ToExportUri(string format) => Filters(new AddressBuilder(ExportPath).Add("format", format)).Build();

    /// <summary>The server-side filter; dates are whole UTC days, "to" included.</summary>
    public HistoryFilter ToFilter() => new(
        From is { } from ? new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
        To is { } to ? new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
        VnfId, TrustDomainId, EnvironmentId, ActorId, EventType, Category, RequestId, Text);

    public HistoryQuery ToQuery() => new(ToFilter(), SortBy, Descending, Page, PageSize);

    private AddressBuilder Filters(AddressBuilder address)
    {
        address
            .Add("q", Text)
            .Add("from", From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
            .Add("to", To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
            .Add("vnf", VnfId?.ToString())
            .Add("domain", TrustDomainId?.ToString())
            .Add("env", EnvironmentId?.ToString())
            .Add("actor", ActorId)
            .Add("type", EventType)
            .Add("category", Category?.ToString())
            .Add("request", RequestId?.ToString());
        if (SortBy != HistorySortField.Time || !Descending)
            address.Add("sort", SortBy.ToString()).Add("desc", Descending ? "true" : "false");
        return address;
    }
}

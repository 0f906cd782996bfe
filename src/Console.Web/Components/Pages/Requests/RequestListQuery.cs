using System.Globalization;
using Console.Workflows.Requests;
using Console.Web.Components.Shared;

namespace Console.Web.Components.Pages.Requests;

/// <summary>
/// The request list's filters, sort and page as they appear in the address bar
/// (<c>/requests?status=PendingApproval&amp;kind=Migration&amp;q=udm&amp;mine=true&amp;page=0</c>), so views can be shared.
/// Parsing never throws: a value that cannot be read is treated as absent.
/// </summary>
public sealed record RequestListQuery(
    string? Text = null,
    RequestKind? Kind = null,
    RequestStatus? Status = null,
    Guid? VnfId = null,
    bool Mine = false,
    DateOnly? From = null,
    DateOnly? To = null,
    RequestSortField SortBy = RequestSortField.SubmittedAt,
    bool Descending = true,
    int Page = 0,
    int PageSize = RequestListQuery.DefaultPageSize)
{
    public const string Path = "/requests";
    public const int DefaultPageSize = 25;
    public static readonly IReadOnlyList<int> PageSizes = [10, 25, 50];

    public bool HasFilter => Text is not null || Kind is not null || Status is not null || VnfId is not null || Mine || From is not null || To is not null;

    public static RequestListQuery Parse(string uri)
    {
        var query = AddressQuery.Of(uri);
        return new RequestListQuery(
            query.Text("q"),
            query.Enum<RequestKind>("kind"),
            query.Enum<RequestStatus>("status"),
            query.Id("vnf"),
            query.Flag("mine") ?? false,
            query.Date("from"),
            query.Date("to"),
            query.Enum<RequestSortField>("sort") ?? RequestSortField.SubmittedAt,
            query.Flag("desc") ?? true,
            query.Page(),
            query.PageSize(PageSizes, DefaultPageSize));
    }

    /// <summary>The relative address of this view; values at their default are left out.</summary>
    public string ToUri()
    {
        var address = new AddressBuilder(Path)
            .Add("q", Text)
            .Add("kind", Kind?.ToString())
            .Add("status", Status?.ToString())
            .Add("vnf", VnfId?.ToString())
            .Add("mine", Mine ? "true" : null)
            .Add("from", From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
            .Add("to", To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (SortBy != RequestSortField.SubmittedAt || !Descending)
            address.Add("sort", SortBy.ToString()).Add("desc", Descending ? "true" : "false");
        return address.Add("page", Page, 0).Add("size", PageSize, DefaultPageSize).Build();
    }

    /// <summary>The server-side search; "mine" becomes the signed-in person's id, the dates whole UTC days.</summary>
    public RequestSearch ToSearch(string userId) => new(
        Text, Kind, Status, VnfId, Mine ? userId : null,
        From is { } from ? new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
        To is { } to ? new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
        SortBy, Descending, Page, PageSize);
}

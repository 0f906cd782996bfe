using System.Globalization;
using Console.Workflows.Requests;
using Microsoft.AspNetCore.WebUtilities;

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
        var queryStart = uri.IndexOf('?', StringComparison.Ordinal);
        if (queryStart < 0)
            return new RequestListQuery();

        var fragment = uri.IndexOf('#', queryStart);
        var query = QueryHelpers.ParseQuery(fragment < 0 ? uri[queryStart..] : uri[queryStart..fragment]);
        string? Get(string key) => query.TryGetValue(key, out var v) ? v.ToString() : null;

        var text = Get("q")?.Trim();
        return new RequestListQuery(
            string.IsNullOrEmpty(text) ? null : text,
            EnumOrNull<RequestKind>(Get("kind")),
            EnumOrNull<RequestStatus>(Get("status")),
            Guid.TryParse(Get("vnf"), out var vnf) && vnf != Guid.Empty ? vnf : null,
            bool.TryParse(Get("mine"), out var mine) && mine,
            DateOrNull(Get("from")),
            DateOrNull(Get("to")),
            EnumOrNull<RequestSortField>(Get("sort")) ?? RequestSortField.SubmittedAt,
            !bool.TryParse(Get("desc"), out var desc) || desc,
            int.TryParse(Get("page"), out var page) && page >= 0 ? page : 0,
            int.TryParse(Get("size"), out var size) && PageSizes.Contains(size) ? size : DefaultPageSize);
    }

    /// <summary>The relative address of this view; values at their default are left out.</summary>
    public string ToUri()
    {
        var parameters = new List<KeyValuePair<string, string?>>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
                parameters.Add(new(key, value));
        }

        Add("q", Text);
        Add("kind", Kind?.ToString());
        Add("status", Status?.ToString());
        Add("vnf", VnfId?.ToString());
        Add("mine", Mine ? "true" : null);
        Add("from", From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("to", To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (SortBy != RequestSortField.SubmittedAt || !Descending)
        {
            Add("sort", SortBy.ToString());
            Add("desc", Descending ? "true" : "false");
        }

        if (Page > 0)
            Add("page", Page.ToString(CultureInfo.InvariantCulture));
        if (PageSize != DefaultPageSize)
            Add("size", PageSize.ToString(CultureInfo.InvariantCulture));
        return QueryHelpers.AddQueryString(Path, parameters);
    }

    /// <summary>The server-side search; "mine" becomes the signed-in person's id, the dates whole UTC days.</summary>
    public RequestSearch ToSearch(string userId) => new(
        Text, Kind, Status, VnfId, Mine ? userId : null,
        From is { } from ? new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
        To is { } to ? new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
        SortBy, Descending, Page, PageSize);

    private static TEnum? EnumOrNull<TEnum>(string? value)
        where TEnum : struct, Enum =>
        Enum.TryParse<TEnum>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(value, out _) ? parsed : null;

    private static DateOnly? DateOrNull(string? value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
}

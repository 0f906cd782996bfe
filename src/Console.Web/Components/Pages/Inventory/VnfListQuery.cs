using Console.Workflows.Inventory;
using Microsoft.AspNetCore.WebUtilities;

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
        var queryStart = uri.IndexOf('?', StringComparison.Ordinal);
        if (queryStart < 0)
            return new VnfListQuery();

        var fragment = uri.IndexOf('#', queryStart);
        var query = QueryHelpers.ParseQuery(fragment < 0 ? uri[queryStart..] : uri[queryStart..fragment]);
        string? Get(string key) => query.TryGetValue(key, out var v) ? v.ToString() : null;

        var text = Get("q")?.Trim();
        var page = int.TryParse(Get("page"), out var p) && p >= 0 ? p : 0;
        var size = int.TryParse(Get("size"), out var s) && PageSizes.Contains(s) ? s : DefaultPageSize;
        return new VnfListQuery(
            string.IsNullOrEmpty(text) ? null : text,
            EnumOrNull<VnfType>(Get("type")),
            GuidOrNull(Get("env")),
            GuidOrNull(Get("domain")),
            EnumOrNull<Sensitivity>(Get("sensitivity")),
            EnumOrNull<VnfSortField>(Get("sort")) ?? VnfSortField.Name,
            bool.TryParse(Get("desc"), out var d) && d,
            page,
            size);
    }

    /// <summary>The relative address of this view; values at their default are left out to keep links short.</summary>
    public string ToUri()
    {
        var parameters = new List<KeyValuePair<string, string?>>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
                parameters.Add(new(key, value));
        }

        Add("q", Text);
        Add("type", Type?.ToString());
        Add("env", EnvironmentId?.ToString());
        Add("domain", TrustDomainId?.ToString());
        Add("sensitivity", Sensitivity?.ToString());
        if (SortBy != VnfSortField.Name || Descending)
        {
            Add("sort", SortBy.ToString());
            Add("desc", Descending ? "true" : "false");
        }

        if (Page > 0)
            Add("page", Page.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (PageSize != DefaultPageSize)
            Add("size", PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return QueryHelpers.AddQueryString(Path, parameters);
    }

    public VnfSearch ToSearch() =>
        new(Text, Type, EnvironmentId, TrustDomainId, Sensitivity, SortBy, Descending, Page, PageSize);

    /// <summary>The list filtered by one environment, for links from elsewhere.</summary>
    public static string ForEnvironment(Guid environmentId) => new VnfListQuery(EnvironmentId: environmentId).ToUri();

    /// <summary>The list filtered by one trust domain, for links from elsewhere.</summary>
    public static string ForTrustDomain(Guid trustDomainId) => new VnfListQuery(TrustDomainId: trustDomainId).ToUri();

    private static TEnum? EnumOrNull<TEnum>(string? value)
        where TEnum : struct, Enum =>
        // Enum.TryParse accepts numbers too; only defined names and values count.
        Enum.TryParse<TEnum>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed : null;

    private static Guid? GuidOrNull(string? value) =>
        Guid.TryParse(value, out var id) && id != Guid.Empty ? id : null;
}

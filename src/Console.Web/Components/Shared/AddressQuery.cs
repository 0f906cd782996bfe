using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Console.Web.Components.Shared;

/// <summary>
/// Reads a list page's filters from its address and writes them back, for views that can be shared and deep-linked.
/// Reading never throws: a value that cannot be read is treated as absent.
/// </summary>
public sealed class AddressQuery
{
    private readonly Dictionary<string, StringValues> _values;

    private AddressQuery(Dictionary<string, StringValues> values) => _values = values;

    public static AddressQuery Of(string uri)
    {
        var queryStart = uri.IndexOf('?', StringComparison.Ordinal);
        if (queryStart < 0)
            return new AddressQuery([]);

        var fragment = uri.IndexOf('#', queryStart);
        return new AddressQuery(QueryHelpers.ParseQuery(fragment < 0 ? uri[queryStart..] : uri[queryStart..fragment]));
    }

    public string? Get(string key) => _values.TryGetValue(key, out var v) ? v.ToString() : null;

    public string? Text(string key) => Get(key)?.Trim() is { Length: > 0 } text ? text : null;

    /// <summary>A defined name of the enum (numbers are not accepted, so links stay readable).</summary>
    public TEnum? Enum<TEnum>(string key)
        where TEnum : struct, Enum =>
        Get(key) is { } value && !int.TryParse(value, out _)
            && System.Enum.TryParse<TEnum>(value, ignoreCase: true, out var parsed) && System.Enum.IsDefined(parsed)
            ? parsed
            : null;

    public Guid? Id(string key) => Guid.TryParse(Get(key), out var id) && id != Guid.Empty ? id : null;

    public bool? Flag(string key) => bool.TryParse(Get(key), out var flag) ? flag : null;

    public DateOnly? Date(string key) =>
        DateOnly.TryParseExact(Get(key), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    public int Page(string key = "page") => int.TryParse(Get(key), out var page) && page >= 0 ? page : 0;

    public int PageSize(IReadOnlyList<int> allowed, int fallback, string key = "size") =>
        int.TryParse(Get(key), out var size) && allowed.Contains(size) ? size : fallback;
}

/// <summary>Builds a list page's address, leaving out values at their default to keep links short.</summary>
public sealed class AddressBuilder(string path)
{
    private readonly List<KeyValuePair<string, string?>> _parameters = [];

    public AddressBuilder Add(string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
            _parameters.Add(new(key, value));
        return this;
    }

    public AddressBuilder Add(string key, int value, int fallback) =>
        value == fallback ? this : Add(key, value.ToString(CultureInfo.InvariantCulture));

    public string Build() => QueryHelpers.AddQueryString(path, _parameters);
}

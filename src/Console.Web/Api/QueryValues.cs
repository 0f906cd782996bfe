using System.Globalization;

namespace Console.Web.Api;

/// <summary>
/// Strict readers for query-string values: the API tells the caller about a value it cannot read instead of quietly
/// ignoring it as the pages' address bar does.
/// </summary>
public static class QueryValues
{
    public static TEnum? Enum<TEnum>(string? value, string field, ApiFieldErrors errors)
        where TEnum : struct, System.Enum
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        // Enum.TryParse accepts numbers and undefined values; only the documented names count.
        var name = System.Enum.GetNames<TEnum>().FirstOrDefault(n => string.Equals(n, value.Trim(), StringComparison.OrdinalIgnoreCase));
        if (name is null)
        {
            errors.Add(field, $"Use one of: {string.Join(", ", System.Enum.GetNames<TEnum>())}.");
            return null;
        }

        return System.Enum.Parse<TEnum>(name);
    }

    public static Guid? Id(string? value, string field, ApiFieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (Guid.TryParse(value.Trim(), out var id) && id != Guid.Empty)
        {
            return id;
        }

        errors.Add(field, "Use an id (a GUID).");
        return null;
    }

    public static bool? Flag(string? value, string field, ApiFieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (bool.TryParse(value.Trim(), out var flag))
        {
            return flag;
        }

        errors.Add(field, "Use true or false.");
        return null;
    }

    public static int? Number(string? value, string field, int min, int max, ApiFieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
        {
            return number;
        }

        errors.Add(field, $"Use a whole number from {min} to {max}.");
        return null;
    }

    /// <summary>
    /// How far into a list a page may reach: far more than a person pages through (search or export instead), and
    /// small enough that page x size never overflows where a reader computes the offset.
    /// </summary>
    public const int MaxReachableRows = 1_000_000;

    /// <summary>
    /// The page and page size of every list endpoint: the size from 1 to <paramref name="maxSize"/>, and the page no
    /// further than <paramref name="maxRows"/> rows in. Out of range is a 400 naming the parameter, never a 500 from a
    /// query that cannot run.
    /// </summary>
    public static (int Page, int Size) Paging(
        string? page, string? size, ApiFieldErrors errors, int defaultSize, int maxSize,
        int firstPage = 0, string pageField = "page", string sizeField = "size", int maxRows = MaxReachableRows)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var pageSize = Number(size, sizeField, 1, maxSize, errors) ?? defaultSize;
        var lastPage = firstPage + Math.Max(1, maxRows / pageSize) - 1;
        var number = Number(page, pageField, firstPage, lastPage, errors) ?? firstPage;
        return (number, pageSize);
    }

    public static DateTimeOffset? Instant(string? value, string field, ApiFieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(value.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return at;
        }

        errors.Add(field, "Use an ISO 8601 date and time, e.g. 2026-05-01T00:00:00Z.");
        return null;
    }

    public static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

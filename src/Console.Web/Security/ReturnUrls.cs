using System.Globalization;

namespace Console.Web.Security;

/// <summary>
/// Where the console may send a person after sign-in: only a path on this console. Anything a browser could turn into
/// another origin is refused, raw or percent-encoded: <c>//host</c>, <c>/\host</c>, <c>/\t/host</c> (browsers drop tabs
/// and line breaks from URLs), absolute URLs, <c>javascript:</c>.
/// </summary>
public static class ReturnUrls
{
    public const int MaxLength = 2048;

    private static readonly Uri Probe = new("https://console.invalid/");

    /// <summary><paramref name="url"/> when it is a safe local path, otherwise "/".</summary>
    public static string SafeLocal(string? url) => IsSafeLocal(url) ? url! : "/";

    public static bool IsSafeLocal(string? url)
    {
        if (string.IsNullOrEmpty(url) || url.Length > MaxLength || url.Any(IsInvisible))
            return false;

        // The path must be safe as written and after each round of percent-decoding a careless hop might apply.
        var path = url.Split('?', '#')[0];
        for (var round = 0; round < 4; round++)
        {
            if (!IsSafePath(path))
                return false;
            var decoded = Uri.UnescapeDataString(path);
            if (decoded == path)
                break;
            path = decoded;
        }

        // Finally resolve it as a browser would against some origin: it must stay on that origin.
        return Uri.TryCreate(Probe, url, out var resolved)
            && resolved.Scheme == Probe.Scheme && resolved.Authority == Probe.Authority;
    }

    private static bool IsSafePath(string path) =>
        path.Length > 0 && path[0] == '/'
        && (path.Length == 1 || (path[1] != '/' && path[1] != '\\'))
        && !path.Contains('\\', StringComparison.Ordinal)
        && !path.Any(IsInvisible);

    // Control characters (tab, CR, LF, NUL ...), spaces and invisible format characters: browsers strip or reinterpret them.
    private static bool IsInvisible(char c) =>
        char.IsControl(c) || char.IsWhiteSpace(c)
        || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}

namespace Console.Web.Api;

/// <summary>
/// Optimistic concurrency over HTTP: resources carry their version as a strong ETag (<c>"7"</c>); commands send it back
/// in <c>If-Match</c> (or as expectedVersion in the body) and a stale one is answered with 412.
/// </summary>
public static class Preconditions
{
    public static string ETagFor(int version) => $"\"{version.ToString(System.Globalization.CultureInfo.InvariantCulture)}\"";

    /// <summary>
    /// The version the client expects, from the If-Match header or the body's field. Both may be sent if they agree;
    /// neither is answered with 428, anything unreadable with 400.
    /// </summary>
    public static ExpectedVersion Resolve(string? ifMatch, int? fromBody, string bodyField, string resourcePath)
    {
        int? fromHeader = null;
        if (!string.IsNullOrWhiteSpace(ifMatch))
        {
            var tag = ifMatch.Trim();
            if (!TryParseETag(tag, out var version))
            {
                return ExpectedVersion.Refused(ApiResults.Invalid(
                    new Dictionary<string, string[]>
                    {
                        ["If-Match"] = [$"Send exactly one strong entity tag as GET {resourcePath} returned it in ETag, e.g. If-Match: \"3\"; \"{tag}\" is not one."],
                    },
                    "The If-Match header cannot be read."));
            }

            fromHeader = version;
        }

        if (fromHeader is { } h && fromBody is { } b && h != b)
        {
            return ExpectedVersion.Refused(ApiResults.InvalidField(
                bodyField, $"If-Match says version {h} but {bodyField} says {b}; send one of them."));
        }

        if ((fromHeader ?? fromBody) is { } expected)
        {
            return expected < 0
                ? ExpectedVersion.Refused(ApiResults.InvalidField(bodyField, "A version is never negative."))
                : ExpectedVersion.Is(expected);
        }

        return ExpectedVersion.Refused(ApiResults.Problem(
            StatusCodes.Status428PreconditionRequired,
            "Say which version you acted on",
            $"Send If-Match with the ETag of GET {resourcePath} (or {bodyField} in the body), so a change someone else made in the meantime is not overwritten."));
    }

    /// <summary>Reads <c>"7"</c>. Weak tags, lists and <c>*</c> are refused: the command must name the version it saw.</summary>
    public static bool TryParseETag(string tag, out int version)
    {
        version = 0;
        return tag.Length >= 3 && tag[0] == '"' && tag[^1] == '"'
            && int.TryParse(tag.AsSpan(1, tag.Length - 2), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out version);
    }
}

/// <summary>Either the version to act on or the problem to answer with.</summary>
public sealed record ExpectedVersion(int Value, IResult? Problem)
{
    public static ExpectedVersion Is(int value) => new(value, null);

    public static ExpectedVersion Refused(IResult problem) => new(-1, problem);
}

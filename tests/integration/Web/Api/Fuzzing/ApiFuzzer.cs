using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Npgsql;

namespace Console.IntegrationTests.Web.Api.Fuzzing;

/// <summary>One API endpoint as the app maps it: its route pattern and methods.</summary>
public sealed record ApiEndpoint(string Pattern, IReadOnlyList<string> Methods, IReadOnlyList<RoutePatternParameterPart> Parameters)
{
    public override string ToString() => $"{string.Join('|', Methods)} {Pattern}";

    /// <summary>Every endpoint under /api, read from the app's endpoint data source, so new endpoints are fuzzed too.</summary>
    public static IReadOnlyList<ApiEndpoint> All(EndpointDataSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return [.. source.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && raw.StartsWith("/api", StringComparison.OrdinalIgnoreCase))
            .Select(e => new ApiEndpoint(
                e.RoutePattern.RawText!,
                e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } methods ? [.. methods] : ["GET", "POST", "PUT", "DELETE"],
                [.. e.RoutePattern.Parameters]))
            .OrderBy(e => e.Pattern, StringComparer.Ordinal)];
    }
}

/// <summary>One generated call: method, path with route values, query string, body and its content type, headers.</summary>
public sealed record FuzzCase(
    string Method, string Path, string Query, byte[]? Body, string? ContentType, string? IfMatch, bool Authenticated, string Endpoint)
{
    public override string ToString()
    {
        var body = Body is null ? "(no body)" : Encoding.UTF8.GetString(Body);
        if (body.Length > 300)
            body = body[..300] + $"… ({Body!.Length} bytes)";
        return $"{Method} {Path}{Query} [{ContentType ?? "no content type"}; If-Match {IfMatch ?? "none"}; "
            + $"{(Authenticated ? "signed in" : "anonymous")}; endpoint {Endpoint}] {body}";
    }
}

/// <summary>
/// FsCheck generators for hostile input to the API: random, truncated and mistyped JSON, huge strings, control
/// characters, random query strings and route values; and the runner that checks what the console does with them.
/// </summary>
public static class ApiFuzzer
{
    private static readonly string[] Keys =
    [
        "kind", "vnfId", "componentIds", "targetEnvironmentId", "snapshotId", "justification", "window", "start", "end",
        "reason", "comment", "contentDigest", "expectedVersion", "version", "name", "trustLevel", "sensitivity", "type",
        "vendor", "softwareVersion", "environmentId", "trustDomainId", "ownerGroup", "description", "location", "status",
        "components", "document", "rules", "until", "days", "pinned", "hold", "purpose", "subjectVnfId", "id", "requesterId",
    ];

    private static readonly string[] QueryKeys =
    [
        "q", "kind", "status", "vnf", "vnfId", "requester", "from", "to", "sort", "desc", "page", "size", "pageSize", "type",
        "env", "domain", "sensitivity", "category", "actor", "request", "format", "mine", "limit",
    ];

    private static readonly string[] Words =
    [
        "Snapshot", "Migration", "SnapshotDeletion", "Restore", "Pause", "Critical", "Public", "High", "Untrusted", "AMF", "UPF",
        "PendingApproval", "WindowMissed", "true", "false", "null", "csv", "json", "name", "desc", "SubmittedAt", "Approval",
        "2026-12-03T10:00:00Z", "2026-13-45T99:99:99Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "00000000-0000-0000-0000-000000000000",
        "0", "1", "-1", "25", "100", "101", "2147483647", "-2147483648", "2147483648", "99999999999999999999", "1e308", "1e309", "NaN",
        "Infinity", "0x10", "1.5", " 5 ", "٣", "", " ", "=cmd|' /C calc'!A0", "<script>alert(1)</script>", "'; drop table mt_events; --",
        "../../etc/passwd", "%00", "\u0000", "\t\r\n", "\u202e", "😀", "\ud800",
    ];

    public static Gen<FuzzCase> Cases(IReadOnlyList<ApiEndpoint> endpoints, IReadOnlyList<Guid> knownIds) =>
        from endpoint in Gen.Elements(endpoints.ToArray())
        from method in Gen.Frequency(
            (9, Gen.Elements(endpoint.Methods.ToArray())),
            (1, Gen.Elements("GET", "POST", "PUT", "DELETE", "PATCH")))
        from path in PathFor(endpoint, knownIds)
        from query in QueryString()
        from body in Body(knownIds)
        from ifMatch in Gen.Frequency(
            (6, Gen.Constant<string?>(null)),
            (3, Gen.Elements<string?>("\"1\"", "\"0\"", "W/\"1\"", "*", "\"2147483648\"", "garbage", "\"-1\"", "\"\"", "\"1\", \"2\"")),
            (1, Text().Select(t => (string?)t)))
        from authenticated in Gen.Frequency((12, Gen.Constant(true)), (1, Gen.Constant(false)))
        select new FuzzCase(method, path, query, body.Bytes, body.ContentType, ifMatch, authenticated, endpoint.ToString());

    private static Gen<string> PathFor(ApiEndpoint endpoint, IReadOnlyList<Guid> knownIds)
    {
        var values = endpoint.Parameters.Select(p => RouteValue(p, knownIds)).ToArray();
        if (values.Length == 0)
            return Gen.Constant(endpoint.Pattern);
        return Gen.CollectToArray(values).Select(chosen =>
        {
            var path = endpoint.Pattern;
            for (var i = 0; i < chosen.Length; i++)
            {
                var start = path.IndexOf('{', StringComparison.Ordinal);
                var end = path.IndexOf('}', start);
                path = path[..start] + chosen[i] + path[(end + 1)..];
            }

            return path;
        });
    }

    private static Gen<string> RouteValue(RoutePatternParameterPart parameter, IReadOnlyList<Guid> knownIds)
    {
        var known = knownIds.Count > 0 ? Gen.Elements(knownIds.ToArray()).Select(g => g.ToString()) : Gen.Fresh(() => Guid.NewGuid().ToString());
        var catchAll = parameter.IsCatchAll
            ? Gen.ListOf(Gen.Elements("x", ".x", "%2F", "api", "requests", "%01", "a%20b")).Select(s => string.Join('/', s))
            : Gen.Constant("x");
        return Gen.Frequency(
            (6, known),
            (2, Gen.Fresh(() => Guid.NewGuid().ToString())),
            // A NUL in the path is refused by the server's request-line parser before the app sees it (Kestrel: 400).
            // ".." would leave /api (the client resolves it): the fuzz stays on the API.
            (1, Text().Select(t => Scrub(t).Replace("\0", "", StringComparison.Ordinal))
                .Select(t => t is "" or "." or ".." ? "_" : t).Select(Uri.EscapeDataString)),
            (1, catchAll));
    }

    private static Gen<string> QueryString() =>
        Gen.Frequency(
            (2, Gen.Constant("")),
            (8, Gen.ListOf(
                    from key in Gen.Frequency((8, Gen.Elements(QueryKeys)), (1, Text()))
                    from value in Gen.Frequency((6, Gen.Elements(Words)), (2, Text()), (1, Gen.Choose(-5, 5).Select(n => n.ToString(CultureInfo.InvariantCulture))))
                    select Uri.EscapeDataString(key) + "=" + Uri.EscapeDataString(Scrub(value)))
                .Select(pairs => pairs.Count == 0 ? "" : "?" + string.Join('&', pairs))),
            (1, Gen.Elements("?page=2147483647&size=100", "?page=-1", "?size=0", "?size=2147483647", "?page=1e3", "?page&size",
                "?page=1&page=2", "?%zz=1", "?q=%ff%fe", "?from=2026-01-02&to=2026-01-01")));

    private static Gen<(byte[]? Bytes, string? ContentType)> Body(IReadOnlyList<Guid> knownIds)
    {
        var json = Json(knownIds, 3).Select(v => v);
        return Gen.Frequency(
            (2, Gen.Constant<(byte[]?, string?)>((null, null))),
            (8, json.Select(text => ((byte[]?)Encoding.UTF8.GetBytes(text), (string?)"application/json"))),
            (3, from text in json
                from cut in Gen.Choose(0, 1000)
                select ((byte[]?)Encoding.UTF8.GetBytes(text[..Math.Min(text.Length, cut % (text.Length + 1))]), (string?)"application/json")),
            (1, json.Select(text => ((byte[]?)Encoding.UTF8.GetBytes(text), (string?)"text/plain"))),
            (1, Gen.Elements(
                "{", "[", "\"", "{\"kind\":", "{\"a\":1,}", "{'kind':'Snapshot'}", "null", "[]", "0", "\"text\"", "{\"kind\":\"Snapshot\"}{}",
                new string('[', 5000) + new string(']', 5000), "{\"window\":{\"start\":\"2026-01-01T00:00:00Z\",\"end\":\"2025-01-01T00:00:00Z\"}}",
                "\uFEFF{}", "{\"justification\":\"" + new string('x', 200_000) + "\"}")
                .Select(text => ((byte[]?)Encoding.UTF8.GetBytes(text), (string?)"application/json"))),
            (1, Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).Select(bytes => ((byte[]?)bytes, (string?)"application/json"))));
    }

    /// <summary>A JSON text: objects with the API's own property names (and others), values of any type at any place.</summary>
    private static Gen<string> Json(IReadOnlyList<Guid> knownIds, int depth)
    {
        var scalar = Gen.Frequency(
            (3, Gen.Elements(Words).Select(Quote)),
            (2, Text().Select(Quote)),
            (2, Gen.Elements("null", "true", "false", "0", "-1", "1", "2147483647", "2147483648", "-9223372036854775809", "1.5", "1e400", "-0")),
            (1, Gen.Choose(int.MinValue, int.MaxValue).Select(n => n.ToString(CultureInfo.InvariantCulture))),
            (2, (knownIds.Count > 0 ? Gen.Elements(knownIds.ToArray()) : Gen.Fresh(Guid.NewGuid)).Select(g => Quote(g.ToString()))),
            (1, Gen.Fresh(() => Quote(Guid.NewGuid().ToString()))));
        if (depth == 0)
            return scalar;
        var inner = Json(knownIds, depth - 1);
        var array = Gen.ListOf(inner).Select(items => "[" + string.Join(',', items.Take(6)) + "]");
        var member = from key in Gen.Frequency((8, Gen.Elements(Keys)), (1, Text()))
                     from value in inner
                     select Quote(key) + ":" + value;
        var obj = Gen.ListOf(member).Select(members => "{" + string.Join(',', members.Take(8)) + "}");
        return Gen.Frequency((3, scalar), (1, array), (4, obj));
    }

    /// <summary>Strings people do not type: control characters, lone surrogates, right-to-left marks, very long ones.</summary>
    private static Gen<string> Text() =>
        Gen.Frequency(
            (4, Gen.ArrayOf(Gen.Choose(0, 0x7f).Select(c => (char)c)).Select(cs => new string(cs))),
            (2, Gen.ArrayOf(Gen.Choose(0, 0xffff).Select(c => (char)c)).Select(cs => new string(cs))),
            (1, Gen.Choose(1_000, 120_000).Select(n => new string('A', n))),
            (1, Gen.Elements("\u0000", "\u0001\u0002\u001b[31m", "\r\n\r\n", "\t=SUM(A1)", "\ud800", "\u202egnp.exe", "%s%n%x", "${jndi:ldap://x}")));

    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    /// <summary>Query keys and values keep lone surrogates out: EscapeDataString cannot encode them (the client would fail, not the server).</summary>
    private static string Scrub(string text) =>
        string.Concat(text.EnumerateRunes().Select(r => r.ToString())) is var clean && clean.Length == text.Length ? text : clean;

    public static HttpRequestMessage Request(FuzzCase c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var message = new HttpRequestMessage(new HttpMethod(c.Method), c.Path + c.Query);
        if (c.Body is not null)
        {
            message.Content = new ByteArrayContent(c.Body);
            if (c.ContentType is not null)
                message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(c.ContentType);
        }

        if (c.IfMatch is not null)
            message.Headers.TryAddWithoutValidation("If-Match", c.IfMatch.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal));
        if (c.Authenticated)
            message.Headers.Add(FuzzAuthentication.UserHeader, "1");
        return message;
    }

    /// <summary>
    /// Events appended on the caller's behalf, outside the security history (whose refusals are recorded on purpose):
    /// every domain event names who caused it, so a refused call that changed anything shows here.
    /// </summary>
    public static async Task<long> EventsByCallerAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var count = new NpgsqlCommand(
            "select count(*) from mt_events where strpos(data::text, @caller) > 0 and mt_dotnet_type not like 'Console.Workflows.Audit.%'",
            connection);
        count.Parameters.AddWithValue("caller", FuzzAuthentication.UserId);
        return (long)(await count.ExecuteScalarAsync(ct))!;
    }
}

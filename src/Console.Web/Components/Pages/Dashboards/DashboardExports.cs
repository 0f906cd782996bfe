using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.Extensions;
using Console.Web.Security;
using Console.Workflows.Dashboards.Figures;
using Console.Workflows.Dashboards.Lists;
using Console.Workflows.Dashboards.Trends;

namespace Console.Web.Components.Pages.Dashboards;

/// <summary>
/// CSV downloads of every dashboard list, on the session cookie and the dashboards' policy, like the pages: the
/// snapshot and component drill-downs (the address's own filter and order, every page of it up to
/// <see cref="MaxRows"/>), the snapshots per trust domain and the thirty days of trends. Bad addresses take the
/// list's defaults as the pages do (their parsers never throw).
/// </summary>
public static class DashboardExports
{
    public const string SnapshotsPath = "/dashboards/export/snapshots.csv";
    public const string ComponentsPath = "/dashboards/export/components.csv";
    public const string TrustDomainsPath = "/dashboards/export/trust-domains.csv";
    public const string TrendsPath = "/dashboards/export/trends.csv";

    /// <summary>The most rows one export holds; a longer list is cut there and says so in <see cref="TruncatedHeader"/>.</summary>
    public const int MaxRows = 50_000;

    public const string TruncatedHeader = "X-Export-Truncated";

    /// <summary>The export of the list a page shows: its filter and order on the export's path (every page, not the one shown).</summary>
    public static string Of(SnapshotListQuery query) =>
        SnapshotsPath + Query((query ?? throw new ArgumentNullException(nameof(query))) with { Page = 0, PageSize = SnapshotListQuery.DefaultPageSize });

    public static string Of(ComponentListQuery query) =>
        ComponentsPath + Query((query ?? throw new ArgumentNullException(nameof(query))) with { Page = 0, PageSize = ComponentListQuery.DefaultPageSize });

    public static IEndpointRouteBuilder MapDashboardExports(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/dashboards/export").RequireAuthorization(Policies.ViewDashboards);
        group.MapGet("/snapshots.csv", SnapshotsAsync);
        group.MapGet("/components.csv", ComponentsAsync);
        group.MapGet("/trust-domains.csv", (HttpContext http, IDashboardFiguresReader reader, TimeProvider time) =>
            WriteAsync(http, time, "snapshots-by-trust-domain", DashboardCsv.TrustDomainHeader,
                ct => Once(async () => (await reader.GetFiguresAsync(ct)).TrustDomains.Rows.Select(DashboardCsv.TrustDomainLine))));
        group.MapGet("/trends.csv", (HttpContext http, ITrendReader reader, TimeProvider time) =>
            WriteAsync(http, time, "dashboard-trends", DashboardCsv.TrendHeader,
                ct => Once(async () => (await reader.ReadAsync(ct)).Days.Select(DashboardCsv.TrendLine))));
        return app;
    }

    /// <summary>The snapshot drill-down named by the request's query (as the page reads it), every page of it.</summary>
    public static Task SnapshotsAsync(HttpContext http, ISnapshotListReader reader, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(reader);
        var query = SnapshotListQuery.Parse(http.Request.GetEncodedPathAndQuery());
        return WriteAsync(http, time, "snapshots-" + query.Kind.ToString().ToLowerInvariant(), DashboardCsv.SnapshotHeader,
            ct => Pages(p => reader.ListSnapshotsAsync(query.ToRequest() with { Page = p, PageSize = SnapshotListReader.MaxPageSize }, ct),
                page => (page.Items.Select(DashboardCsv.SnapshotLine), page.TotalCount), ct));
    }

    /// <summary>The component drill-down named by the request's query, every page of it.</summary>
    public static Task ComponentsAsync(HttpContext http, IComponentListReader reader, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(reader);
        var query = ComponentListQuery.Parse(http.Request.GetEncodedPathAndQuery());
        return WriteAsync(http, time, query.All ? "components" : "placement-violations", DashboardCsv.ComponentHeader,
            ct => Pages(p => reader.ListComponentsAsync(query.ToRequest() with { Page = p, PageSize = SnapshotListReader.MaxPageSize }, ct),
                page => (page.Items.Select(DashboardCsv.ComponentLine), page.TotalCount), ct));
    }

    private static string Query(SnapshotListQuery query) => QueryOf(query.ToUri());

    private static string Query(ComponentListQuery query) => QueryOf(query.ToUri());

    private static string QueryOf(string uri) => uri.IndexOf('?', StringComparison.Ordinal) is var i and >= 0 ? uri[i..] : "";

    private static async Task WriteAsync(
        HttpContext http, TimeProvider time, string name, string header, Func<CancellationToken, IAsyncEnumerable<(string Line, bool Truncated)>> lines)
    {
        var response = http.Response;
        response.ContentType = "text/csv; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"{DashboardCsv.FileName(name, time.GetUtcNow())}\"";
        response.Headers.CacheControl = "no-store";
        var ct = http.RequestAborted;
        // The first line is read before the body starts, so a list longer than the limit can still say so in a header.
        await using var rows = lines(ct).GetAsyncEnumerator(ct);
        (string Line, bool Truncated)? first = await rows.MoveNextAsync() ? rows.Current : null;
        if (first is { Truncated: true })
            response.Headers[TruncatedHeader] = $"only the first {MaxRows} rows of a longer list";
        await DashboardCsv.WriteAsync(response.Body, header, Rest(first, rows), ct);
    }

    private static async IAsyncEnumerable<string> Rest((string Line, bool Truncated)? first, IAsyncEnumerator<(string Line, bool Truncated)> rows)
    {
        if (first is not { } line)
            yield break;
        yield return line.Line;
        while (await rows.MoveNextAsync())
            yield return rows.Current.Line;
    }

    // Every page of a paged list, up to MaxRows lines; each line says whether the list is longer than the export.
    private static async IAsyncEnumerable<(string Line, bool Truncated)> Pages<TPage>(
        Func<int, Task<TPage>> read, Func<TPage, (IEnumerable<string> Lines, long Total)> linesOf, [EnumeratorCancellation] CancellationToken ct)
    {
        var written = 0;
        for (var page = 0; written < MaxRows; page++)
        {
            ct.ThrowIfCancellationRequested();
            var (lines, total) = linesOf(await read(page));
            var any = false;
            foreach (var line in lines)
            {
                if (written == MaxRows)
                    yield break;
                any = true;
                written++;
                yield return (line, total > MaxRows);
            }

            if (!any || written >= total)
                yield break;
        }
    }

    private static async IAsyncEnumerable<(string Line, bool Truncated)> Once(Func<Task<IEnumerable<string>>> read)
    {
        foreach (var line in await read())
            yield return (line, false);
    }
}

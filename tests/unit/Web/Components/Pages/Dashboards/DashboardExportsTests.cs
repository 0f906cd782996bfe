using System.Text;
using Console.Web.Components.Pages.Dashboards;
using Console.Workflows.Dashboards;
using Console.Workflows.Dashboards.Lists;
using Console.Workflows.Inventory;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.Dashboards;

/// <summary>The CSV downloads page through the whole list the address names, and say when they stop short.</summary>
public sealed class DashboardExportsTests
{
    private static readonly FakeTimeProvider Clock = new(DashboardFixtures.Now);

    [Fact]
    public async Task Snapshots_WriteEveryPageOfTheNamedList_OneLinePerSnapshot_InItsOrder()
    {
        var reader = new PagedSnapshots(450);
        var http = Request("/dashboards/export/snapshots.csv", "?show=overdue&sort=Vnf&desc=true&page=3&size=10");

        await DashboardExports.SnapshotsAsync(http, reader, Clock);

        var lines = Body(http);
        lines[0].ShouldBe(DashboardCsv.SnapshotHeader);
        lines.Count.ShouldBe(451);
        lines.Skip(1).Select(l => l.Split(',')[2]).ShouldBe(Enumerable.Range(0, 450).Select(i => $"vnf-{i:D4}"));
        reader.Requests.Select(r => r.Page).ShouldBe([0, 1, 2], "the whole list, whatever page the address showed");
        reader.Requests.ShouldAllBe(r => r.Kind == SnapshotListKind.Overdue && r.SortBy == SnapshotSortField.Vnf && r.Descending
            && r.PageSize == SnapshotListReader.MaxPageSize);
        http.Response.ContentType.ShouldBe("text/csv; charset=utf-8");
        http.Response.Headers.ContentDisposition.ToString().ShouldBe("attachment; filename=\"snapshots-overdue-20260310-1200.csv\"");
        http.Response.Headers.ContainsKey(DashboardExports.TruncatedHeader).ShouldBeFalse();
    }

    [Fact]
    public async Task Snapshots_LongerThanOneExport_StopAtTheLimit_AndSaySo()
    {
        var reader = new PagedSnapshots(DashboardExports.MaxRows + 1);
        var http = Request("/dashboards/export/snapshots.csv", "?window=24h");

        await DashboardExports.SnapshotsAsync(http, reader, Clock);

        Body(http).Count.ShouldBe(DashboardExports.MaxRows + 1);
        http.Response.Headers[DashboardExports.TruncatedHeader].ToString().ShouldContain("first 50000 rows");
        reader.Requests[0].Window.ShouldBe(ExpiryWindow.Within24Hours);
    }

    [Fact]
    public async Task Snapshots_OfAnEmptyList_AreTheHeaderAlone()
    {
        var http = Request("/dashboards/export/snapshots.csv", "?show=nonsense&sort=Drop%20table");

        await DashboardExports.SnapshotsAsync(http, new PagedSnapshots(0), Clock);

        Body(http).ShouldBe([DashboardCsv.SnapshotHeader]);
    }

    [Fact]
    public async Task Components_WriteTheNamedCell()
    {
        var reader = new FakeDashboardReader
        {
            ComponentPage = new ComponentPage(2,
                [new ComponentRow(Guid.NewGuid(), "upf-ham-07", Guid.NewGuid(), "n3", Sensitivity.Sensitive, DashboardFixtures.Core, DashboardFixtures.Edge, TrustLevel.High)],
                1, 0, SnapshotListReader.MaxPageSize),
        };
        var http = Request("/dashboards/export/components.csv", $"?domain={DashboardFixtures.Core.Id}&env={DashboardFixtures.Edge.Id}&all=true");

        await DashboardExports.ComponentsAsync(http, reader, Clock);

        var lines = Body(http);
        lines.Count.ShouldBe(2);
        lines[1].ShouldStartWith(reader.ComponentPage.Items[0].VnfId + ",upf-ham-07,");
        reader.ComponentRequests.Single().ShouldBe(new ComponentListRequest(false, DashboardFixtures.Core.Id, DashboardFixtures.Edge.Id,
            ComponentSortField.Vnf, false, 0, SnapshotListReader.MaxPageSize));
        http.Response.Headers.ContentDisposition.ToString().ShouldContain("components-");
    }

    private static DefaultHttpContext Request(string path, string query)
    {
        var http = new DefaultHttpContext();
        http.Request.Scheme = "http";
        http.Request.Host = new HostString("localhost");
        http.Request.Path = path;
        http.Request.QueryString = new QueryString(query);
        http.Response.Body = new MemoryStream();
        return http;
    }

    private static List<string> Body(DefaultHttpContext http) =>
        [.. Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray()).Split("\r\n").SkipLast(1)];

    /// <summary>A list of <c>count</c> snapshots, served page by page as the reader would.</summary>
    private sealed class PagedSnapshots(int count) : ISnapshotListReader
    {
        public List<SnapshotListRequest> Requests { get; } = [];

        public Task<SnapshotPage> ListSnapshotsAsync(SnapshotListRequest request, CancellationToken ct = default)
        {
            Requests.Add(request);
            var rows = Enumerable.Range(request.Page * request.PageSize, Math.Max(0, Math.Min(request.PageSize, count - request.Page * request.PageSize)))
                .Select(i => new SnapshotRow(Guid.NewGuid(), Guid.Empty, $"vnf-{i:D4}", Sensitivity.Internal, DashboardFixtures.Now.AddDays(-1),
                    null, null, null, false, null, null, null))
                .ToList();
            return Task.FromResult(new SnapshotPage(DashboardFixtures.Now, rows, count, request.Page, request.PageSize));
        }
    }
}

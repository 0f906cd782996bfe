using System.Text;
using System.Text.Json;
using Console.UnitTests.Web.Components.Pages.History;
using Console.Web.Api.History;
using Console.Workflows.Audit.History;
using Microsoft.AspNetCore.Http;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Api.History;

/// <summary>The history's REST parameters and export formats.</summary>
public sealed class HistoryApiTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Query_WhenEmpty_IsNewestFirstWithoutFilters() =>
        new HistoryApiQuery().ToQuery().Query.ShouldBe(new HistoryQuery(HistoryFilter.None));

    [Fact]
    public void Query_WithEveryParameter_ReadsThem()
    {
        Guid vnf = Guid.NewGuid(), domain = Guid.NewGuid(), env = Guid.NewGuid(), request = Guid.NewGuid();

        var (query, _) = new HistoryApiQuery
        {
            Q = " power ", From = "2026-03-01T00:00:00Z", To = "2026-03-02T00:00:00Z", Vnf = vnf.ToString(), Domain = domain.ToString(),
            Env = env.ToString(), Actor = "olga", Type = "ApprovalGranted", Category = "approval", Request = request.ToString(),
            Sort = "actor", Desc = "false", Page = "2", Size = "20",
        }.ToQuery();

        query.ShouldBe(new HistoryQuery(
            new HistoryFilter(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero),
                vnf, domain, env, "olga", "ApprovalGranted", HistoryCategory.Approval, request, "power"),
            HistorySortField.Actor, false, 2, 20));
    }

    [Fact]
    public void Query_WhenValuesCannotBeRead_NamesEachParameter()
    {
        var (query, errors) = new HistoryApiQuery
        {
            From = "yesterday", Vnf = "nope", Category = "7", Sort = "seq", Desc = "maybe", Size = "500",
        }.ToQuery();

        query.ShouldBeNull();
        errors.ToDictionary().Keys.ShouldBe(["from", "vnf", "category", "size", "sort", "desc"], ignoreOrder: true);
    }

    [Fact]
    public void Query_PageBeyondReach_SaysHowToSeeTheRest()
    {
        var (query, errors) = new HistoryApiQuery { Page = "200", Size = "50" }.ToQuery();

        query.ShouldBeNull();
        errors.ToDictionary()["page"].ShouldHaveSingleItem().ShouldContain("/api/history/export");
    }

    [Fact]
    public void CsvLine_QuotesSeparatorsAndDefusesFormulas()
    {
        var entry = new HistoryEntry(7, Now, "RequestRejected", HistoryCategory.Approval, "arjun", "Arjun, Approver", null, null, null,
            [], [], "Rejected: \"not now\"", "=HYPERLINK(\"evil\")", Guid.Empty, 3);

        var line = HistoryExport.CsvLine(entry);

        line.ShouldBe($"7,2026-03-02T10:00:00.000Z,Approval,RequestRejected,arjun,\"Arjun, Approver\",,,,,,\"Rejected: \"\"not now\"\"\",\"'=HYPERLINK(\"\"evil\"\")\",{Guid.Empty},3\r\n");
    }

    [Fact]
    public async Task WriteAsync_Csv_IsAnAttachmentWithTheHeaderAndOneLinePerEventInOrder()
    {
        var (http, body) = Context();
        var reader = Reader();

        await HistoryExport.WriteAsync(http, reader, new HistoryFilter(Category: HistoryCategory.Access), HistorySortField.Time, true, "csv", Now);

        http.Response.ContentType.ShouldBe("text/csv; charset=utf-8");
        http.Response.Headers.ContentDisposition.ToString().ShouldBe("attachment; filename=\"history-20260302-1000.csv\"");
        http.Response.Headers.ContainsKey(HistoryExport.TruncatedHeader).ShouldBeFalse();
        var lines = Encoding.UTF8.GetString(body.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe(HistoryExport.CsvHeader);
        lines.Skip(1).Select(l => l.Split(',')[3]).ShouldBe(["AccessRefused", "SignedIn"]);
    }

    [Fact]
    public async Task WriteAsync_Json_IsAnArrayOfEventsWithNamesNotNumbers()
    {
        var (http, body) = Context();

        await HistoryExport.WriteAsync(http, Reader(), HistoryFilter.None, HistorySortField.Time, false, "json", Now);

        http.Response.ContentType.ShouldBe("application/json; charset=utf-8");
        using var json = JsonDocument.Parse(body.ToArray());
        var events = json.RootElement.EnumerateArray().ToList();
        events.Select(e => e.GetProperty("eventType").GetString()).ShouldBe(["RequestSubmitted", "SignedIn", "AccessRefused"]);
        events[0].GetProperty("category").GetString().ShouldBe("Request");
        events[0].GetProperty("vnfName").GetString().ShouldBe("amf-01");
    }

    private static (HttpContext Http, MemoryStream Body) Context()
    {
        var body = new MemoryStream();
        var http = new DefaultHttpContext();
        http.Response.Body = body;
        return (http, body);
    }

    private static FakeHistoryReader Reader()
    {
        var reader = new FakeHistoryReader();
        reader.Add("RequestSubmitted", HistoryCategory.Request, Now.AddMinutes(-3), "Requested a snapshot.", "olga", Guid.NewGuid(), "amf-01");
        reader.Add("SignedIn", HistoryCategory.Access, Now.AddMinutes(-2), "Signed in.", "olga");
        reader.Add("AccessRefused", HistoryCategory.Access, Now.AddMinutes(-1), "Refused GET /history.", "olga");
        return reader;
    }
}

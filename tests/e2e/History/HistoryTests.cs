using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Console.E2ETests.Infrastructure;
using Microsoft.Playwright;
using Shouldly;

namespace Console.E2ETests.History;

/// <summary>The security history as its readers use it: filter, look, export; and as everyone else meets it: 403.</summary>
public sealed class HistoryTests(ConsoleApp app, Browser browser) : ConsoleTest(app, browser)
{
    // No other browser test acts on this VNF, so its history holds still while the test counts it.
    private const string VnfName = "nssf-muc-01";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HistoryFilterExport_AuditorFiltersToOneVnfAndExportsCsv_EveryRowIsThatVnfsAndTheCountMatchesTheGrid()
    {
        var vnf = await SeededInventory.VnfAsync(App, VnfName);
        var page = await SignInAsync("auditor", "/history");
        await Assertions.Expect(page.GetByTestId("history").GetByTestId("event-link").First).ToBeVisibleAsync();

        await page.GetByTestId("filter-vnf").ClickAsync();
        await page.Locator(".mud-popover-open").GetByText(VnfName, new() { Exact = true }).ClickAsync();

        await page.WaitForURLAsync(url => url.Contains($"vnf={vnf.Id}", StringComparison.Ordinal));
        var rows = page.GetByTestId("history").Locator("tbody tr");
        // The VNF and each of its components were registered: at least that many events, all about this VNF.
        await Assertions.Expect(page.GetByTestId("pager-info")).ToBeVisibleAsync();
        var gridCells = page.GetByTestId("history").Locator("td[data-vnf]");
        await Assertions.Expect(gridCells.First).ToHaveAttributeAsync("data-vnf", vnf.Id.ToString());
        var shownVnfs = await gridCells.EvaluateAllAsync<string[]>("cells => cells.map(c => c.getAttribute('data-vnf'))");
        shownVnfs.ShouldAllBe(v => v == vnf.Id.ToString());
        var info = page.GetByTestId("pager-info");
        (await info.GetAttributeAsync("data-total-exact")).ShouldBe("true");
        var total = int.Parse((await info.GetAttributeAsync("data-total"))!, System.Globalization.CultureInfo.InvariantCulture);
        total.ShouldBeGreaterThanOrEqualTo(1 + vnf.Components.Count);
        (await rows.CountAsync()).ShouldBe(Math.Min(total, 50));
        await Screenshots.SaveAsync(page, "history-filtered-to-vnf");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-csv").ClickAsync());
        download.SuggestedFilename.ShouldEndWith(".csv");
        var csv = Csv.Parse(await File.ReadAllTextAsync((await download.PathAsync())!, Ct));

        csv[0][7].ShouldBe("VNF id");
        var records = csv.Skip(1).ToList();
        records.Count.ShouldBe(total);
        records.ShouldAllBe(r => r[7] == vnf.Id.ToString() && r[8] == VnfName);
        records.Count(r => r[3] == "VnfComponentAdded").ShouldBe(vnf.Components.Count);
    }

    [Fact]
    public async Task HistoryForbidden_OperatorOpensTheHistory_Gets403PageAnd403FromTheApi_AndTheAttemptIsRecorded()
    {
        var page = await SignInAsync("operator");

        var response = await page.GotoAsync("/history");

        response.ShouldNotBeNull();
        response.Status.ShouldBe(403);
        await Assertions.Expect(page.GetByTestId("forbidden")).ToContainTextAsync("You don't have access to this page");
        var export = await page.APIRequest.GetAsync("/history/export?format=csv", new() { MaxRedirects = 0 });
        export.Status.ShouldBe(302);
        export.Headers["location"].ShouldContain("/account/forbidden");

        using var operatorApi = await ApiClient.ForAsync(App, "operator", Ct);
        using var api = await operatorApi.GetAsync("/api/history", Ct);
        api.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var problem = await api.Content.ReadFromJsonAsync<JsonElement>(Ct);
        problem.GetProperty("detail").GetString()!.ShouldContain("SecurityOfficer");

        // The auditor finds the operator's sign-in and both refused attempts in the history.
        using var auditor = await ApiClient.ForAsync(App, "auditor", Ct);
        var seen = await Eventually.Until(
            async () =>
            {
                using var history = await auditor.GetAsync("/api/history?actor=operator&category=Access&size=200", Ct);
                await ApiClient.EnsureAsync(history, HttpStatusCode.OK, Ct);
                var items = (await history.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("items").EnumerateArray();
                return items.Select(i => i.GetProperty("summary").GetString()!).ToList();
            },
            summaries => summaries.Any(s => s.StartsWith("Refused GET /history", StringComparison.Ordinal))
                && summaries.Any(s => s.StartsWith("Refused GET /api/history", StringComparison.Ordinal))
                && summaries.Any(s => s.StartsWith("Signed in through", StringComparison.Ordinal)),
            "the operator's sign-in and both refusals in the history");

        seen.ShouldContain(s => s.StartsWith("Signed in through the built-in provider as NocOperator", StringComparison.Ordinal));
        seen.ShouldContain(s => s.StartsWith("Refused GET /history: Needs ViewHistory (SecurityOfficer or Auditor); holds NocOperator.", StringComparison.Ordinal));
        seen.ShouldContain(s => s.StartsWith("Refused GET /api/history", StringComparison.Ordinal));
    }

    /// <summary>Just enough RFC 4180 to read the export back: quoted fields may hold commas, quotes and line breaks.</summary>
    private static class Csv
    {
        public static List<string[]> Parse(string text)
        {
            var records = new List<string[]>();
            var fields = new List<string>();
            var field = new StringBuilder();
            var quoted = false;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (quoted)
                {
                    if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else if (c == '"')
                    {
                        quoted = false;
                    }
                    else
                    {
                        field.Append(c);
                    }
                }
                else if (c == '"')
                {
                    quoted = true;
                }
                else if (c == ',')
                {
                    fields.Add(field.ToString());
                    field.Clear();
                }
                else if (c == '\n')
                {
                    fields.Add(field.ToString().TrimEnd('\r'));
                    field.Clear();
                    records.Add([.. fields]);
                    fields.Clear();
                }
                else
                {
                    field.Append(c);
                }
            }

            if (field.Length > 0 || fields.Count > 0)
            {
                fields.Add(field.ToString());
                records.Add([.. fields]);
            }

            return records;
        }
    }
}

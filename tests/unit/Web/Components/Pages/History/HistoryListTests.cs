using Bunit;
using Console.Web.Components.Pages.History;
using Console.Workflows.Audit.History;
using MudBlazor;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.History;

public sealed class HistoryListTests : HistoryPageTest
{
    [Fact]
    public void HistoryList_WhenDeepLinked_QueriesWithEveryFilterSortAndPageFromTheAddress()
    {
        var vnf = Inventory.Vnfs[3];
        var request = Guid.NewGuid();
        Navigation.NavigateTo($"/history?q=power&from=2026-03-01&to=2026-03-02&vnf={vnf.Id}&domain={World.Signalling.Id}"
            + $"&env={World.CoreDc.Id}&actor=olga&type=ApprovalGranted&category=Approval&request={request}&sort=Actor&desc=false&page=1&size=25");

        var cut = Render<HistoryList>();

        cut.WaitForAssertion(() => History.Queries.ShouldNotBeEmpty());
        History.LastQuery.ShouldBe(new HistoryQuery(
            new HistoryFilter(
                new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 3, 0, 0, 0, TimeSpan.Zero),
                vnf.Id, World.Signalling.Id, World.CoreDc.Id, "olga", "ApprovalGranted", HistoryCategory.Approval, request, "power"),
            HistorySortField.Actor, Descending: false, Page: 1, PageSize: 25));
    }

    [Fact]
    public async Task HistoryList_WhenAVnfIsChosen_QueriesThatVnfAndPutsItInTheAddress()
    {
        var amf = Inventory.Vnfs.First(v => v.Name == "amf-01");
        var smf = Inventory.Vnfs.First(v => v.Name == "smf-01");
        History.Add("VnfRegistered", HistoryCategory.Inventory, Now.AddDays(-2), "VNF amf-01 registered.", "system:seed", amf.Id, "amf-01");
        History.Add("VnfRegistered", HistoryCategory.Inventory, Now.AddDays(-1), "VNF smf-01 registered.", "system:seed", smf.Id, "smf-01");
        var cut = Render<HistoryList>();
        cut.WaitForAssertion(() => Rows(cut).Count.ShouldBe(2));

        var select = cut.FindComponents<MudSelect<Guid?>>().Single(s => s.Instance.Label == "VNF");
        await cut.InvokeAsync(() => select.Instance.SelectOption((Guid?)amf.Id));

        cut.WaitForAssertion(() => Rows(cut).ShouldBe([amf.Id.ToString()]));
        History.LastQuery.Filter.ShouldBe(new HistoryFilter(VnfId: amf.Id));
        Navigation.Uri.ShouldEndWith($"/history?vnf={amf.Id}");
        cut.Find("[data-testid=pager-info]").TextContent.ShouldContain("1–1 of 1");
    }

    [Fact]
    public void HistoryList_SortHeaderClickedTwice_SortsOnTheServerDescendingThenAscending()
    {
        History.Add("SignedIn", HistoryCategory.Access, Now, "Signed in.", "olga");
        var cut = Render<HistoryList>();
        cut.WaitForAssertion(() => Rows(cut).Count.ShouldBe(1));

        cut.Find("button[data-sort=Actor]").Click();
        cut.WaitForAssertion(() => History.LastQuery.SortBy.ShouldBe(HistorySortField.Actor));
        History.LastQuery.Descending.ShouldBeTrue();
        Navigation.Uri.ShouldEndWith("/history?sort=Actor&desc=true");

        cut.Find("button[data-sort=Actor]").Click();
        cut.WaitForAssertion(() => History.LastQuery.Descending.ShouldBeFalse());
        Navigation.Uri.ShouldEndWith("/history?sort=Actor&desc=false");
    }

    [Fact]
    public void HistoryList_NextPageChosen_QueriesThatPageAndKeepsItInTheAddress()
    {
        for (var i = 0; i < 120; i++)
            History.Add("SignedIn", HistoryCategory.Access, Now.AddMinutes(-i), $"Signed in {i}.", "olga");
        var cut = Render<HistoryList>();
        cut.WaitForAssertion(() => Rows(cut).Count.ShouldBe(50));

        cut.FindAll("[data-testid=pager] button").First(b => b.TextContent.Trim() == "2").Click();

        cut.WaitForAssertion(() => History.LastQuery.Page.ShouldBe(1));
        Navigation.Uri.ShouldEndWith("/history?page=1");
        cut.WaitForAssertion(() => cut.Find("[data-testid=pager-info]").TextContent.ShouldContain("51–100 of 120"));
    }

    [Fact]
    public void HistoryList_WhenNothingMatches_ShowsTheEmptyStateForFilters()
    {
        History.Add("SignedIn", HistoryCategory.Access, Now, "Signed in.", "olga");
        Navigation.NavigateTo("/history?category=Policy");

        var cut = Render<HistoryList>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=empty-state]").TextContent.ShouldContain("No events match these filters."));
        cut.FindAll("[data-testid=pager-info]").ShouldBeEmpty();
    }

    [Fact]
    public void HistoryList_WithNoEventsAtAll_SaysSo()
    {
        var cut = Render<HistoryList>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=empty-state]").TextContent.ShouldContain("No events yet."));
    }

    [Fact]
    public void HistoryList_WhenTheCountIsCapped_SaysAtLeastAndHowToSeeTheRest()
    {
        for (var i = 0; i < 60; i++)
            History.Add("SignedIn", HistoryCategory.Access, Now.AddMinutes(-i), $"Signed in {i}.", "olga");
        History.CappedTotal = HistoryLimits.CountCap;

        var cut = Render<HistoryList>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=pager-info]").TextContent.ShouldContain("1–50 of at least 10,000"));
        cut.Find("[data-testid=count-capped]").TextContent.ShouldContain("narrow the filters");
        cut.Find("[data-testid=pager-info]").GetAttribute("data-total-exact").ShouldBe("false");
    }

    [Fact]
    public void HistoryList_ExportLinks_DownloadExactlyTheFilteredSetInTheOrderOnScreen()
    {
        var vnf = Inventory.Vnfs[0];
        Navigation.NavigateTo($"/history?vnf={vnf.Id}&q=power&sort=Time&desc=false&page=3");

        var cut = Render<HistoryList>();

        cut.WaitForAssertion(() => History.Queries.ShouldNotBeEmpty());
        var csv = cut.Find("a[data-testid=export-csv]");
        csv.GetAttribute("href").ShouldBe($"/history/export?format=csv&q=power&vnf={vnf.Id}&sort=Time&desc=false");
        csv.HasAttribute("download").ShouldBeTrue("a download, not a route the router would take");
        cut.Find("a[data-testid=export-json]").GetAttribute("href").ShouldStartWith("/history/export?format=json&q=power");
    }

    [Fact]
    public void HistoryList_RowClicked_OpensTheEventsDetail()
    {
        var entry = History.Add("RequestSubmitted", HistoryCategory.Request, Now, "Requested a snapshot.", "olga");
        var cut = Render<HistoryList>();
        cut.WaitForAssertion(() => Rows(cut).Count.ShouldBe(1));

        cut.Find("[data-testid=history] tbody tr").Click();

        Navigation.Uri.ShouldEndWith($"/history/events/{entry.Seq}");
    }

    [Fact]
    public void HistoryList_WhenTheHistoryCannotBeRead_SaysWhatToDo()
    {
        History.Failure = new InvalidOperationException("database down");

        var cut = Render<HistoryList>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=load-error]").TextContent.ShouldContain("Try again"));
    }

    [Fact]
    public void HistoryList_BackOrAForwardLink_ReloadsWithTheAddressFilters()
    {
        var cut = Render<HistoryList>();
        cut.WaitForAssertion(() => History.Queries.Count.ShouldBe(1));

        Navigation.NavigateTo("/history?category=Access");

        cut.WaitForAssertion(() => History.LastQuery.Filter.ShouldBe(new HistoryFilter(Category: HistoryCategory.Access)));
    }

    [Fact]
    public void HistoryList_WhenNewRowsAreCommitted_ShowsThemWithoutAReloadKeepingTheFiltersAndThePage()
    {
        var amf = Inventory.Vnfs.First(v => v.Name == "amf-01");
        var smf = Inventory.Vnfs.First(v => v.Name == "smf-01");
        for (var i = 0; i < 60; i++)
            History.Add("SignedIn", HistoryCategory.Access, Now.AddMinutes(-i - 10), $"Signed in {i}.", "olga", amf.Id, "amf-01");
        Navigation.NavigateTo($"/history?vnf={amf.Id}&page=1");
        var cut = Render<HistoryList>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=pager-info]").TextContent.ShouldContain("51–60 of 60"));

        History.Add("SignedIn", HistoryCategory.Access, Now, "Signed in later.", "olga", amf.Id, "amf-01");
        History.Add("SignedIn", HistoryCategory.Access, Now, "Signed in elsewhere.", "olga", smf.Id, "smf-01");
        Live.Raise(History.Entries[^1].Seq);

        cut.WaitForAssertion(() => cut.Find("[data-testid=pager-info]").TextContent.ShouldContain("51–61 of 61"));
        History.LastQuery.ShouldBe(new HistoryQuery(new HistoryFilter(VnfId: amf.Id), HistorySortField.Time, Descending: true, Page: 1, PageSize: 50));
        Navigation.Uri.ShouldEndWith($"/history?vnf={amf.Id}&page=1");
        Rows(cut).ShouldAllBe(vnf => vnf == amf.Id.ToString());
    }

    /// <summary>The VNF each shown row is about (empty for rows about no VNF).</summary>
    private static List<string> Rows(IRenderedComponent<HistoryList> cut) =>
        [.. cut.FindAll("[data-testid=history] td[data-vnf]").Select(td => td.GetAttribute("data-vnf") ?? "")];
}

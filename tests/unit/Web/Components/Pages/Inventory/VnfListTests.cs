using Bunit;
using Console.UnitTests.Web.Fakes;
using Console.Web.Components.Pages.Inventory;
using Console.Workflows.Inventory;
using MudBlazor;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.Inventory;

public sealed class VnfListTests : InventoryPageTest
{
    private readonly InventoryScenarios.CoreAndEdge _world;

    public VnfListTests()
    {
        _world = InventoryScenarios.WithThirtyVnfs(Inventory);
        SignInAsOperator();
    }

    [Fact]
    public void VnfList_WhenOpened_ShowsFirstPageOfRowsWithTotalCount()
    {
        var cut = Render<VnfList>();

        cut.WaitForAssertion(() => VnfNames(cut).Count.ShouldBe(25));
        VnfNames(cut).ShouldBe(
            [.. Enumerable.Range(1, 10).Select(i => $"amf-{i:00}"), .. Enumerable.Range(1, 10).Select(i => $"smf-{i:00}"),
                "upf-01", "upf-02", "upf-03", "upf-04", "upf-05"]);
        PagerInfo(cut).ShouldContain("of 30");
        Reader.LastSearch.ShouldBe(new VnfSearch(PageSize: 25));
    }

    [Fact]
    public void VnfList_Rows_ShowEnvironmentTrustSensitivityAndDomains()
    {
        var cut = Render<VnfList>(); // page 1 holds amf-01 first

        cut.WaitForAssertion(() => VnfNames(cut).ShouldNotBeEmpty());
        var row = cut.FindAll("tbody tr").First(r => r.TextContent.Contains("amf-01"));
        row.TextContent.ShouldContain("Frankfurt Core DC");
        row.TextContent.ShouldContain("Nokia");
        row.TextContent.ShouldContain("23.4.1");
        row.TextContent.ShouldContain("Signalling");
        row.QuerySelector("[data-trust-level]")!.GetAttribute("data-trust-level").ShouldBe("High");
        row.QuerySelector("[data-sensitivity]")!.GetAttribute("data-sensitivity").ShouldBe("Sensitive");
        row.QuerySelector("a[href]")!.GetAttribute("href").ShouldBe($"/inventory/vnfs/{Inventory.Vnfs.Single(v => v.Name == "amf-01").Id}");
    }

    [Fact]
    public async Task VnfList_WhenTypeFilterApplied_ShowsOnlyThatType()
    {
        var cut = Render<VnfList>();
        cut.WaitForAssertion(() => VnfNames(cut).Count.ShouldBe(25));

        var typeSelect = cut.FindComponents<MudSelect<VnfType?>>().Single();
        await cut.InvokeAsync(() => typeSelect.Instance.SelectOption((VnfType?)VnfType.UPF));

        cut.WaitForAssertion(() => VnfNames(cut).ShouldBe([.. Enumerable.Range(1, 10).Select(i => $"upf-{i:00}")]));
        Reader.LastSearch.Type.ShouldBe(VnfType.UPF);
        Reader.LastSearch.Page.ShouldBe(0);
        PagerInfo(cut).ShouldContain("of 10");
        Navigation.Uri.ShouldEndWith("/inventory?type=UPF");
    }

    [Fact]
    public void VnfList_WhenSearchTyped_RequeriesAfterDebounceAndShowsMatches()
    {
        var cut = Render<VnfList>();
        cut.WaitForAssertion(() => VnfNames(cut).Count.ShouldBe(25));

        cut.Find("input[data-testid=search]").Input("ericsson");

        cut.WaitForAssertion(() => VnfNames(cut).ShouldBe([.. Enumerable.Range(1, 10).Select(i => $"upf-{i:00}")]));
        Reader.LastSearch.Text.ShouldBe("ericsson");
        Navigation.Uri.ShouldEndWith("/inventory?q=ericsson");
    }

    [Fact]
    public void VnfList_WhenColumnHeaderClicked_RequestsThatSort()
    {
        var cut = Render<VnfList>();
        cut.WaitForAssertion(() => VnfNames(cut).Count.ShouldBe(25));

        cut.FindAll("th").Single(th => th.TextContent.Trim() == "Vendor").QuerySelector(".sortable-column-header")!.Click();

        cut.WaitForAssertion(() => Reader.LastSearch.SortBy.ShouldBe(VnfSortField.Vendor));
        Reader.LastSearch.Descending.ShouldBeFalse();
        // Ericsson sorts before Nokia: the UPFs come first.
        cut.WaitForAssertion(() => VnfNames(cut)[0].ShouldBe("upf-01"));
        Navigation.Uri.ShouldEndWith("/inventory?sort=Vendor&desc=false");
    }

    [Fact]
    public void VnfList_WhenDeepLinked_AppliesFiltersSortAndPageFromAddress()
    {
        Navigation.NavigateTo($"/inventory?env={_world.CoreDc.Id}&sort=Name&desc=true&page=1&size=10");

        var cut = Render<VnfList>();

        cut.WaitForAssertion(() => VnfNames(cut).ShouldBe([.. Enumerable.Range(1, 10).Reverse().Select(i => $"amf-{i:00}")]));
        Reader.LastSearch.ShouldBe(new VnfSearch(
            EnvironmentId: _world.CoreDc.Id, SortBy: VnfSortField.Name, Descending: true, Page: 1, PageSize: 10));
        PagerInfo(cut).ShouldContain("of 20");
    }

    [Fact]
    public void VnfList_WhenAddressChangesToAnotherFilter_ReloadsForIt()
    {
        var cut = Render<VnfList>();
        cut.WaitForAssertion(() => VnfNames(cut).Count.ShouldBe(25));

        Navigation.NavigateTo($"/inventory?env={_world.EdgeSite.Id}");

        cut.WaitForAssertion(() => VnfNames(cut).ShouldBe([.. Enumerable.Range(1, 10).Select(i => $"upf-{i:00}")]));
        Reader.LastSearch.EnvironmentId.ShouldBe(_world.EdgeSite.Id);
    }

    [Fact]
    public void VnfList_WhenNothingMatches_ShowsEmptyState()
    {
        Navigation.NavigateTo("/inventory?q=no-such-vnf");

        var cut = Render<VnfList>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=empty-state]").TextContent.ShouldContain("No VNFs match these filters."));
        VnfNames(cut).ShouldBeEmpty();
    }

    [Fact]
    public void VnfList_WhenReaderFails_ShowsLoadErrorInsteadOfEmptyState()
    {
        Reader.Failure = new InvalidOperationException("database down");

        var cut = Render<VnfList>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=load-error]").TextContent.ShouldContain("could not be loaded"));
        cut.FindAll("[data-testid=empty-state]").ShouldBeEmpty();
    }

    [Fact]
    public void VnfList_WhenAddressHasUnreadableValues_IgnoresThem()
    {
        Navigation.NavigateTo("/inventory?type=NOPE&env=not-a-guid&sensitivity=9&sort=Colour&page=-3&size=7");

        var cut = Render<VnfList>();

        cut.WaitForAssertion(() => VnfNames(cut).Count.ShouldBe(25));
        Reader.LastSearch.ShouldBe(new VnfSearch(PageSize: 25));
    }

    [Fact]
    public void VnfList_ForNonAdministrator_HidesRegisterVnf()
    {
        var cut = Render<VnfList>();

        cut.WaitForAssertion(() => VnfNames(cut).Count.ShouldBe(25));
        cut.FindAll("[data-testid=register-vnf]").ShouldBeEmpty();
    }

    [Fact]
    public void VnfList_ForAdministrator_ShowsRegisterVnf()
    {
        SignInAsAdministrator();

        var cut = Render<VnfList>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=register-vnf]").GetAttribute("href").ShouldBe("/inventory/vnfs/new"));
    }

    private static string PagerInfo(IRenderedComponent<VnfList> cut) =>
        cut.FindAll(".mud-table-pagination-caption").Select(p => p.TextContent.Trim()).Single(t => t.Contains(" of ", StringComparison.Ordinal));

    private static List<string> VnfNames(IRenderedComponent<VnfList> cut) =>
        [.. cut.FindAll("[data-testid=vnf-link]").Select(a => a.TextContent.Trim())];
}

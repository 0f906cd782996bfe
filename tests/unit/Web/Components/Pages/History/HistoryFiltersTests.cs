using Bunit;
using Console.Web.Components.Pages.History;
using Console.Workflows.Audit.History;
using MudBlazor;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.History;

/// <summary>The filter bar alone: each control hands up the query the page should run, on its first page.</summary>
public sealed class HistoryFiltersTests : HistoryPageTest
{
    private readonly List<HistoryListQuery> _changes = [];

    private IRenderedComponent<HistoryFilters> Render(HistoryListQuery value, IReadOnlyList<HistoryEventType>? types = null) =>
        Render<HistoryFilters>(p => p
            .Add(x => x.Value, value)
            .Add(x => x.ValueChanged, (HistoryListQuery q) => _changes.Add(q))
            .Add(x => x.Vnfs, [.. Inventory.Vnfs.Select(v => new Console.Workflows.Inventory.VnfListItem(
                v.Id, v.Name, v.Type, v.Vendor, v.SoftwareVersion, v.EnvironmentId, "", default, v.HighestSensitivity, 1, []))])
            .Add(x => x.TrustDomains, Inventory.TrustDomains)
            .Add(x => x.Environments, Inventory.Environments)
            .Add(x => x.Actors, [new HistoryActor("olga", "Olga Operator"), new HistoryActor("system:execution", null)])
            .Add(x => x.EventTypes, types ?? []));

    [Fact]
    public void RequestId_WhenNotAnId_SaysWhatToPasteAndQueriesNothing()
    {
        var cut = Render(new HistoryListQuery(Page: 4));

        cut.Find("input[data-testid=filter-request]").Change("REQ-42");

        cut.Markup.ShouldContain("Paste a request id");
        _changes.ShouldBeEmpty();
    }

    [Fact]
    public void RequestId_WhenAnId_QueriesThatRequestFromTheFirstPage()
    {
        var id = Guid.NewGuid();
        var cut = Render(new HistoryListQuery(Page: 4));

        cut.Find("input[data-testid=filter-request]").Change($" {id} ");

        _changes.ShouldHaveSingleItem().ShouldBe(new HistoryListQuery(RequestId: id));
    }

    [Fact]
    public async Task Actor_WhenChosen_QueriesByTheActorsId()
    {
        var cut = Render(new HistoryListQuery());

        var actor = cut.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Actor");
        await cut.InvokeAsync(() => actor.Instance.SelectOption("olga"));

        _changes.ShouldHaveSingleItem().ActorId.ShouldBe("olga");
    }

    [Fact]
    public void ClearFilters_DropsEveryFilterButKeepsSortAndPageSize()
    {
        var cut = Render(new HistoryListQuery(Text: "power", VnfId: Inventory.Vnfs[0].Id, Category: HistoryCategory.Access,
            SortBy: HistorySortField.EventType, Descending: false, Page: 3, PageSize: 100));

        cut.Find("button[data-testid=clear-filters]").Click();

        _changes.ShouldHaveSingleItem().ShouldBe(new HistoryListQuery(SortBy: HistorySortField.EventType, Descending: false, PageSize: 100));
    }

    [Fact]
    public void ClearFilters_WithoutFilters_IsNotOffered() =>
        Render(new HistoryListQuery(SortBy: HistorySortField.Actor)).FindAll("[data-testid=clear-filters]").ShouldBeEmpty();
}

using Console.Web.Components.Pages.History;
using Console.Workflows.Audit.History;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.History;

/// <summary>The history's address: every filter survives the round trip; unreadable values are ignored, never an error.</summary>
public sealed class HistoryListQueryTests
{
    [Fact]
    public void ToUriThenParse_WithEveryFilter_GivesTheSameQuery()
    {
        var query = new HistoryListQuery(
            "power \"feed\" & more", new DateOnly(2026, 1, 31), new DateOnly(2026, 2, 1), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(),
            "system:execution", "ExecutionFailed", HistoryCategory.Execution, Guid.NewGuid(), HistorySortField.Category, false, 7, 100);

        HistoryListQuery.Parse("http://console" + query.ToUri()).ShouldBe(query);
    }

    [Fact]
    public void ToUri_AtDefaults_IsJustThePath() => new HistoryListQuery().ToUri().ShouldBe("/history");

    [Fact]
    public void Parse_UnreadableValues_AreTreatedAsAbsent() =>
        HistoryListQuery.Parse("/history?vnf=nope&from=yesterday&category=7&sort=Seq&page=-2&size=1000000&desc=maybe")
            .ShouldBe(new HistoryListQuery());

    [Fact]
    public void ToFilter_Dates_AreWholeUtcDaysWithToIncluded()
    {
        var filter = new HistoryListQuery(From: new DateOnly(2026, 3, 1), To: new DateOnly(2026, 3, 1)).ToFilter();

        filter.From.ShouldBe(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        filter.To.ShouldBe(new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void ToExportUri_CarriesFiltersAndOrderButNotThePage()
    {
        var vnf = Guid.NewGuid();

        new HistoryListQuery(VnfId: vnf, SortBy: HistorySortField.Actor, Page: 5, PageSize: 25).ToExportUri("json")
            .ShouldBe($"/history/export?format=json&vnf={vnf}&sort=Actor&desc=true");
    }
}

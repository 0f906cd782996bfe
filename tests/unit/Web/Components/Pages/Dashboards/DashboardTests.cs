using Bunit;
using Console.Web.Components.Pages.Dashboards;
using Console.Workflows.Dashboards;
using Console.Workflows.Dashboards.Trends;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.Dashboards;

public sealed class DashboardTests : DashboardPageTest
{
    [Fact]
    public void Dashboard_WithFigures_ShowsEachOneWhereItBelongs()
    {
        var cut = Render<Dashboard>();

        cut.WaitForAssertion(() => Value(cut, "expiring-24h").ShouldBe("3"));
        Value(cut, "expiring-7d").ShouldBe("11");
        Value(cut, "overdue").ShouldBe("0");
        Value(cut, "protected").ShouldBe("7");
        Value(cut, "violations").ShouldBe("0");
        Value(cut, "pending").ShouldBe("90");
        cut.Find("[data-testid=protected]").TextContent.ShouldContain("Legal hold 2, pinned 1, last good snapshot 4");

        AgeCell(cut, "Critical", AgeBucket.OneToThreeDays).ShouldBe("8");
        AgeCell(cut, "Internal", AgeBucket.FourteenToThirtyDays).ShouldBe("4");
        AgeCell(cut, "all", AgeBucket.UnderOneDay).ShouldBe("15");
        AgeCell(cut, "all", AgeBucket.OverThirtyDays).ShouldBe("9");
        cut.Find("[data-testid=age-distribution]").TextContent.ShouldContain("45 available");

        var core = cut.Find("[data-testid=domain-counts] tr[data-domain='Operator Core']");
        core.QuerySelector("[data-sensitivity=Sensitive]")!.GetAttribute("data-count").ShouldBe("13");
        core.QuerySelector("[data-total]")!.GetAttribute("data-total").ShouldBe("20", "each snapshot once, not the sum of its sensitivities");
        core.QuerySelector("[data-deleted]")!.GetAttribute("data-deleted").ShouldBe("14");

        var subscriberRow = cut.Find("[data-testid=placement-matrix] tr[data-domain='Subscriber Data']");
        subscriberRow.QuerySelector("[data-environment='Frankfurt Core DC A']")!.GetAttribute("data-count").ShouldBe("19");
        subscriberRow.QuerySelector("[data-environment='Hamburg Edge Site 07']")!.GetAttribute("data-count").ShouldBe("0");

        cut.FindAll("[data-testid=pending-buckets] [data-pending]").Select(e => e.GetAttribute("data-count")).ShouldBe(["21", "22", "23", "24"]);
        cut.Find("[data-testid=updated-at]").TextContent.ShouldContain("12:00:00 UTC");
    }

    [Fact]
    public void Dashboard_WhenNothingIsOverdue_ShowsNoAlarm()
    {
        var cut = Render<Dashboard>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=overdue]").GetAttribute("data-alarm").ShouldBe("false"));
        cut.Find("[data-testid=overdue]").ClassList.ShouldNotContain("mud-theme-error");
        cut.Find("[data-testid=violations]").GetAttribute("data-alarm").ShouldBe("false");
        cut.Find("[data-testid=no-violations]");
    }

    [Fact]
    public void Dashboard_WhenSnapshotsAreOverdue_RaisesTheAlarmInRed()
    {
        DashboardReader.Figures = DashboardFixtures.Figures(overdue: 2, violations: 5);

        var cut = Render<Dashboard>();

        cut.WaitForAssertion(() => Value(cut, "overdue").ShouldBe("2"));
        var overdue = cut.Find("[data-testid=overdue]");
        overdue.GetAttribute("data-alarm").ShouldBe("true");
        overdue.ClassList.ShouldContain("mud-theme-error");
        cut.Find("[data-testid=violations]").GetAttribute("data-alarm").ShouldBe("true");
        cut.Find("[data-testid=violations-button]").TextContent.ShouldContain("5 violations");
        cut.Find("[data-testid=placement-matrix] tr[data-domain='Operator Core'] [data-environment='Hamburg Edge Site 07']")
            .GetAttribute("data-violations").ShouldBe("5");
        cut.FindAll("[data-testid=expiring-24h][data-alarm=true]").ShouldBeEmpty("expiry is no alarm");
    }

    [Fact]
    public void Dashboard_EveryFigure_LinksToTheListBehindIt()
    {
        DashboardReader.Figures = DashboardFixtures.Figures(violations: 5);
        var cut = Render<Dashboard>();
        cut.WaitForAssertion(() => Value(cut, "expiring-7d").ShouldBe("11"));

        Link(cut, "[data-testid=expiring-24h-link]").ShouldBe("/dashboards/snapshots?window=24h");
        Link(cut, "[data-testid=expiring-7d-link]").ShouldBe("/dashboards/snapshots?window=7d");
        Link(cut, "[data-testid=overdue-link]").ShouldBe("/dashboards/snapshots?show=overdue");
        Link(cut, "[data-testid=protected-link]").ShouldBe("/dashboards/snapshots?show=protected");
        Link(cut, "[data-testid=violations-link]").ShouldBe("/dashboards/violations");
        Link(cut, "[data-testid=pending-link]").ShouldBe("/requests?status=PendingApproval&sort=SubmittedAt&desc=false");
        Link(cut, "[data-sensitivity=Critical] [data-age=OneToThreeDays] a").ShouldBe("/dashboards/snapshots?show=age&age=OneToThreeDays&sensitivity=Critical");
        Link(cut, "[data-sensitivity=all] [data-age=OverThirtyDays] a").ShouldBe("/dashboards/snapshots?show=age&age=OverThirtyDays");
        Link(cut, "[data-testid=domain-counts] tr[data-domain='Operator Core'] [data-sensitivity=Internal] a")
            .ShouldBe($"/dashboards/snapshots?show=domain&domain={DashboardFixtures.Core.Id}&sensitivity=Internal");
        var cell = cut.Find("[data-testid=placement-matrix] tr[data-domain='Operator Core'] [data-environment='Hamburg Edge Site 07']");
        cell.QuerySelectorAll("a").Select(a => a.GetAttribute("href")).ShouldBe(
        [
            $"/dashboards/violations?domain={DashboardFixtures.Core.Id}&env={DashboardFixtures.Edge.Id}&all=true",
            $"/dashboards/violations?domain={DashboardFixtures.Core.Id}&env={DashboardFixtures.Edge.Id}",
        ]);
    }

    [Fact]
    public void Dashboard_WhenTheRefreshIntervalPasses_ReadsTheFiguresAgainWithoutAReload()
    {
        var cut = Render<Dashboard>();
        cut.WaitForAssertion(() => Value(cut, "expiring-24h").ShouldBe("3"));
        var reads = DashboardReader.FigureReads;

        DashboardReader.Figures = DashboardFixtures.Figures(expiring24h: 4, at: DashboardFixtures.Now.AddSeconds(20));
        Clock.Advance(Options.RefreshInterval);

        cut.WaitForAssertion(() => Value(cut, "expiring-24h").ShouldBe("4"));
        DashboardReader.FigureReads.ShouldBe(reads + 1);
        cut.Find("[data-testid=updated-at]").TextContent.ShouldContain("12:00:20 UTC");
    }

    [Fact]
    public async Task Dashboard_WhenDisposed_StopsRefreshing()
    {
        var cut = Render<Dashboard>();
        cut.WaitForAssertion(() => Value(cut, "expiring-24h").ShouldBe("3"));
        var reads = DashboardReader.FigureReads;

        await DisposeComponentsAsync();
        Clock.Advance(Options.RefreshInterval * 3);

        DashboardReader.FigureReads.ShouldBe(reads);
    }

    [Fact]
    public void Dashboard_WhenAReadFails_KeepsTheLastFiguresAndSaysSo()
    {
        var cut = Render<Dashboard>();
        cut.WaitForAssertion(() => Value(cut, "expiring-24h").ShouldBe("3"));

        DashboardReader.Failure = new InvalidOperationException("database down");
        Clock.Advance(Options.RefreshInterval);

        cut.WaitForAssertion(() => cut.Find("[data-testid=load-error]").TextContent.ShouldContain("the ones shown are from the last successful read"));
        Value(cut, "expiring-24h").ShouldBe("3");

        DashboardReader.Failure = null;
        cut.Find("[data-testid=load-error] button").Click();
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=load-error]").ShouldBeEmpty());
    }

    private static string Value(IRenderedComponent<Dashboard> cut, string card) =>
        cut.Find($"[data-testid={card}-value]").TextContent.Trim();

    private static string AgeCell(IRenderedComponent<Dashboard> cut, string sensitivity, AgeBucket bucket) =>
        cut.Find($"[data-testid=age-table] tr[data-sensitivity={sensitivity}] td[data-age={bucket}]").GetAttribute("data-count")!;

    private static string Link(IRenderedComponent<Dashboard> cut, string selector)
    {
        var element = cut.Find(selector);
        return (element.TagName == "A" ? element : element.QuerySelector("a") ?? element).GetAttribute("href")!;
    }

    [Fact]
    public void Dashboard_Trends_ShowTheThirtyDays_SayWhatWasNotRecorded_AndOfferTheirCsv()
    {
        var today = TrendRules.Today(DashboardFixtures.Now);
        DashboardReader.Trends = new TrendWindow(DashboardFixtures.Now, TrendRules.Window(DashboardFixtures.Now,
        [
            new TrendDay(today.AddDays(-3), 40, null, null, false),
            new TrendDay(today.AddDays(-2), 42, null, null, false),
            new TrendDay(today.AddDays(-1), 44, 1, 6, true, DashboardFixtures.Now.AddHours(-12)),
            new TrendDay(today, 45, 0, 9, true, DashboardFixtures.Now),
        ]));

        var cut = Render<Dashboard>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=trends]"));
        var rows = cut.FindAll("[data-testid=trend-table] tbody tr");
        rows.Count.ShouldBe(30);
        rows[0].GetAttribute("data-day").ShouldBe(today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), "newest first");
        rows[0].QuerySelector("[data-field=pending]")!.TextContent.ShouldBe("9");
        rows[2].QuerySelector("[data-field=available]")!.TextContent.ShouldBe("42");
        rows[2].QuerySelector("[data-field=overdue]")!.TextContent.ShouldBe("not recorded");
        rows[10].QuerySelector("[data-field=available]")!.TextContent.ShouldBe("not recorded");
        cut.Find("[data-testid=trend-available-chart]");
        cut.Find("[data-testid=trend-sampled-chart]");
        cut.Find("[data-testid=trend-caption]").TextContent.ShouldContain("recorded since " + today.AddDays(-1).ToString("d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture));
        cut.Find("[data-testid=trends-export]").GetAttribute("href").ShouldBe(DashboardExports.TrendsPath);
        cut.Find("[data-testid=trust-domains-export]").GetAttribute("href").ShouldBe(DashboardExports.TrustDomainsPath);
    }

    [Fact]
    public void Dashboard_BeforeAnySample_SaysTheLineStartsOnceRecorded()
    {
        var cut = Render<Dashboard>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=trend-sampled-empty]").TextContent.ShouldContain("Not recorded yet"));
        cut.Find("[data-testid=trend-available-empty]");
        cut.FindAll("[data-testid=trend-sampled-chart]").ShouldBeEmpty();
    }
}

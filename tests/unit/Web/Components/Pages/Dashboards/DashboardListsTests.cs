using Bunit;
using Console.Web.Components.Pages.Dashboards;
using Console.Workflows.Dashboards;
using Console.Workflows.Inventory;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.Dashboards;

/// <summary>The drill-down lists: what they ask the reader for, what they show, and how their address follows them.</summary>
public sealed class DashboardListsTests : DashboardPageTest
{
    private static readonly Guid HeldId = Guid.Parse("50000000-0000-4000-8000-000000000001");
    private static readonly Guid PinnedId = Guid.Parse("50000000-0000-4000-8000-000000000002");
    private static readonly Guid VnfId = Guid.Parse("f0000000-0000-4000-8000-000000000001");

    public DashboardListsTests()
    {
        var hold = new Hold("Investigation 2026-17", null, "sam.security", DashboardFixtures.Now.AddDays(-3));
        var pin = new Hold("Vendor case", DashboardFixtures.Now.AddDays(2), "olli.operator", DashboardFixtures.Now.AddDays(-1));
        DashboardReader.SnapshotPage = new SnapshotPage(DashboardFixtures.Now,
        [
            new SnapshotRow(HeldId, VnfId, "udm-fra-01", Sensitivity.Critical, DashboardFixtures.Now.AddDays(-5), DashboardFixtures.Now.AddDays(-2),
                null, DashboardFixtures.Now.AddDays(-2), false, null, hold,
                new Protection(ProtectionKind.LegalHold, "Legal hold by sam.security: Investigation 2026-17")),
            new SnapshotRow(PinnedId, VnfId, "udm-fra-01", Sensitivity.Sensitive, DashboardFixtures.Now.AddDays(-1), DashboardFixtures.Now.AddHours(5),
                null, DashboardFixtures.Now.AddHours(5), true, pin, null,
                new Protection(ProtectionKind.Pinned, "Pinned by olli.operator: Vendor case")),
        ], 31, 0, 25);
    }

    [Fact]
    public void SnapshotList_WhenDeepLinkedToAnAgeBucket_AsksForItAndShowsTheTitle()
    {
        Navigation.NavigateTo("/dashboards/snapshots?show=age&age=OneToThreeDays&sensitivity=Critical&page=1");

        var cut = Render<DashboardSnapshots>();

        cut.WaitForAssertion(() => DashboardReader.SnapshotRequests.ShouldNotBeEmpty());
        DashboardReader.SnapshotRequests[^1].ShouldBe(new SnapshotListRequest(
            SnapshotListKind.Age, Age: AgeBucket.OneToThreeDays, Sensitivity: Sensitivity.Critical,
            SortBy: SnapshotSortField.CompletedAt, Descending: true, Page: 1));
        cut.Find("[data-testid=list-title]").TextContent.ShouldBe("Available snapshots 1–3 days old (Critical)");
    }

    [Fact]
    public void SnapshotList_ExpiringWithin24Hours_ShowsRowsWithWhatKeepsThem()
    {
        Navigation.NavigateTo("/dashboards/snapshots?window=24h");

        var cut = Render<DashboardSnapshots>();

        cut.WaitForAssertion(() => cut.FindAll("[data-snapshot]").Count.ShouldBe(2));
        DashboardReader.SnapshotRequests[^1].ShouldBe(new SnapshotListRequest(SnapshotListKind.Expiring, ExpiryWindow.Within24Hours));
        cut.Find("[data-testid=list-title]").TextContent.ShouldBe("Snapshots expiring within 24 hours");
        var held = cut.FindAll("tbody tr").Single(r => r.QuerySelector($"[data-snapshot='{HeldId}']") is not null);
        held.QuerySelector("[data-protection]")!.TextContent.ShouldContain("Legal hold by sam.security: Investigation 2026-17");
        held.QuerySelector("a")!.GetAttribute("href").ShouldBe($"/inventory/vnfs/{VnfId}");
        cut.Find("[data-testid=pager-info]").TextContent.ShouldContain("of 31");
        cut.Find("[data-window='24h']").ClassList.ShouldContain("mud-button-filled");
    }

    [Fact]
    public void SnapshotList_Expiring_OffersOnlyTheExpiryOrder()
    {
        Navigation.NavigateTo("/dashboards/snapshots?window=7d");
        var cut = Render<DashboardSnapshots>();
        cut.WaitForAssertion(() => cut.FindAll("[data-snapshot]").Count.ShouldBe(2));

        cut.FindAll("button[data-sort]").Select(b => b.GetAttribute("data-sort")).ShouldBe(["ExpiresAt"]);
        cut.FindAll("[data-column]").Select(c => c.TextContent).ShouldBe(["VNF", "Sensitivity", "Completed"]);
    }

    [Fact]
    public void SnapshotList_WhenASortHeaderIsClicked_SortsOnTheServerAndPutsItInTheAddress()
    {
        Navigation.NavigateTo("/dashboards/snapshots?show=overdue");
        var cut = Render<DashboardSnapshots>();
        cut.WaitForAssertion(() => cut.FindAll("[data-snapshot]").Count.ShouldBe(2));

        cut.Find("button[data-sort=Vnf]").Click();

        cut.WaitForAssertion(() => DashboardReader.SnapshotRequests[^1].SortBy.ShouldBe(SnapshotSortField.Vnf));
        DashboardReader.SnapshotRequests[^1].Kind.ShouldBe(SnapshotListKind.Overdue);
        DashboardReader.SnapshotRequests[^1].Descending.ShouldBeFalse();
        Navigation.Uri.ShouldEndWith("/dashboards/snapshots?show=overdue&sort=Vnf");

        cut.Find("button[data-sort=Vnf]").Click();
        cut.WaitForAssertion(() => DashboardReader.SnapshotRequests[^1].Descending.ShouldBeTrue());
        Navigation.Uri.ShouldEndWith("/dashboards/snapshots?show=overdue&sort=Vnf&desc=true");
    }

    [Fact]
    public void SnapshotList_WhenTheAddressChanges_ShowsTheOtherWindow()
    {
        Navigation.NavigateTo("/dashboards/snapshots?window=24h");
        var cut = Render<DashboardSnapshots>();
        cut.WaitForAssertion(() => cut.FindAll("[data-snapshot]").Count.ShouldBe(2));

        Navigation.NavigateTo("/dashboards/snapshots?window=7d");

        cut.WaitForAssertion(() => DashboardReader.SnapshotRequests[^1].Window.ShouldBe(ExpiryWindow.Within7Days));
        cut.Find("[data-testid=list-title]").TextContent.ShouldBe("Snapshots expiring within 7 days");
    }

    [Fact]
    public void SnapshotList_WithAnAddressItCannotRead_FallsBackToDefaults()
    {
        Navigation.NavigateTo("/dashboards/snapshots?show=nonsense&window=99y&age=5&sensitivity=7&page=-3&size=7&sort=Name");

        var cut = Render<DashboardSnapshots>();

        cut.WaitForAssertion(() => DashboardReader.SnapshotRequests.ShouldNotBeEmpty());
        DashboardReader.SnapshotRequests[^1].ShouldBe(new SnapshotListRequest(SnapshotListKind.Expiring));
    }

    [Fact]
    public void SnapshotList_WhenTheReaderFails_OffersToTryAgain()
    {
        DashboardReader.Failure = new InvalidOperationException("down");
        var cut = Render<DashboardSnapshots>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=load-error]"));

        DashboardReader.Failure = null;
        cut.Find("[data-testid=load-error] button").Click();
        cut.WaitForAssertion(() => cut.FindAll("[data-snapshot]").Count.ShouldBe(2));
    }

    [Fact]
    public void Violations_ByDefault_ListOnlyComponentsBelowTheirRequiredTrust()
    {
        DashboardReader.ComponentPage = new ComponentPage(3,
        [
            new ComponentRow(VnfId, "upf-ham-07", Guid.NewGuid(), "pfcp-agent", Sensitivity.Internal, DashboardFixtures.Core,
                DashboardFixtures.Edge, TrustLevel.Medium),
        ], 1, 0, 25);

        var cut = Render<DashboardViolations>();

        cut.WaitForAssertion(() => cut.FindAll("[data-component]").Count.ShouldBe(1));
        DashboardReader.ComponentRequests[^1].ShouldBe(new ComponentListRequest());
        cut.Find("[data-testid=list-title]").TextContent.ShouldBe("Placement violations");
        cut.Find("[data-component]").GetAttribute("data-violates").ShouldBe("true");
        cut.Find("[data-testid=policy-revision]").TextContent.ShouldContain("revision 3");
        var row = cut.Find("tbody tr");
        row.QuerySelectorAll("[data-trust-level]").Select(e => e.GetAttribute("data-trust-level")).ShouldBe(["Low", "Medium"]);
    }

    [Fact]
    public void Violations_OfAMatrixCell_NameTheCellAndCanSwitchToOnlyItsViolations()
    {
        Inventory.TrustDomains.Add(new TrustDomain(DashboardFixtures.Core.Id, "Operator Core", "noc-core", ""));
        Inventory.Environments.Add(new ExecutionEnvironment(DashboardFixtures.Edge.Id, "Hamburg Edge Site 07", EnvironmentKind.EdgeSite,
            "Hamburg", TrustLevel.Low, AttestationStatus.Attested, null));
        Navigation.NavigateTo($"/dashboards/violations?domain={DashboardFixtures.Core.Id}&env={DashboardFixtures.Edge.Id}&all=true");

        var cut = Render<DashboardViolations>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=list-title]").TextContent.ShouldBe("Components: Operator Core in Hamburg Edge Site 07"));
        DashboardReader.ComponentRequests[^1].ShouldBe(new ComponentListRequest(false, DashboardFixtures.Core.Id, DashboardFixtures.Edge.Id));

        cut.Find("[data-testid=only-violations]").Click();

        cut.WaitForAssertion(() => DashboardReader.ComponentRequests[^1].ViolationsOnly.ShouldBeTrue());
        Navigation.Uri.ShouldEndWith($"/dashboards/violations?domain={DashboardFixtures.Core.Id}&env={DashboardFixtures.Edge.Id}");
    }

    [Fact]
    public void SnapshotList_OffersItsWholeListAsCsv_WithItsFilterAndOrder_AndSaysWhenTheFileIsCut()
    {
        DashboardReader.SnapshotPage = DashboardReader.SnapshotPage with { TotalCount = DashboardExports.MaxRows + 1 };
        Navigation.NavigateTo("/dashboards/snapshots?show=age&age=OneToThreeDays&sensitivity=Critical&page=1");

        var cut = Render<DashboardSnapshots>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=export-csv-limit]").TextContent.ShouldContain("first 50,000 of 50,001"));
        cut.Find("[data-testid=export-csv]").GetAttribute("href")
            .ShouldBe("/dashboards/export/snapshots.csv?show=age&age=OneToThreeDays&sensitivity=Critical");
        cut.Find("[data-testid=export-csv]").HasAttribute("download").ShouldBeTrue();
    }

    [Fact]
    public void ViolationsList_OffersItsListAsCsv()
    {
        Navigation.NavigateTo($"/dashboards/violations?domain={DashboardFixtures.Core.Id}&env={DashboardFixtures.Edge.Id}&all=true");

        var cut = Render<DashboardViolations>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=export-csv]").GetAttribute("href")
            .ShouldBe($"/dashboards/export/components.csv?domain={DashboardFixtures.Core.Id}&env={DashboardFixtures.Edge.Id}&all=true"));
        cut.FindAll("[data-testid=export-csv-limit]").ShouldBeEmpty();
    }
}

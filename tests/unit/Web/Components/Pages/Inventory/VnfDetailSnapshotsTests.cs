using Bunit;
using Console.UnitTests.Web.Components.Pages.Requests;
using Console.Web.Components.Pages.Inventory;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.Inventory;

public sealed class VnfDetailSnapshotsTests : RequestPageTest
{
    private readonly RequestScenarios.World _world;

    public VnfDetailSnapshotsTests() => _world = RequestScenarios.WithUdmAndPartnerCloud(Inventory);

    [Fact]
    public void VnfDetail_ForOperator_ListsSnapshotsAndLinksToPrefilledRequests()
    {
        SignInAsRequester();
        var available = VnfSnapshots.Add(Snapshots, _world, Now.AddDays(-1));
        VnfSnapshots.Add(Snapshots, _world, Now.AddDays(-8), deleted: true);

        var cut = Render<VnfDetail>(p => p.Add(x => x.Id, _world.Udm.Id));

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=snapshots] tbody tr").Count.ShouldBe(2));
        var rows = cut.FindAll("[data-testid=snapshots] tbody tr");
        rows[0].TextContent.ShouldContain("2025-11-19 10:00 UTC");
        rows[0].TextContent.ShouldContain("udm-store, udm-metrics");
        rows[0].TextContent.ShouldContain("3 GiB");
        rows[0].TextContent.ShouldContain("Anna Approver, Sam Security");
        rows[1].TextContent.ShouldContain("Deleted");
        cut.Find("[data-testid=request-deletion]").GetAttribute("href")
            .ShouldBe($"/requests/new?kind=SnapshotDeletion&vnf={_world.Udm.Id}&snapshot={available.Id}");
        cut.Find("[data-testid=request-snapshot]").GetAttribute("href").ShouldBe($"/requests/new?kind=Snapshot&vnf={_world.Udm.Id}");
        cut.Find("[data-testid=request-migration]").GetAttribute("href").ShouldBe($"/requests/new?kind=Migration&vnf={_world.Udm.Id}");
    }

    [Fact]
    public void VnfDetail_ForApprover_OffersNoRequestButtons()
    {
        SignInAsApprover();

        var cut = Render<VnfDetail>(p => p.Add(x => x.Id, _world.Udm.Id));

        cut.WaitForAssertion(() => cut.Find("[data-testid=no-snapshots]"));
        cut.FindAll("[data-testid=request-snapshot]").ShouldBeEmpty();
        cut.FindAll("[data-testid=request-migration]").ShouldBeEmpty();
    }
}

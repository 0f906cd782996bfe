using Bunit;
using Console.UnitTests.Web.Components.Pages.Requests;
using Console.Web.Components.Pages.Inventory;
using Console.Workflows.Nfv;
using Console.Workflows.Requests;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.Inventory;

/// <summary>The VNF page says on which host each of the VNF's machines runs and what its last migration cost the guest.</summary>
public sealed class VnfDetailLocationTests : RequestPageTest
{
    private readonly RequestScenarios.World _world;

    public VnfDetailLocationTests()
    {
        _world = RequestScenarios.WithUdmAndPartnerCloud(Inventory);
        SignInAsRequester();
    }

    [Fact]
    public void VnfDetail_OnTheLabAfterAMigration_ShowsTheHostsAndTheLastMigrationsDowntime()
    {
        Location.Machines[_world.Udm.Id] =
        [
            new MachinePlacement(null, "lab-b", "m0a1b2c3d4e5f6a7b8c9d-1234abcd"),
            new MachinePlacement(_world.Metrics.Id, "lab-c", "m9f8e7d6c5b4a3f2e1d0c-5678ef01"),
        ];
        var moved = Completed(RequestScenarios.WithPendingCriticalMigration(Store, _world, Now.AddHours(-3)), Now.AddHours(-2), TimeSpan.FromMilliseconds(321));
        // A later migration that failed moved nothing: the page keeps the completed one.
        var failed = RequestScenarios.Submit(Store, _world, RequestKind.Migration, _world.EdgeSite.Id, Now.AddHours(-1), "Try the edge.");
        Store.Append(failed.Id, new ExecutionFailed(failed.Id, 1, "refused", "system:workflow", Now.AddMinutes(-30)), "system:workflow", Now.AddMinutes(-30), "Failed");

        var cut = Render<VnfDetail>(p => p.Add(x => x.Id, _world.Udm.Id));

        cut.WaitForAssertion(() => cut.Find("[data-testid=vnf-host]").GetAttribute("data-host").ShouldBe("lab-b"));
        cut.Find("[data-testid=vnf-host]").TextContent.ShouldContain("m0a1b2c3d4e5f6a7b8c9d-1234abcd");
        var last = cut.Find("[data-testid=last-migration]");
        last.TextContent.ShouldContain("2025-11-20 08:00 UTC to Partner Cloud West (2 components): downtime 321 ms");
        last.QuerySelector("[data-downtime-ms]")!.GetAttribute("data-downtime-ms").ShouldBe("321");
        last.QuerySelector("a")!.GetAttribute("href").ShouldBe($"/requests/{moved.Id}");
        var metrics = cut.FindAll("[data-testid=components] tr").Single(r => r.TextContent.Contains("udm-metrics", StringComparison.Ordinal));
        metrics.QuerySelector("[data-testid=component-host]")!.GetAttribute("data-host").ShouldBe("lab-c");
        var store = cut.FindAll("[data-testid=components] tr").Single(r => r.TextContent.Contains("udm-store", StringComparison.Ordinal));
        store.QuerySelector("[data-testid=component-host]").ShouldBeNull("the store runs in the VNF's own machine");
    }

    [Fact]
    public void VnfDetail_OnTheSimulatorNeverMigrated_ShowsNoHostAndNoMigration()
    {
        var cut = Render<VnfDetail>(p => p.Add(x => x.Id, _world.Udm.Id));

        cut.WaitForAssertion(() => cut.Find("[data-testid=last-migration]").TextContent.ShouldContain("None completed"));
        cut.FindAll("[data-testid=vnf-host]").ShouldBeEmpty();
        cut.FindAll("[data-testid=component-host]").ShouldBeEmpty();
    }

    [Fact]
    public void VnfDetail_AMigrationWithoutMeasurement_SaysTheDowntimeWasNotMeasured()
    {
        Completed(RequestScenarios.WithPendingCriticalMigration(Store, _world, Now.AddHours(-3)), Now.AddHours(-2), downtime: null);

        var cut = Render<VnfDetail>(p => p.Add(x => x.Id, _world.Udm.Id));

        cut.WaitForAssertion(() => cut.Find("[data-testid=last-migration]").TextContent.ShouldContain("downtime not measured"));
        cut.Find("[data-testid=last-migration] [data-downtime-ms]").GetAttribute("data-downtime-ms").ShouldBe("");
    }

    [Fact]
    public void VnfDetail_WhenTheInfrastructureDoesNotAnswer_SaysSoAndShowsTheRest()
    {
        Location.Fails = true;

        var cut = Render<VnfDetail>(p => p.Add(x => x.Id, _world.Udm.Id));

        cut.WaitForAssertion(() => cut.Find("[data-testid=location-error]").TextContent.ShouldContain("reload the page to try again"));
        cut.Find("[data-testid=environment-facts]").TextContent.ShouldContain(_world.CoreDc.Name);
        cut.FindAll("[data-testid=components] tr").Count.ShouldBeGreaterThan(1);
    }

    private ChangeRequest Completed(ChangeRequest request, DateTimeOffset at, TimeSpan? downtime)
    {
        Store.Append(request.Id, new RequestApproved(request.Id, request.ContentDigest, "system:workflow", at.AddMinutes(-5)), "system:workflow", at.AddMinutes(-5), "Approved");
        Store.Append(request.Id, new ExecutionStarted(request.Id, 1, "system:workflow", at.AddMinutes(-1)), "system:workflow", at.AddMinutes(-1), "Started");
        return Store.Append(request.Id, new ExecutionCompleted(request.Id, 1, "moved", "system:workflow", at) { MeasuredDowntime = downtime },
            "system:workflow", at, "Completed");
    }
}

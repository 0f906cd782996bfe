using Bunit;
using Console.Web.Components.Pages.Inventory;
using Console.Workflows.Inventory;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.Inventory;

public sealed class VnfDetailTests : InventoryPageTest
{
    private readonly InventoryScenarios.CoreAndEdge _world;

    public VnfDetailTests()
    {
        _world = InventoryScenarios.WithCoreAndEdge(Inventory);
        SignInAsOperator();
    }

    [Fact]
    public void VnfDetail_ShowsComponentsWithSensitivityTrustDomainAndPlacementWarning()
    {
        // A UDM at a low-trust edge site: its critical subscriber-data component is misplaced, its public one is fine.
        var vnf = Inventory.AddVnf("udm-edge-1", VnfType.UDM, "Ericsson", "2.0.0", _world.EdgeSite,
            ("udm-subscriber-store", Sensitivity.Critical, _world.SubscriberData),
            ("udm-metrics", Sensitivity.Public, _world.Signalling));

        var cut = Render<VnfDetail>(p => p.Add(x => x.Id, vnf.Id));

        cut.WaitForAssertion(() => cut.Find("h1").TextContent.ShouldBe("udm-edge-1"));
        cut.Find("[data-testid=placement-warning]").TextContent.ShouldContain("1 component runs in an environment trusted less");

        var store = ComponentRow(cut, "udm-subscriber-store");
        store.QuerySelector("[data-sensitivity]")!.GetAttribute("data-sensitivity").ShouldBe("Critical");
        store.TextContent.ShouldContain("Subscriber Data");
        store.TextContent.ShouldContain("Core Security Team");
        store.QuerySelector("[data-testid=runs-in] [data-trust-level]")!.GetAttribute("data-trust-level").ShouldBe("Low");
        store.QuerySelector("td[data-label='Required trust level'] [data-trust-level]")!.GetAttribute("data-trust-level").ShouldBe("High");
        store.QuerySelector("[data-placement]")!.GetAttribute("data-placement").ShouldBe("violated");
        store.TextContent.ShouldContain("needs High,");
        store.TextContent.ShouldContain(" is Low");

        var metrics = ComponentRow(cut, "udm-metrics");
        metrics.QuerySelector("[data-sensitivity]")!.GetAttribute("data-sensitivity").ShouldBe("Public");
        metrics.TextContent.ShouldContain("Signalling");
        metrics.QuerySelector("[data-placement]")!.GetAttribute("data-placement").ShouldBe("satisfied");
    }

    [Fact]
    public void VnfDetail_ShowsTheEnvironmentItRunsIn()
    {
        var vnf = Inventory.AddVnf("amf-1", VnfType.AMF, _world.CoreDc, ("amf-sbi", Sensitivity.Sensitive, _world.Signalling));

        var cut = Render<VnfDetail>(p => p.Add(x => x.Id, vnf.Id));

        cut.WaitForAssertion(() => cut.Find("[data-testid=environment-facts]").TextContent.ShouldContain("Frankfurt Core DC"));
        var facts = cut.Find("[data-testid=environment-facts]");
        facts.TextContent.ShouldContain("Core data centre");
        facts.TextContent.ShouldContain("Frankfurt");
        facts.TextContent.ShouldContain("2025-11-20 08:30 UTC");
        facts.QuerySelector("[data-attestation]")!.GetAttribute("data-attestation").ShouldBe("Attested");
        cut.FindAll("[data-testid=placement-warning]").ShouldBeEmpty();
        cut.FindAll("[data-testid=edit-vnf]").ShouldBeEmpty();
    }

    [Fact]
    public void VnfDetail_ForAdministrator_ShowsEdit()
    {
        SignInAsAdministrator();
        var vnf = Inventory.AddVnf("amf-1", VnfType.AMF, _world.CoreDc, ("amf-sbi", Sensitivity.Sensitive, _world.Signalling));

        var cut = Render<VnfDetail>(p => p.Add(x => x.Id, vnf.Id));

        cut.WaitForAssertion(() => cut.Find("[data-testid=edit-vnf]").GetAttribute("href").ShouldBe($"/inventory/vnfs/{vnf.Id}/edit"));
    }

    [Fact]
    public void VnfDetail_WhenIdUnknown_SaysSoWithLinkBack()
    {
        var cut = Render<VnfDetail>(p => p.Add(x => x.Id, Guid.NewGuid()));

        cut.WaitForAssertion(() => cut.Find("[data-testid=not-found]").TextContent.ShouldContain("No VNF with this id"));
        cut.Find("[data-testid=not-found] a").GetAttribute("href").ShouldBe("/inventory");
    }

    private static AngleSharp.Dom.IElement ComponentRow(IRenderedComponent<VnfDetail> cut, string name) =>
        cut.FindAll("[data-testid=components] tbody tr").Single(r => r.QuerySelector("td")!.TextContent.Trim() == name);
}

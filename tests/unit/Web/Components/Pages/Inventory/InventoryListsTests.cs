using Bunit;
using Console.Web.Components.Pages.Inventory;
using Console.Workflows.Inventory;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.Inventory;

public sealed class InventoryListsTests : InventoryPageTest
{
    private readonly InventoryScenarios.CoreAndEdge _world;

    public InventoryListsTests()
    {
        _world = InventoryScenarios.WithThirtyVnfs(Inventory);
        SignInAsOperator();
    }

    [Fact]
    public void Environments_ShowCountsAndLinkToFilteredInventory()
    {
        var cut = Render<Environments>();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=environments] tbody tr").Count.ShouldBe(2));
        var core = cut.FindAll("[data-testid=environments] tbody tr").Single(r => r.TextContent.Contains("Frankfurt Core DC"));
        core.QuerySelector("[data-testid=vnf-count]")!.TextContent.Trim().ShouldBe("20");
        core.QuerySelector("[data-testid=component-count]")!.TextContent.Trim().ShouldBe("20");
        core.QuerySelector("[data-trust-level]")!.GetAttribute("data-trust-level").ShouldBe("High");
        core.QuerySelector("a")!.GetAttribute("href").ShouldBe($"/inventory?env={_world.CoreDc.Id}");
        core.QuerySelector("[data-testid=operator-domain]")!.TextContent.Trim().ShouldBe("Signalling");
        var edge = cut.FindAll("[data-testid=environments] tbody tr").Single(r => r.TextContent.Contains("Munich Edge 3"));
        edge.QuerySelector("[data-testid=operator-domain]")!.TextContent.Trim().ShouldBe("—");
        cut.FindAll("[data-testid=edit-environment]").ShouldBeEmpty();
        cut.FindAll("[data-testid=register-environment]").ShouldBeEmpty();
    }

    [Fact]
    public void Environments_ForAdministrator_ShowRegisterAndEdit()
    {
        SignInAsAdministrator();

        var cut = Render<Environments>();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=edit-environment]").Count.ShouldBe(2));
        cut.Find("[data-testid=register-environment]").GetAttribute("href").ShouldBe("/inventory/environments/new");
    }

    [Fact]
    public void TrustDomains_ShowOwnerAndLinkToFilteredInventory()
    {
        var cut = Render<TrustDomains>();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=trust-domains] tbody tr").Count.ShouldBe(2));
        var domain = cut.FindAll("[data-testid=trust-domains] tbody tr").Single(r => r.TextContent.Contains("Subscriber Data"));
        domain.TextContent.ShouldContain("Core Security Team");
        domain.QuerySelector("a")!.GetAttribute("href").ShouldBe($"/inventory?domain={_world.SubscriberData.Id}");
        cut.FindAll("[data-testid=register-trust-domain]").ShouldBeEmpty();
    }

    [Fact]
    public void TrustDomains_WhenReaderFails_ShowLoadError()
    {
        Reader.Failure = new InvalidOperationException("database down");

        var cut = Render<TrustDomains>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=load-error]").TextContent.ShouldContain("could not be loaded"));
    }
}

using Console.UnitTests.Web.Fakes;
using Console.Workflows.Inventory;

namespace Console.UnitTests.Web.Components.Pages.Inventory;

/// <summary>Inventories the page tests start from, named by what is in them.</summary>
public static class InventoryScenarios
{
    public sealed record CoreAndEdge(
        TrustDomain SubscriberData,
        TrustDomain Signalling,
        ExecutionEnvironment CoreDc,
        ExecutionEnvironment EdgeSite);

    /// <summary>
    /// Ten AMFs and ten SMFs (vendor Nokia) in a highly trusted core data centre, ten UPFs (vendor Ericsson) at a
    /// low-trust edge site: 30 VNFs, more than one page at the default page size of 25.
    /// </summary>
    public static CoreAndEdge WithThirtyVnfs(InMemoryInventory inventory)
    {
        var world = WithCoreAndEdge(inventory);
        for (var i = 1; i <= 10; i++)
        {
            inventory.AddVnf($"amf-{i:00}", VnfType.AMF, "Nokia", "23.4.1", world.CoreDc,
                ("amf-sbi", Sensitivity.Sensitive, world.Signalling));
            inventory.AddVnf($"smf-{i:00}", VnfType.SMF, "Nokia", "22.1.0", world.CoreDc,
                ("smf-sbi", Sensitivity.Internal, world.Signalling));
            inventory.AddVnf($"upf-{i:00}", VnfType.UPF, "Ericsson", "1.9.2", world.EdgeSite,
                ("upf-user-plane", Sensitivity.Public, world.Signalling));
        }

        return world;
    }

    /// <summary>The core data centre is operated by Signalling; the edge site has no operating domain yet.</summary>
    public static CoreAndEdge WithCoreAndEdge(InMemoryInventory inventory)
    {
        var subscriberData = inventory.AddTrustDomain("Subscriber Data", "Core Security Team");
        var signalling = inventory.AddTrustDomain("Signalling", "Core Network Ops");
        return new(
            subscriberData,
            signalling,
            inventory.AddEnvironment("Frankfurt Core DC", TrustLevel.High, operatorDomainId: signalling.Id),
            inventory.AddEnvironment("Munich Edge 3", TrustLevel.Low, EnvironmentKind.EdgeSite, "Munich"));
    }
}

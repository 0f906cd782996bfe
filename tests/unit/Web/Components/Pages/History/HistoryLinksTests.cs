using Bunit;
using Console.Web.Components.Pages.Inventory;
using Console.Workflows.Common;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.History;

/// <summary>The VNF page leads the history's readers to the VNF's timeline, and only them.</summary>
public sealed class HistoryLinksTests : HistoryPageTest
{
    [Fact]
    public void VnfDetail_ForAnAuditor_LinksToTheVnfsHistory()
    {
        var vnf = Inventory.Vnfs[0];

        var cut = Render<VnfDetail>(p => p.Add(x => x.Id, vnf.Id));

        cut.WaitForAssertion(() => cut.Find("a[data-testid=vnf-history]").GetAttribute("href").ShouldBe($"/history/vnfs/{vnf.Id}"));
    }

    [Fact]
    public void VnfDetail_ForAnOperator_HasNoHistoryLink()
    {
        SignInAs("olli.operator", Roles.NocOperator);
        var vnf = Inventory.Vnfs[0];

        var cut = Render<VnfDetail>(p => p.Add(x => x.Id, vnf.Id));

        cut.WaitForAssertion(() => cut.Find("h1").TextContent.ShouldBe(vnf.Name));
        cut.FindAll("[data-testid=vnf-history]").ShouldBeEmpty();
    }
}

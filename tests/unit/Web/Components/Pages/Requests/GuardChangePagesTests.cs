using Bunit;
using Console.Web.Components.Pages.Policy;
using Console.Web.Components.Pages.Requests;
using Console.Workflows.Common;
using Console.Workflows.Guards;
using Console.Workflows.Guards.Submitting;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.ChangingEnvironment;
using Console.Workflows.Policy;
using Console.Workflows.Requests;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.Requests;

/// <summary>What people see of four eyes on the guards: the edit page says the change waits, the request shows it.</summary>
public sealed class GuardChangePagesTests : RequestPageTest
{
    private const string Admin = "ada.admin";

    private ChangeRequest WithPendingTrustRaise()
    {
        var edge = Inventory.Environments.First(e => e.TrustLevel < TrustLevel.High);
        var command = new ChangeEnvironment(edge.Id, edge.Version, edge.Name, edge.Kind, edge.Location, TrustLevel.High, edge.AttestationStatus);
        var change = GuardChange.For(command, edge.Name, new GuardVerdict(
            [new GuardDifference("Trust level", edge.TrustLevel.ToString(), "High", true), new GuardDifference("Location", "Berlin", "Potsdam", false)]));
        var policy = new ApprovalPolicy(ApprovalPolicy.StreamId, 1, DefaultPolicy.Document, "system:seed", Now.AddDays(-1));
        var admin = new Actor(Admin, "Ada Admin", new HashSet<string> { Roles.Administrator });
        var submitted = SubmitGuardChangeDecider.Decide(change, Guid.NewGuid(), policy, admin, Now.AddMinutes(-5))
            .Events.OfType<RequestSubmitted>().Single();
        return Store.Add(submitted);
    }

    [Fact]
    public void FourEyes_RequestPage_ShowsTheChangeBeforeAndAfter_AndOffersASecurityOfficerTheApproval()
    {
        RequestScenarios.WithUdmAndPartnerCloud(Inventory);
        var request = WithPendingTrustRaise();
        SignInAs(Users.Security, Roles.SecurityOfficer);

        var cut = Render<RequestDetail>(p => p.Add(x => x.Id, request.Id));

        cut.WaitForAssertion(() => cut.Find("[data-testid=guard-differences]"));
        cut.Find("h1").TextContent.ShouldStartWith("Guard change of Environment ");
        var rows = cut.FindAll("[data-testid=guard-differences] tbody tr");
        rows.Count.ShouldBe(2);
        rows[0].TextContent.ShouldContain("Trust level");
        rows[0].QuerySelector("[data-testid=guard-after]")!.TextContent.ShouldBe("High");
        rows[0].QuerySelector("[data-testid=weakens]").ShouldNotBeNull();
        rows[1].QuerySelector("[data-testid=weakens]").ShouldBeNull();
        cut.Find("[data-testid=group-to-fill]").TextContent.ShouldBe("Security officers");
        cut.FindAll("[data-testid=components]").ShouldBeEmpty();
    }

    [Fact]
    public void FourEyes_RequestPage_ForTheRequestingAdministrator_OffersNoApproval()
    {
        RequestScenarios.WithUdmAndPartnerCloud(Inventory);
        var request = WithPendingTrustRaise();
        SignInAs(Admin, Roles.Administrator, Roles.SecurityOfficer);

        var cut = Render<RequestDetail>(p => p.Add(x => x.Id, request.Id));

        cut.WaitForAssertion(() => cut.Find("[data-testid=requester-note]"));
        cut.FindAll("[data-testid=approve]").ShouldBeEmpty();
    }

    [Fact]
    public void FourEyes_PolicyEdit_WeakerRevision_SaysItWasSubmittedForApproval_LinksTheRequest_AndChangesNothing()
    {
        SignInAs(Admin, Roles.Administrator);
        var cut = Render<PolicyEdit>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=reason]"));

        cut.Find("button[data-testid='remove-Sensitivities[2].Approvals[0]']").Click();
        cut.Find("textarea[data-testid=reason]").Input("Sensitive work needs no NOC approver any more.");
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => cut.Find("[data-testid=submitted-for-approval]").TextContent.ShouldContain("submitted for approval"));
        var (_, requestId) = Policy.Held.ShouldHaveSingleItem();
        cut.Find("[data-testid=guard-request-link]").GetAttribute("href").ShouldBe($"/requests/{requestId:D}");
        cut.FindAll("[data-testid=saved]").ShouldBeEmpty();
        Policy.Revisions.Count.ShouldBe(1);
    }

    [Fact]
    public void FourEyes_PolicyEdit_RevisionCrossingAFloor_ShowsTheFloorMessage_AndNothingIsHeld()
    {
        SignInAs(Admin, Roles.Administrator);
        var cut = Render<PolicyEdit>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=reason]"));

        cut.Find("button[data-testid='remove-Sensitivities[3].Approvals[1]']").Click();
        cut.Find("textarea[data-testid=reason]").Input("Critical work without the security officer.");
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => cut.Find("[data-testid=refusal]").TextContent.ShouldContain(PolicyFloors.Message));
        Policy.Held.ShouldBeEmpty();
        Policy.Revisions.Count.ShouldBe(1);
    }
}

using Bunit;
using Console.UnitTests.Web.Components.Pages.Requests;
using Console.Web.Components.Pages.Approvals;
using Console.Workflows.Common;
using Console.Workflows.Requests;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.Approvals;

public sealed class InboxTests : RequestPageTest
{
    private readonly RequestScenarios.World _world;

    public InboxTests() => _world = RequestScenarios.WithUdmAndPartnerCloud(Inventory);

    [Fact]
    public void Inbox_ForSecurityOfficer_ShowsEachWaitingRequestWithTheGroupToFill()
    {
        RequestScenarios.WithPendingCriticalMigration(Store, _world, Now.AddHours(-2));
        SignInAsSecurityOfficer();

        var cut = Render<Inbox>();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=inbox-item]").Count.ShouldBe(1));
        var item = cut.Find("[data-testid=inbox-item]");
        item.QuerySelector("[data-testid=group-to-fill]")!.TextContent.ShouldBe("Security officers");
        item.QuerySelector("[data-testid=request-link]")!.TextContent.Trim().ShouldBe("Migration of udm-1");
        item.QuerySelector("[data-sensitivity]")!.GetAttribute("data-sensitivity").ShouldBe("Critical");
        item.TextContent.ShouldContain("To Partner Cloud West");
        item.QuerySelector("[data-testid=requester]")!.TextContent.ShouldBe("Olivia Operator");
        item.QuerySelector("[data-testid=age]")!.TextContent.ShouldBe("2 h ago");
        item.QuerySelector("[data-testid=expires]")!.TextContent.ShouldContain("expires in 22 h");
    }

    [Fact]
    public void Inbox_Approve_CallsApproveWithTheDigestAndVersionAndTheItemLeaves()
    {
        var request = RequestScenarios.WithPendingCriticalMigration(Store, _world, Now.AddHours(-1));
        SignInAsApprover();
        var cut = Render<Inbox>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=group-to-fill]").TextContent.ShouldBe("NOC approvers"));

        cut.Find("input[data-testid=approve-comment]").Change("Window agreed with the partner.");
        cut.Find("button[data-testid=approve]").Click();

        cut.WaitForAssertion(() => cut.Find("[data-testid=empty-state]"));
        var (command, actor) = RequestCommands.Received.ShouldHaveSingleItem();
        command.ShouldBe(new ApproveRequest(request.Id, 1, request.ContentDigest, "Window agreed with the partner."));
        actor.UserId.ShouldBe(Users.Approver);
        Store.Get(request.Id).Approvals.ShouldHaveSingleItem().Group.ShouldBe("NOC approvers");
        Snackbar.ShownSnackbars.ShouldHaveSingleItem();
    }

    [Fact]
    public void Inbox_Reject_RequiresAReasonInTheDialog()
    {
        var request = RequestScenarios.WithPendingSnapshot(Store, _world, Now.AddHours(-1));
        SignInAsApprover();
        var cut = RenderWithDialogs<Inbox>();
        cut.WaitForAssertion(() => cut.Find("button[data-testid=reject]"));

        cut.Find("button[data-testid=reject]").Click();
        cut.WaitForAssertion(() => cut.Find("button[data-testid=reject-confirm]"));
        cut.Find("button[data-testid=reject-confirm]").Click();

        cut.WaitForAssertion(() => cut.Markup.ShouldContain("Give a reason for the rejection."));
        RequestCommands.Received.ShouldBeEmpty();
        Store.Get(request.Id).Status.ShouldBe(RequestStatus.PendingApproval);

        cut.Find("textarea[data-testid=reject-reason]").Input("No snapshot during the audit.");
        cut.Find("button[data-testid=reject-confirm]").Click();

        cut.WaitForAssertion(() => Store.Get(request.Id).Status.ShouldBe(RequestStatus.Rejected));
        RequestCommands.Received.ShouldHaveSingleItem().Command.ShouldBe(new RejectRequest(request.Id, 1, "No snapshot during the audit."));
        cut.WaitForAssertion(() => cut.Find("[data-testid=empty-state]"));
    }

    [Fact]
    public void Inbox_WhenNothingWaits_ShowsEmptyState()
    {
        // The requester's own request never shows in their inbox, whatever roles they hold.
        RequestScenarios.Submit(Store, _world, RequestKind.Snapshot, null, Now.AddHours(-1), "Snapshot before the upgrade.",
            requesterId: Users.Approver, requesterName: "Anna Approver");
        SignInAsApprover();

        var cut = Render<Inbox>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=empty-state]").TextContent.ShouldContain("Nothing waits for your approval."));
    }

    [Fact]
    public void Inbox_WhenAnotherApproverFillsTheLastSlot_TheItemDisappearsWithoutRefresh()
    {
        var request = RequestScenarios.WithPendingCriticalMigration(Store, _world, Now.AddHours(-1));
        SignInAsApprover();
        var cut = Render<Inbox>();
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=inbox-item]").Count.ShouldBe(1));

        var other = new Actor(Users.Approver2, "Ben Approver", new HashSet<string> { Roles.NocApprover });
        cut.InvokeAsync(() => RequestCommands.ApproveAsync(new ApproveRequest(request.Id, 1, request.ContentDigest, null), other));

        cut.WaitForAssertion(() => cut.Find("[data-testid=empty-state]"));
        cut.Find("[data-testid=updated-hint]").TextContent.ShouldContain("updated just now");
    }

    [Fact]
    public void Inbox_WhenTheRequestChangedMeanwhile_SaysSomeoneElseActedFirst()
    {
        var request = RequestScenarios.WithPendingCriticalMigration(Store, _world, Now.AddHours(-1));
        SignInAsSecurityOfficer();
        var cut = Render<Inbox>();
        cut.WaitForAssertion(() => cut.Find("button[data-testid=approve]"));
        Store.Append(request.Id, new ApprovalGranted(request.Id, Users.Approver, "Anna Approver", "NOC approvers", request.ContentDigest, null, Now),
            "Anna Approver", Now, "Approved for NOC approvers");

        cut.Find("button[data-testid=approve]").Click();

        cut.WaitForAssertion(() => cut.Find("[data-testid=action-refusal]").TextContent.ShouldContain("Someone else acted first"));
        Store.Get(request.Id).Approvals.ShouldHaveSingleItem().ApproverId.ShouldBe(Users.Approver);
        // Reloaded: the officer's slot is still open, at the new version.
        cut.Find("[data-testid=group-to-fill]").TextContent.ShouldBe("Security officers");
    }
}

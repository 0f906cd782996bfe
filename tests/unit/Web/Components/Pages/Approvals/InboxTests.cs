using Bunit;
using Console.UnitTests.Web.Components.Pages.Requests;
using Console.Web.Components.Pages.Approvals;
using Console.Workflows.Common;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Approving;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.Approvals;

public sealed class InboxTests : RequestPageTest
{
    private readonly RequestScenarios.World _world;

    public InboxTests() => _world = RequestScenarios.WithUdmAndPartnerCloud(Inventory);

    [Fact]
    public void Inbox_ForSecurityOfficer_ShowsEachWaitingRequestWithItsContentAndWhatApprovingSetsInMotion()
    {
        RequestScenarios.WithPendingCriticalMigration(Store, _world, Now.AddHours(-2));
        SignInAsSecurityOfficer();

        var cut = Render<Inbox>();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=inbox-item]").Count.ShouldBe(1));
        var item = cut.Find("[data-testid=inbox-item]");
        item.QuerySelector("[data-testid=group-to-fill]")!.TextContent.ShouldBe("Security officers");
        item.QuerySelector("[data-testid=request-link]")!.TextContent.Trim().ShouldBe("Migration of udm-1");
        item.QuerySelector("[data-sensitivity]")!.GetAttribute("data-sensitivity").ShouldBe("Critical");
        item.QuerySelector("[data-testid=requester]")!.TextContent.ShouldBe("Olivia Operator");
        item.QuerySelector("[data-testid=age]")!.TextContent.ShouldBe("2 h ago");
        item.QuerySelector("[data-testid=expires]")!.TextContent.ShouldContain("expires in 22 h");
        string Text(string testId) => item.QuerySelector($"[data-testid={testId}]")!.TextContent.Trim();
        Text("source").ShouldBe("Frankfurt Core DC");
        Text("target").ShouldBe("Partner Cloud West");
        Text("components").ShouldBe("udm-store (Critical), udm-metrics (Public)");
        Text("window").ShouldBe("Any time");
        Text("justification").ShouldBe("Move the UDM to the partner cloud for the maintenance window.");
        Text("approval-effect").ShouldBe(
            $"Your approval fills Security officers; 1 NOC approver and 1 member of {RequestScenarios.PartnerOwners} still needed before the migration can start.");
    }

    [Fact]
    public void Inbox_ForTheLastApprovalNeeded_SaysItCompletesTheQuorumAndTheMigrationStarts()
    {
        var request = RequestScenarios.WithPendingCriticalMigration(Store, _world, Now.AddHours(-2));
        Store.Append(request.Id, new ApprovalGranted(request.Id, Users.Approver, "Anna Approver", "NOC approvers", request.ContentDigest, null, Now),
            "Anna Approver", Now, "Approved for NOC approvers");
        Store.Append(request.Id, new ApprovalGranted(request.Id, Users.PartnerOwner, "Pia Partner", "Target domain owners", request.ContentDigest, null, Now),
            "Pia Partner", Now, "Approved for Target domain owners");
        SignInAsSecurityOfficer();

        var cut = Render<Inbox>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=approval-effect]").TextContent.Trim()
            .ShouldBe("Your approval completes the quorum: the migration starts now."));
        cut.Find("[data-testid=approval-effect]").GetAttribute("data-completes").ShouldBe("true");
    }

    [Fact]
    public void Inbox_Approve_AsksToConfirmNamingTheDigestAndGoingBackSendsNothing()
    {
        var request = RequestScenarios.WithPendingCriticalMigration(Store, _world, Now.AddHours(-1));
        SignInAsApprover();
        var cut = RenderWithDialogs<Inbox>();
        cut.WaitForAssertion(() => cut.Find("button[data-testid=approve]"));

        cut.Find("button[data-testid=approve]").Click();

        cut.WaitForAssertion(() => cut.Find("[data-testid=approve-digest]").TextContent.ShouldBe(request.ContentDigest));
        cut.Find("[data-testid=approve-subject]").TextContent.ShouldBe("Migration of udm-1, requested by Olivia Operator.");
        cut.Find("[data-testid=approve-effect]").TextContent.ShouldContain("Your approval fills NOC approvers");
        cut.Find("button[data-testid=approve-back]").Click();
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=approve-dialog]").ShouldBeEmpty());
        CommandBus.Received.ShouldBeEmpty();
        cut.FindAll("[data-testid=step-up-dialog]").ShouldBeEmpty();
    }

    [Fact]
    public async Task Inbox_WhenTheRequestIsAmendedWhileTheApproverConfirms_TheApprovalIsRefusedAsChanged()
    {
        var request = RequestScenarios.WithPendingCriticalMigration(Store, _world, Now.AddHours(-1));
        SignInAsApprover();
        var cut = RenderWithDialogs<Inbox>();
        cut.WaitForAssertion(() => cut.Find("button[data-testid=approve]"));
        cut.Find("button[data-testid=approve]").Click();
        cut.WaitForAssertion(() => cut.Find("[data-testid=approve-digest]").TextContent.ShouldBe(request.ContentDigest));

        // The requester amends the justification meanwhile, through the amendment decider.
        var requester = new Actor(Users.Operator, "Olivia Operator", new HashSet<string> { Roles.NocOperator });
        Outcome? amended = null;
        await cut.InvokeAsync(async () => amended = await CommandBus.IssueAsync(new AmendRequest(
            request.Id, 1, request.Content.ComponentIds, _world.PartnerCloud.Id, "Move the UDM and retire the old rack.", null), requester));
        amended!.Succeeded.ShouldBeTrue(amended.Refusal?.Message);
        cut.Find("button[data-testid=approve-confirm]").Click();
        cut.WaitForAssertion(() => cut.Find("input[data-testid=step-up-code]"));
        cut.Find("input[data-testid=step-up-code]").Input("123456");
        cut.Find("button[data-testid=step-up-confirm]").Click();

        cut.WaitForAssertion(() => cut.Find("[data-testid=action-refusal]").TextContent.Trim()
            .ShouldBe(ApproveRequestDecider.ContentChangedMessage));
        var (command, _) = CommandBus.Received.Last();
        ((ApproveRequest)command).ContentDigest.ShouldBe(request.ContentDigest, "the approval carries the digest the approver was shown");
        Store.Get(request.Id).Approvals.ShouldBeEmpty();
        // Reloaded: the amended text is what the approver reads now.
        cut.Find("[data-testid=justification]").TextContent.ShouldBe("Move the UDM and retire the old rack.");
    }

    [Fact]
    public void StepUp_InboxApproveOfCriticalWork_AsksForTheCodeAndSendsItWithTheDigestAndVersion()
    {
        var request = RequestScenarios.WithPendingCriticalMigration(Store, _world, Now.AddHours(-1));
        SignInAsApprover();
        var cut = RenderWithDialogs<Inbox>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=group-to-fill]").TextContent.ShouldBe("NOC approvers"));

        cut.Find("input[data-testid=approve-comment]").Change("Window agreed with the partner.");
        cut.Find("button[data-testid=approve]").Click();
        cut.WaitForAssertion(() => cut.Find("[data-testid=approve-digest]").TextContent.ShouldBe(request.ContentDigest));
        CommandBus.Received.ShouldBeEmpty("nothing is sent before the approver confirms");
        cut.Find("button[data-testid=approve-confirm]").Click();

        cut.WaitForAssertion(() => cut.Find("[data-testid=step-up-why]").TextContent.ShouldContain("it touches Critical components"));
        CommandBus.Received.ShouldBeEmpty("nothing is sent before the code is given");
        cut.Find("input[data-testid=step-up-code]").Input("123456");
        cut.Find("button[data-testid=step-up-confirm]").Click();

        cut.WaitForAssertion(() => cut.Find("[data-testid=empty-state]"));
        var (command, actor) = CommandBus.Received.ShouldHaveSingleItem();
        command.ShouldBe(new ApproveRequest(request.Id, 1, request.ContentDigest, "Window agreed with the partner.") { StepUpCode = "123456" });
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
        CommandBus.Received.ShouldBeEmpty();
        Store.Get(request.Id).Status.ShouldBe(RequestStatus.PendingApproval);

        cut.Find("textarea[data-testid=reject-reason]").Input("No snapshot during the audit.");
        cut.Find("button[data-testid=reject-confirm]").Click();
        // The snapshot covers a Critical component: rejecting it asks for the code too.
        cut.WaitForAssertion(() => cut.Find("input[data-testid=step-up-code]"));
        cut.Find("input[data-testid=step-up-code]").Input("123456");
        cut.Find("button[data-testid=step-up-confirm]").Click();

        cut.WaitForAssertion(() => Store.Get(request.Id).Status.ShouldBe(RequestStatus.Rejected));
        CommandBus.Received.ShouldHaveSingleItem().Command.ShouldBe(new RejectRequest(request.Id, 1, "No snapshot during the audit.") { StepUpCode = "123456" });
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
        cut.InvokeAsync(() => CommandBus.IssueAsync(new ApproveRequest(request.Id, 1, request.ContentDigest, null) { StepUpCode = "123456" }, other));

        cut.WaitForAssertion(() => cut.Find("[data-testid=empty-state]"));
        cut.Find("[data-testid=updated-hint]").TextContent.ShouldContain("updated just now");
    }

    [Fact]
    public void Inbox_WhenTheRequestChangedMeanwhile_SaysSomeoneElseActedFirst()
    {
        var request = RequestScenarios.WithPendingCriticalMigration(Store, _world, Now.AddHours(-1));
        SignInAsSecurityOfficer();
        var cut = RenderWithDialogs<Inbox>();
        cut.WaitForAssertion(() => cut.Find("button[data-testid=approve]"));
        Store.Append(request.Id, new ApprovalGranted(request.Id, Users.Approver, "Anna Approver", "NOC approvers", request.ContentDigest, null, Now),
            "Anna Approver", Now, "Approved for NOC approvers");

        cut.Find("button[data-testid=approve]").Click();
        cut.WaitForAssertion(() => cut.Find("button[data-testid=approve-confirm]"));
        cut.Find("button[data-testid=approve-confirm]").Click();
        cut.WaitForAssertion(() => cut.Find("input[data-testid=step-up-code]"));
        cut.Find("input[data-testid=step-up-code]").Input("123456");
        cut.Find("button[data-testid=step-up-confirm]").Click();

        cut.WaitForAssertion(() => cut.Find("[data-testid=action-refusal]").TextContent.ShouldContain("Someone else acted first"));
        Store.Get(request.Id).Approvals.ShouldHaveSingleItem().ApproverId.ShouldBe(Users.Approver);
        // Reloaded: the officer's slot is still open, at the new version.
        cut.Find("[data-testid=group-to-fill]").TextContent.ShouldBe("Security officers");
    }
}

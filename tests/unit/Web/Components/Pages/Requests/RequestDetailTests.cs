using Bunit;
using Console.Web.Components.Pages.Requests;
using Console.Workflows.Common;
using Console.Workflows.Requests;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.Requests;

public sealed class RequestDetailTests : RequestPageTest
{
    private readonly RequestScenarios.World _world;

    public RequestDetailTests() => _world = RequestScenarios.WithUdmAndPartnerCloud(Inventory);

    [Fact]
    public void RequestDetail_PendingCriticalMigration_ShowsStepsGroupsAndJournal()
    {
        var request = RequestScenarios.WithPendingCriticalMigration(Store, _world, Now.AddHours(-2));
        SignInAsApprover();

        var cut = Render<RequestDetail>(p => p.Add(x => x.Id, request.Id));

        cut.WaitForAssertion(() => cut.Find("[data-testid=request-status]").TextContent.Trim().ShouldBe("Pending approval"));
        cut.Find("h1").TextContent.ShouldBe("Migration of udm-1");
        cut.Find("[data-testid=target]").TextContent.ShouldBe("Partner Cloud West");
        Step(cut, "submitted").GetAttribute("data-state").ShouldBe("Done");
        Step(cut, "policy").GetAttribute("data-state").ShouldBe("Done");
        Step(cut, "approval").GetAttribute("data-state").ShouldBe("Current");
        Step(cut, "approval").TextContent.ShouldContain("0 of 3 approvals so far; expires in 22 h");
        Step(cut, "attestation").GetAttribute("data-state").ShouldBe("Waiting");
        Step(cut, "execution").GetAttribute("data-state").ShouldBe("Waiting");
        cut.FindAll("[data-testid=groups] [data-group]").Select(g => g.GetAttribute("data-group"))
            .ShouldBe(["NOC approvers", "Security officers", "Target domain owners"]);
        cut.Find("[data-group='Target domain owners']").TextContent.ShouldContain(RequestScenarios.PartnerOwners);
        cut.Find("[data-testid=journal] tbody").TextContent.ShouldContain("Move the UDM to the partner cloud");
        cut.Find("[data-testid=components]").TextContent.ShouldContain("Subscriber Data");
    }

    [Fact]
    public void RequestDetail_ForRequester_OffersNoApproveOrRejectButCancel()
    {
        var request = RequestScenarios.WithPendingCriticalMigration(Store, _world, Now.AddHours(-1));
        SignInAsRequester();

        var cut = Render<RequestDetail>(p => p.Add(x => x.Id, request.Id));

        cut.WaitForAssertion(() => cut.Find("[data-testid=cancel]"));
        cut.FindAll("[data-testid=approve]").ShouldBeEmpty();
        cut.FindAll("[data-testid=reject]").ShouldBeEmpty();
        cut.FindAll("[data-testid=retry]").ShouldBeEmpty();
        cut.Find("[data-testid=requester-note]").TextContent.ShouldContain("You raised this request; other people approve it.");
    }

    [Fact]
    public void RequestDetail_Approve_SendsTheShownDigestAndVersionAndShowsTheApproval()
    {
        var request = RequestScenarios.WithPendingCriticalMigration(Store, _world, Now.AddHours(-1));
        SignInAsApprover();
        var cut = RenderWithDialogs<RequestDetail>(p => p.Add(x => x.Id, request.Id));
        cut.WaitForAssertion(() => cut.Find("[data-testid=group-to-fill]").TextContent.ShouldBe("NOC approvers"));

        cut.Find("input[data-testid=approve-comment]").Change("Checked the window with the partner.");
        cut.Find("button[data-testid=approve]").Click();
        // First the confirmation naming the digest, then (Critical work) the authenticator code, before anything is sent.
        cut.WaitForAssertion(() => cut.Find("[data-testid=approve-digest]").TextContent.ShouldBe(request.ContentDigest));
        cut.Find("button[data-testid=approve-confirm]").Click();
        cut.WaitForAssertion(() => cut.Find("[data-testid=step-up-dialog]"));
        CommandBus.Received.ShouldBeEmpty("nothing is sent before the code is given");
        cut.Find("input[data-testid=step-up-code]").Input("654321");
        cut.Find("button[data-testid=step-up-confirm]").Click();

        cut.WaitForAssertion(() => cut.Find("[data-group='NOC approvers']").GetAttribute("data-satisfied").ShouldBe("true"));
        CommandBus.Received.ShouldHaveSingleItem().Command.ShouldBe(
            new ApproveRequest(request.Id, 1, request.ContentDigest, "Checked the window with the partner.") { StepUpCode = "654321" });
        cut.Find("[data-group='NOC approvers']").TextContent.ShouldContain("approved by anna.approver");
        cut.Find("[data-group='NOC approvers']").TextContent.ShouldContain("authenticator code at");
        // Having approved, the person fills no further slot.
        cut.FindAll("[data-testid=approve]").ShouldBeEmpty();
    }

    [Fact]
    public void RequestDetail_Approve_AsksToConfirmNamingTheDigestAndWhatItSetsInMotion_GoingBackSendsNothing()
    {
        var request = RequestScenarios.WithPendingCriticalMigration(Store, _world, Now.AddHours(-1));
        SignInAsApprover();
        var cut = RenderWithDialogs<RequestDetail>(p => p.Add(x => x.Id, request.Id));
        cut.WaitForAssertion(() => cut.Find("button[data-testid=approve]"));

        cut.Find("button[data-testid=approve]").Click();

        cut.WaitForAssertion(() => cut.Find("[data-testid=approve-digest]").TextContent.ShouldBe(request.ContentDigest));
        cut.Find("[data-testid=approve-subject]").TextContent.ShouldBe("Migration of udm-1, requested by Olivia Operator.");
        cut.Find("[data-testid=approve-effect]").TextContent.ShouldBe(
            $"Your approval fills NOC approvers; 1 security officer and 1 member of {RequestScenarios.PartnerOwners} still needed before the migration can start.");
        cut.Find("button[data-testid=approve-back]").Click();
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=approve-dialog]").ShouldBeEmpty());
        CommandBus.Received.ShouldBeEmpty();
        cut.FindAll("[data-testid=step-up-dialog]").ShouldBeEmpty();
        cut.Find("button[data-testid=approve]").ShouldNotBeNull();
    }

    [Fact]
    public void RequestDetail_WhenSomeoneElseActedFirst_SaysSoAndReloads()
    {
        var request = RequestScenarios.WithPendingCriticalMigration(Store, _world, Now.AddHours(-1));
        SignInAsApprover();
        var cut = RenderWithDialogs<RequestDetail>(p => p.Add(x => x.Id, request.Id));
        cut.WaitForAssertion(() => cut.Find("button[data-testid=approve]"));

        // A second approver's approval is committed before its change notification reaches this page: the page is stale.
        Store.Append(request.Id, new ApprovalGranted(request.Id, Users.Approver2, "Ben Approver", "NOC approvers", request.ContentDigest, null, Now),
            "Ben Approver", Now, "Approved for NOC approvers");
        var readsBefore = RequestReader.DetailReads;
        cut.Find("button[data-testid=approve]").Click();
        cut.WaitForAssertion(() => cut.Find("button[data-testid=approve-confirm]"));
        cut.Find("button[data-testid=approve-confirm]").Click();
        cut.WaitForAssertion(() => cut.Find("input[data-testid=step-up-code]"));
        cut.Find("input[data-testid=step-up-code]").Input("111111");
        cut.Find("button[data-testid=step-up-confirm]").Click();

        cut.WaitForAssertion(() => cut.Find("[data-testid=action-refusal]").TextContent.ShouldContain("Someone else acted first"));
        RequestReader.DetailReads.ShouldBeGreaterThan(readsBefore);
        Store.Get(request.Id).Approvals.ShouldHaveSingleItem().ApproverId.ShouldBe(Users.Approver2);
        cut.Find("[data-group='NOC approvers']").TextContent.ShouldContain("Ben Approver");
    }

    [Fact]
    public void RequestDetail_RetryOnlyWhenFailed_AndRetrySendsTheVersionAndTheReason()
    {
        var request = RequestScenarios.WithPendingSnapshot(Store, _world, Now.AddHours(-3));
        SignInAsRequester();
        var cut = RenderWithDialogs<RequestDetail>(p => p.Add(x => x.Id, request.Id));
        cut.WaitForAssertion(() => cut.Find("[data-testid=request-status]").TextContent.Trim().ShouldBe("Pending approval"));
        cut.FindAll("[data-testid=retry]").ShouldBeEmpty();

        FailExecution(request.Id, "The environment is not attested: TPM quote invalid.");
        Notifications.Raise(request.Id);

        cut.WaitForAssertion(() => cut.Find("[data-testid=request-status]").TextContent.Trim().ShouldBe("Failed"));
        Step(cut, "attestation").GetAttribute("data-state").ShouldBe("Failed");
        Step(cut, "execution").TextContent.ShouldContain("Failed on attempt 1: The environment is not attested");
        cut.FindAll("[data-testid=cancel]").ShouldBeEmpty();
        var version = Store.Get(request.Id).Version;

        cut.Find("button[data-testid=retry]").Click();
        cut.WaitForAssertion(() => cut.Find("button[data-testid=retry-confirm]"));
        cut.Find("button[data-testid=retry-confirm]").Click();
        cut.WaitForAssertion(() => cut.Markup.ShouldContain("Say why it should run again"));
        CommandBus.Received.ShouldBeEmpty();

        cut.Find("textarea[data-testid=retry-reason]").Input("The TPM was re-provisioned.");
        cut.Find("button[data-testid=retry-confirm]").Click();

        cut.WaitForAssertion(() => CommandBus.Received.ShouldHaveSingleItem().Command
            .ShouldBe(new RetryExecution(request.Id, version, "The TPM was re-provisioned.")));
        cut.WaitForAssertion(() => Step(cut, "execution").TextContent.ShouldContain("A retry was requested"));
    }

    [Fact]
    public void RequestDetail_WhenAnotherUserActs_ReRendersWithTheNewStatusAndHint()
    {
        var request = RequestScenarios.WithPendingSnapshot(Store, _world, Now.AddHours(-1));
        SignInAsSecurityOfficer();
        var cut = Render<RequestDetail>(p => p.Add(x => x.Id, request.Id));
        cut.WaitForAssertion(() => cut.Find("[data-testid=request-status]").TextContent.Trim().ShouldBe("Pending approval"));
        cut.FindAll("[data-testid=updated-hint]").ShouldBeEmpty();

        Store.Append(request.Id, new RequestRejected(request.Id, Users.Approver, "Anna Approver", "Not in the freeze week.", Now),
            "Anna Approver", Now, "Rejected: Not in the freeze week.");
        Notifications.Raise(request.Id);

        cut.WaitForAssertion(() => cut.Find("[data-testid=request-status]").TextContent.Trim().ShouldBe("Rejected"));
        Step(cut, "approval").TextContent.ShouldContain("Rejected: Not in the freeze week.");
        cut.Find("[data-testid=updated-hint]").TextContent.ShouldContain("updated just now");
        cut.Find("[data-testid=journal]").TextContent.ShouldContain("Anna Approver");
    }

    [Fact]
    public void RequestDetail_NotificationForAnotherRequest_DoesNotReload()
    {
        var request = RequestScenarios.WithPendingSnapshot(Store, _world, Now.AddHours(-1));
        SignInAsApprover();
        var cut = Render<RequestDetail>(p => p.Add(x => x.Id, request.Id));
        cut.WaitForAssertion(() => cut.Find("[data-testid=request-status]"));
        var reads = RequestReader.DetailReads;

        Notifications.Raise(Guid.NewGuid());

        RequestReader.DetailReads.ShouldBe(reads);
    }

    [Fact]
    public async Task RequestDetail_WhenLeft_StopsListening()
    {
        var request = RequestScenarios.WithPendingSnapshot(Store, _world, Now.AddHours(-1));
        SignInAsApprover();
        var cut = Render<RequestDetail>(p => p.Add(x => x.Id, request.Id));
        cut.WaitForAssertion(() => cut.Find("[data-testid=request-status]"));
        Notifications.Subscribers.ShouldBe(1);

        await DisposeComponentsAsync();

        Notifications.Subscribers.ShouldBe(0);
    }

    [Fact]
    public void RequestDetail_Reject_WithoutReason_KeepsDialogOpenAndRejectsNothing()
    {
        var request = RequestScenarios.WithPendingSnapshot(Store, _world, Now.AddHours(-1));
        SignInAsApprover();
        var cut = RenderWithDialogs<RequestDetail>(p => p.Add(x => x.Id, request.Id));
        var dialogs = cut;
        cut.WaitForAssertion(() => cut.Find("button[data-testid=reject]"));

        cut.Find("button[data-testid=reject]").Click();
        dialogs.WaitForAssertion(() => dialogs.Find("button[data-testid=reject-confirm]"));
        dialogs.Find("button[data-testid=reject-confirm]").Click();

        dialogs.WaitForAssertion(() => dialogs.Markup.ShouldContain("Give a reason for the rejection."));
        CommandBus.Received.ShouldBeEmpty();

        dialogs.Find("textarea[data-testid=reject-reason]").Input("Overlaps with the core freeze.");
        dialogs.Find("button[data-testid=reject-confirm]").Click();
        dialogs.WaitForAssertion(() => dialogs.Find("input[data-testid=step-up-code]"));
        dialogs.Find("input[data-testid=step-up-code]").Input("123456");
        dialogs.Find("button[data-testid=step-up-confirm]").Click();

        cut.WaitForAssertion(() => cut.Find("[data-testid=request-status]").TextContent.Trim().ShouldBe("Rejected"));
        CommandBus.Received.ShouldHaveSingleItem().Command.ShouldBe(new RejectRequest(request.Id, 1, "Overlaps with the core freeze.") { StepUpCode = "123456" });
    }

    [Fact]
    public void RequestDetail_WhenIdUnknown_SaysSoWithLinkBack()
    {
        SignInAsApprover();

        var cut = Render<RequestDetail>(p => p.Add(x => x.Id, Guid.NewGuid()));

        cut.WaitForAssertion(() => cut.Find("[data-testid=not-found]").TextContent.ShouldContain("No request with this id"));
    }

    // Approved at submission (Public-only would be; here we record quorum directly), then attestation fails.
    private void FailExecution(Guid id, string reason)
    {
        var r = Store.Get(id);
        Store.Append(id, new RequestApproved(id, r.ContentDigest, "system:quorum", Now), "system:quorum", Now, "Quorum reached.");
        Store.Append(id, new ExecutionStarted(id, 1, "system:execution", Now), "system:execution", Now, "Attempt 1 started.");
        Store.Append(id, new TargetAttestationChecked(id, r.Content.SourceEnvironmentId, false, reason, "system:execution", Now),
            "system:execution", Now, $"Attestation failed: {reason}");
        Store.Append(id, new ExecutionFailed(id, 1, reason, "system:execution", Now), "system:execution", Now, $"Failed: {reason}");
    }

    private static AngleSharp.Dom.IElement Step<T>(IRenderedComponent<T> cut, string name) where T : Microsoft.AspNetCore.Components.IComponent =>
        cut.Find($"[data-testid=step-{name}]");

    private ChangeRequest ApprovedSnapshotIn(ChangeWindow window)
    {
        var request = RequestScenarios.WithPendingSnapshot(Store, _world, Now.AddHours(-1));
        Store.Requests[request.Id] = Store.Requests[request.Id] with { Window = window };
        return Store.Append(request.Id, new RequestApproved(request.Id, request.ContentDigest, "system:policy", Now.AddMinutes(-30)),
            "Console workflow", Now.AddMinutes(-30), "Approved.");
    }

    [Fact]
    public void ChangeWindow_ApprovedAndWaitingForItsWindow_ShowsScheduledFor()
    {
        var request = ApprovedSnapshotIn(new ChangeWindow(Now.AddDays(2), Now.AddDays(2).AddHours(4)));
        SignInAsApprover();

        var cut = Render<RequestDetail>(p => p.Add(x => x.Id, request.Id));

        cut.WaitForAssertion(() => cut.Find("[data-testid=scheduled-for]").TextContent.ShouldBe("Scheduled for 2025-11-22 10:00 UTC"));
        cut.Find("[data-testid=request-status]").TextContent.Trim().ShouldBe("Approved");
    }

    [Fact]
    public void ChangeWindow_Missed_SaysWhichWindowAndOffersToRaiseItAgainPrefilled()
    {
        var window = new ChangeWindow(Now.AddHours(-3), Now.AddHours(-1));
        var request = ApprovedSnapshotIn(window);
        Store.Append(request.Id, new ExecutionWindowMissed(request.Id, 1, window, "system:execution", Now), "system:execution", Now, "Missed.");
        SignInAsRequester();

        var cut = Render<RequestDetail>(p => p.Add(x => x.Id, request.Id));

        cut.WaitForAssertion(() => cut.Find("[data-testid=window-missed]").TextContent.ShouldContain(
            "The change window 2025-11-20 07:00 UTC to 2025-11-20 09:00 UTC closed before attempt 1 could start"));
        cut.FindAll("[data-testid=scheduled-for]").ShouldBeEmpty();
        var raiseAgain = cut.Find("[data-testid=raise-again]").GetAttribute("href")!;
        raiseAgain.ShouldStartWith($"/requests/new?kind=Snapshot&vnf={_world.Udm.Id}&components=");
        raiseAgain.ShouldContain(string.Join(',', request.Content.ComponentIds));
        cut.FindAll("[data-testid=retry]").ShouldBeEmpty();
    }
}

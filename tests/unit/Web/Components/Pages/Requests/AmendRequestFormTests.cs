using AngleSharp.Dom;
using Bunit;
using Console.Web.Components.Pages.Requests;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Amending;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.Requests;

/// <summary>Amending a pending request on its page (AmendRequestForm) and what the page shows after (RequestAmendments).</summary>
public sealed class AmendRequestFormTests : RequestPageTest
{
    private const string NewJustification = "Move the UDM to the partner cloud; DC power works moved to Friday.";

    private readonly RequestScenarios.World _world;

    public AmendRequestFormTests() => _world = RequestScenarios.WithUdmAndPartnerCloud(Inventory);

    private ChangeRequest WithOneApproval()
    {
        var request = RequestScenarios.WithPendingCriticalMigration(Store, _world, Now.AddHours(-1));
        return Store.Append(request.Id,
            new ApprovalGranted(request.Id, Users.Approver, "Anna Approver", "NOC approvers", request.ContentDigest, null, Now.AddMinutes(-30)),
            "Anna Approver", Now.AddMinutes(-30), "Approved for NOC approvers");
    }

    private IRenderedComponent<DialogHost> OpenAmendForm(ChangeRequest request)
    {
        SignInAsRequester();
        var cut = RenderWithDialogs<RequestDetail>(p => p.Add(x => x.Id, request.Id));
        cut.WaitForAssertion(() => cut.Find("button[data-testid=amend]"));
        cut.Find("button[data-testid=amend]").Click();
        cut.WaitForAssertion(() => cut.Find("[data-testid=amend-form] textarea[data-testid=justification]"));
        return cut;
    }

    [Fact]
    public void Amend_ByTheRequester_SendsTheAmendmentAndThePageShowsWhatChangedAndThatTheApprovalNoLongerCounts()
    {
        var request = WithOneApproval();
        var cut = OpenAmendForm(request);
        cut.Find("[data-testid=requester-note]").TextContent.ShouldContain("You may amend it while it waits");

        cut.Find("[data-testid=amend-voids]").TextContent.ShouldContain("voids the approval given so far (Anna Approver)");
        cut.Find("[data-testid=amend-form] textarea[data-testid=justification]").Input(NewJustification);
        cut.Find("[data-testid=amend-form] form").Submit();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=amend-form]").ShouldBeEmpty());
        var command = CommandBus.Received.ShouldHaveSingleItem().Command.ShouldBeOfType<AmendRequest>();
        (command.RequestId, command.ExpectedVersion, command.TargetEnvironmentId, command.Justification, command.Window)
            .ShouldBe((request.Id, 2, (Guid?)_world.PartnerCloud.Id, NewJustification, (ChangeWindow?)null));
        command.ComponentIds.ShouldBeEmpty(); // every component ticked: the VNF as a whole, as at submission

        cut.WaitForAssertion(() => cut.Find("[data-testid=amendment]"));
        cut.Find("[data-testid=voided-approvals]").TextContent
            .ShouldBe("The approval of Anna Approver was given to the earlier content and no longer counts.");
        var justification = Change(cut.Find("[data-testid=amendment]"), AmendmentHistory.Fields.Justification);
        justification.Before.ShouldBe("Move the UDM to the partner cloud for the maintenance window.");
        justification.After.ShouldBe(NewJustification);
        cut.Find("[data-group='NOC approvers']").GetAttribute("data-satisfied").ShouldBe("false");
        cut.Find("[data-testid=request-facts] [data-testid=justification]").TextContent.ShouldBe(NewJustification);
    }

    [Fact]
    public void Amend_WithATooShortJustification_SaysSoNextToTheFieldAndSendsNothing()
    {
        var request = WithOneApproval();
        var cut = OpenAmendForm(request);

        cut.Find("[data-testid=amend-form] textarea[data-testid=justification]").Input("asap");
        cut.Find("[data-testid=amend-form] form").Submit();

        cut.WaitForAssertion(() => cut.Find("[data-testid=amend-form] textarea[data-testid=justification]").Closest(".mud-input-control")!
            .TextContent.ShouldContain("Explain why in at least 10 characters."));
        CommandBus.Received.ShouldBeEmpty();
        Store.Get(request.Id).CurrentApprovals.ShouldHaveSingleItem();
        cut.FindAll("[data-testid=amendment]").ShouldBeEmpty();
    }

    [Fact]
    public void Amend_WhenAnApprovalArrivesWhileTheFormIsOpen_IsRefusedInsteadOfVoidingItUnseen()
    {
        var request = RequestScenarios.WithPendingCriticalMigration(Store, _world, Now.AddHours(-1));
        var cut = OpenAmendForm(request);

        Store.Append(request.Id,
            new ApprovalGranted(request.Id, Users.Approver, "Anna Approver", "NOC approvers", request.ContentDigest, null, Now),
            "Anna Approver", Now, "Approved for NOC approvers");
        cut.InvokeAsync(() => Notifications.Raise(request.Id));
        cut.WaitForAssertion(() => cut.Find("[data-testid=amend-voids]").TextContent.ShouldContain("Anna Approver"));
        cut.Find("[data-testid=amend-form] textarea[data-testid=justification]").Input(NewJustification);
        cut.Find("[data-testid=amend-form] form").Submit();

        cut.WaitForAssertion(() => cut.Find("[data-testid=amend-form] [data-testid=refusal]").TextContent.ShouldContain("Someone else changed this item"));
        CommandBus.Received.ShouldHaveSingleItem().Command.ShouldBeOfType<AmendRequest>().ExpectedVersion.ShouldBe(1);
        Store.Get(request.Id).CurrentApprovals.ShouldHaveSingleItem().ApproverName.ShouldBe("Anna Approver");
    }

    [Fact]
    public void Amend_IsOfferedToNobodyButTheRequester()
    {
        var request = WithOneApproval();
        SignInAsSecurityOfficer();

        var cut = Render<RequestDetail>(p => p.Add(x => x.Id, request.Id));

        cut.WaitForAssertion(() => cut.Find("button[data-testid=approve]"));
        cut.FindAll("[data-testid=amend]").ShouldBeEmpty();
    }

    private static (string Before, string After) Change(IElement amendment, string field)
    {
        var row = amendment.QuerySelector($"td[data-field='{field}']")!.ParentElement!;
        return (row.QuerySelector("[data-testid=before]")!.TextContent, row.QuerySelector("[data-testid=after]")!.TextContent);
    }
}

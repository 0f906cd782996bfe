using Bunit;
using Console.Web.Components.Pages.Requests;
using Console.Workflows.Common;
using Console.Workflows.Continuity;
using Console.Workflows.Requests;
using MudBlazor;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.Requests;

public sealed class NewRequestTests : RequestPageTest
{
    private readonly RequestScenarios.World _world;

    public NewRequestTests()
    {
        _world = RequestScenarios.WithUdmAndPartnerCloud(Inventory);
        SignInAsRequester();
    }

    [Fact]
    public void NewRequest_WhenRefused_ShowsFieldErrorsAndChangesNothing()
    {
        Navigation.NavigateTo($"/requests/new?kind=Migration&vnf={_world.Udm.Id}&target={_world.PartnerCloud.Id}");
        CommandBus.RefuseNextWith(Refusal.ForFields(new Dictionary<string, string[]>
        {
            ["TargetEnvironmentId"] = ["Partner Cloud West is in maintenance until Friday."],
            ["Justification"] = ["Name the change ticket."],
        }));
        var cut = Render<NewRequest>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=preview]"));

        cut.Find("textarea[data-testid=justification]").Input("Move for the planned maintenance.");
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => cut.Find("[data-testid=refusal]").TextContent.ShouldContain("Some fields need attention."));
        FieldText(cut, "target").ShouldContain("Partner Cloud West is in maintenance until Friday.");
        FieldText(cut, "justification").ShouldContain("Name the change ticket.");
        Navigation.Uri.ShouldContain("/requests/new?");
        Store.Requests.ShouldBeEmpty();
        var command = (SubmitRequest)CommandBus.Received.ShouldHaveSingleItem().Command;
        command.ShouldBe(new SubmitRequest(
            RequestKind.Migration, _world.Udm.Id, command.ComponentIds, _world.PartnerCloud.Id, null, "Move for the planned maintenance.", null));
        command.ComponentIds.ShouldBeEmpty(); // all components: the VNF as a whole
    }

    [Fact]
    public void NewRequest_WhenJustificationTooShort_SaysSoWithoutSubmitting()
    {
        Navigation.NavigateTo($"/requests/new?kind=Snapshot&vnf={_world.Udm.Id}");
        var cut = Render<NewRequest>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=preview]"));

        cut.Find("textarea[data-testid=justification]").Input("asap");
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => FieldText(cut, "justification").ShouldContain("Explain why in at least 10 characters."));
        CommandBus.Received.ShouldBeEmpty();
    }

    [Fact]
    public void NewRequest_MigrationToLessTrustedTarget_PreviewWarnsBelowTrust()
    {
        Navigation.NavigateTo($"/requests/new?kind=Migration&vnf={_world.Udm.Id}&target={_world.EdgeSite.Id}");

        var cut = Render<NewRequest>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=below-trust-warning]").TextContent
            .ShouldContain("udm-store is Critical and needs trust level High; Munich Edge 3 offers Low."));
        var rows = cut.FindAll("[data-testid=preview-components] tbody tr");
        rows.Single(r => r.TextContent.Contains("udm-store")).QuerySelector("[data-placement]")!.GetAttribute("data-placement").ShouldBe("violated");
        rows.Single(r => r.TextContent.Contains("udm-metrics")).QuerySelector("[data-placement]")!.GetAttribute("data-placement").ShouldBe("satisfied");
    }

    [Fact]
    public void NewRequest_CrossDomainCriticalMigration_PreviewListsTheThreeGroups()
    {
        Navigation.NavigateTo($"/requests/new?kind=Migration&vnf={_world.Udm.Id}&target={_world.PartnerCloud.Id}");

        var cut = Render<NewRequest>();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=preview-approvals] [data-group]").Count.ShouldBe(3));
        cut.FindAll("[data-testid=preview-approvals] [data-group]").Select(g => g.GetAttribute("data-group"))
            .ShouldBe(["NOC approvers", "Security officers", "Target domain owners"]);
        cut.Find("[data-group='Target domain owners']").TextContent.ShouldContain(RequestScenarios.PartnerOwners);
        cut.FindAll("[data-testid=below-trust-warning]").ShouldBeEmpty();
    }

    [Fact]
    public void NewRequest_PublicOnlySnapshot_PreviewSaysNoApprovalNeeded()
    {
        Navigation.NavigateTo($"/requests/new?kind=Snapshot&vnf={_world.Udm.Id}&components={_world.Metrics.Id}");

        var cut = Render<NewRequest>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=preview-approvals]").TextContent.ShouldContain("No approval needed"));
        Checked(cut, "udm-metrics").ShouldBeTrue();
        Checked(cut, "udm-store").ShouldBeFalse();
    }

    [Fact]
    public void NewRequest_WhenAccepted_SubmitsTheSelectedComponentsAndOpensTheRequest()
    {
        Navigation.NavigateTo($"/requests/new?kind=Snapshot&vnf={_world.Udm.Id}&components={_world.Store.Id}");
        var cut = Render<NewRequest>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=preview]"));

        cut.Find("textarea[data-testid=justification]").Input("Snapshot before the 23.4 upgrade.");
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Navigation.Uri.ShouldMatch(@"/requests/[0-9a-f-]{36}$"));
        var request = Store.Requests.Values.ShouldHaveSingleItem();
        Navigation.Uri.ShouldEndWith($"/requests/{request.Id}");
        request.Content.ComponentIds.ShouldBe([_world.Store.Id]);
        request.RequesterId.ShouldBe(Users.Operator);
        var (command, _) = CommandBus.Received.ShouldHaveSingleItem();
        ((SubmitRequest)command).ComponentIds.ShouldBe([_world.Store.Id]);
    }

    [Fact]
    public async Task NewRequest_SnapshotDeletion_OffersTheVnfsAvailableSnapshots()
    {
        var snapshot = VnfSnapshots.Add(Snapshots, _world, Now.AddDays(-2));
        VnfSnapshots.Add(Snapshots, _world, Now.AddDays(-9), deleted: true);
        Navigation.NavigateTo($"/requests/new?kind=SnapshotDeletion&vnf={_world.Udm.Id}");
        var cut = Render<NewRequest>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=preview]"));

        var select = cut.FindComponents<MudSelect<Guid?>>().Single(s => s.Instance.Label == "Snapshot to delete");
        await cut.InvokeAsync(() => select.Instance.SelectOption((Guid?)snapshot.Id));
        cut.Find("textarea[data-testid=justification]").Input("Superseded by the weekly snapshot.");
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => CommandBus.Received.Count.ShouldBe(1));
        var command = (SubmitRequest)CommandBus.Received[0].Command;
        command.Kind.ShouldBe(RequestKind.SnapshotDeletion);
        command.SnapshotId.ShouldBe(snapshot.Id);
        command.TargetEnvironmentId.ShouldBeNull();
    }

    [Fact]
    public void NewRequest_Restore_ShowsTheEpochsItLosesAndSubmitsTheSnapshot()
    {
        var snapshot = VnfSnapshots.Add(Snapshots, _world, Now.AddDays(-2));
        Snapshots.Snapshots[0] = snapshot with { StateEpoch = 2 };
        Continuity.Views[_world.Udm.Id] = new VnfContinuityView(
            _world.Udm.Id, 4, new Lease(Guid.NewGuid(), _world.CoreDc.Id, 4, Now.AddDays(-1), false), false, [1, 2, 3, 4],
            null, [], [], null, []);
        Navigation.NavigateTo($"/requests/new?kind=Restore&vnf={_world.Udm.Id}&snapshot={snapshot.Id}");
        var cut = Render<NewRequest>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=rollback-loss]").GetAttribute("data-lost").ShouldBe("3,4"));
        cut.Find("[data-testid=rollback-loss]").GetAttribute("data-new-epoch").ShouldBe("5");
        cut.Find("[data-testid=rollback-loss]").TextContent.ShouldContain("security officer must approve");
        cut.Find("[data-testid=preview-approvals]").TextContent.ShouldContain("security officer");
        cut.Find("textarea[data-testid=justification]").Input("Configuration push corrupted the subscriber cache.");
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => CommandBus.Received.Count.ShouldBe(1));
        var command = (SubmitRequest)CommandBus.Received[0].Command;
        (command.Kind, command.SnapshotId, command.TargetEnvironmentId).ShouldBe((RequestKind.Restore, (Guid?)snapshot.Id, (Guid?)null));
        command.ComponentIds.ShouldBeEmpty();
    }

    [Fact]
    public void NewRequest_Restart_ActsOnTheWholeVnfWithoutAComponentChoice()
    {
        Navigation.NavigateTo($"/requests/new?kind=Restart&vnf={_world.Udm.Id}");
        var cut = Render<NewRequest>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=lifecycle-scope]").TextContent.ShouldContain("re-attested"));
        cut.FindAll("[data-testid=components]").ShouldBeEmpty();
        cut.Find("textarea[data-testid=justification]").Input("Memory leak in the SBI stack, restart needed.");
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => CommandBus.Received.Count.ShouldBe(1));
        var command = (SubmitRequest)CommandBus.Received[0].Command;
        (command.Kind, command.ComponentIds.Count, command.SnapshotId).ShouldBe((RequestKind.Restart, 0, (Guid?)null));
    }

    private static string FieldText(IRenderedComponent<NewRequest> cut, string testId) =>
        cut.Find($"[data-testid={testId}]").Closest(".mud-input-control")!.TextContent;

    private static bool Checked(IRenderedComponent<NewRequest> cut, string component) =>
        cut.Find($"input[type=checkbox][data-component={component}]").HasAttribute("checked");
}

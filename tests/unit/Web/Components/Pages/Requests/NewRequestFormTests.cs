using Console.Web.Components.Pages.Requests;
using Console.Workflows.Common;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Submitting;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.Requests;

/// <summary>The new-request form without the page: what it submits and which messages it shows.</summary>
public sealed class NewRequestFormTests : RequestPageTest
{
    private readonly RequestScenarios.World _world;

    public NewRequestFormTests() => _world = RequestScenarios.WithUdmAndPartnerCloud(Inventory);

    private async Task<NewRequestForm> WithUdmChosen(RequestKind kind, params (string Key, string Value)[] link)
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var form = new NewRequestForm();
        form.Read(await Reader.ListEnvironmentsAsync(ct), await Reader.ListTrustDomainsAsync(ct), await Policy.CurrentAsync(ct));
        form.SelectVnf(await Reader.GetVnfAsync(_world.Udm.Id, ct), [], null);
        form.Prefill(kind, key => link.Where(l => l.Key == key).Select(l => l.Value).FirstOrDefault());
        form.SetJustification("Snapshot before the 23.4 upgrade.");
        return form;
    }

    [Fact]
    public async Task Check_WithEveryComponentTicked_SubmitsTheWholeVnf()
    {
        var form = await WithUdmChosen(RequestKind.Snapshot);

        var command = form.Check(Now).ShouldNotBeNull();

        command.ShouldBe(new SubmitRequest(RequestKind.Snapshot, _world.Udm.Id, [], null, null, "Snapshot before the 23.4 upgrade.", null));
    }

    [Fact]
    public async Task Check_WithSomeComponentsTicked_SubmitsThoseInTheVnfsOrder()
    {
        var form = await WithUdmChosen(RequestKind.Migration, ("target", _world.PartnerCloud.Id.ToString()));
        form.Toggle(_world.Store.Id, on: false);

        var command = form.Check(Now).ShouldNotBeNull();

        command.ComponentIds.ShouldBe([_world.Metrics.Id]);
        command.TargetEnvironmentId.ShouldBe(_world.PartnerCloud.Id);
    }

    [Fact]
    public async Task Check_WithNoComponentTicked_SaysSoAndSubmitsNothing()
    {
        var form = await WithUdmChosen(RequestKind.Snapshot);
        form.SelectAll(on: false);

        form.Check(Now).ShouldBeNull();

        form.ErrorFor(nameof(SubmitRequest.ComponentIds)).ShouldBe("Select at least one component.");
        form.Toggle(_world.Store.Id, on: true);
        form.HasError(nameof(SubmitRequest.ComponentIds)).ShouldBeFalse();
    }

    [Fact]
    public async Task Prefill_FromALink_KeepsOnlyComponentsOfTheVnfAndKnownTargets()
    {
        var form = await WithUdmChosen(RequestKind.Migration,
            ("components", $"{_world.Metrics.Id},{Guid.NewGuid()},not-an-id"), ("target", Guid.NewGuid().ToString()));

        form.Components.ShouldBe([_world.Metrics.Id]);
        form.TargetEnvironmentId.ShouldBeNull();
        form.Check(Now).ShouldBeNull();
        form.ErrorFor(nameof(SubmitRequest.TargetEnvironmentId)).ShouldBe("Choose the environment to move to.");
    }

    [Fact]
    public async Task Refused_PutsTheServersFieldMessagesNextToTheFields()
    {
        var form = await WithUdmChosen(RequestKind.Snapshot);
        var refusal = Refusal.ForFields(new Dictionary<string, string[]> { [nameof(SubmitRequest.Justification)] = ["Say more."] });

        form.Refused(refusal);

        form.Refusal.ShouldBe(refusal);
        form.ErrorFor(nameof(SubmitRequest.Justification)).ShouldBe("Say more.");
        form.SetJustification("A longer justification for the approvers.");
        form.HasError(nameof(SubmitRequest.Justification)).ShouldBeFalse();
    }

    [Fact]
    public async Task Amending_FillsTheFormWithTheRequestAndChecksTheAmendmentByTheSameRules()
    {
        var window = new ChangeWindow(Now.AddHours(2), Now.AddHours(4));
        var request = RequestScenarios.WithPendingCriticalMigration(Store, _world, Now.AddHours(-1)) with { Window = window, Version = 3 };
        var form = await WithUdmChosen(RequestKind.Snapshot);

        form.Amending(request);

        (form.Kind, form.TargetEnvironmentId, form.Justification, form.AllSelected).ShouldBe(
            (RequestKind.Migration, (Guid?)_world.PartnerCloud.Id, request.Justification, true));
        (form.WindowStart, form.WindowEnd).ShouldBe(((DateTime?)window.Start.UtcDateTime, (DateTime?)window.End.UtcDateTime));
        form.Toggle(_world.Metrics.Id, on: false);
        var amendment = form.CheckAmendment(request, Now).ShouldNotBeNull();
        amendment.ComponentIds.ShouldBe([_world.Store.Id]);
        (amendment.RequestId, amendment.ExpectedVersion, amendment.TargetEnvironmentId, amendment.Justification, amendment.Window)
            .ShouldBe((request.Id, 3, (Guid?)_world.PartnerCloud.Id, request.Justification, (ChangeWindow?)window));

        form.SetWindow(window.Start.UtcDateTime, null);
        form.CheckAmendment(request, Now).ShouldBeNull();
        form.ErrorFor(nameof(SubmitRequest.Window)).ShouldBe("Give both the start and the end of the change window, or neither.");
    }
}

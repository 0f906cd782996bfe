using Console.Testing.Workflows.Common;
using Console.UnitTests.Workflows.Requests;
using Console.Workflows.Audit.Access;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.ChangingEnvironment;
using Console.Workflows.Policy;
using Console.Workflows.Policy.Revising;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Approving;
using Console.Workflows.Requests.Submitting;
using Console.Workflows.Snapshots.Pinning;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Audit.Access;

/// <summary>Which refusals reach the history, and what the command bus records for them (who, which command, on what, why).</summary>
public sealed class AccessRefusalsTests
{
    private readonly RecordingAccessJournal _journal = new();

    [Fact]
    public void IsRecorded_PlacementRefusalOfTheRealDecider_IsRecorded()
    {
        // The decider words the placement rule; this pins the history's reading of it to the real refusal.
        var facts = Scenarios.Facts();
        var command = new SubmitRequest(RequestKind.Migration, Scenarios.UdmId, [Scenarios.SidfId], Scenarios.CloudId, null,
            "Move the SIDF to the cloud for the weekend.", null);

        var decision = SubmitRequestDecider.Decide(command, Guid.NewGuid(), facts, Scenarios.Operator, Scenarios.Now);

        decision.Refusal.ShouldBeRefusal(RefusalKind.Invalid, "suci-deconcealment (SIDF) is Critical and needs trust level High or higher; Public Cloud offers Untrusted. A component may not move to a less trustworthy environment.");
        AccessRefusals.IsRecorded(decision.Refusal).ShouldBeTrue();
    }

    [Fact]
    public void IsRecorded_ForbiddenYesConflictsTyposAndMissingFieldsNo()
    {
        AccessRefusals.IsRecorded(Refusal.Because("You requested this change; someone else must approve it.", RefusalKind.Forbidden)).ShouldBeTrue();
        AccessRefusals.IsRecorded(Refusal.Because("Someone else acted first.", RefusalKind.Conflict)).ShouldBeFalse();
        AccessRefusals.IsRecorded(Refusal.Because("No such request.", RefusalKind.NotFound)).ShouldBeFalse();
        AccessRefusals.IsRecorded(Refusal.ForFields(new Dictionary<string, string[]> { ["Justification"] = ["Explain why."] })).ShouldBeFalse();
        AccessRefusals.IsRecorded(null).ShouldBeFalse();
    }

    [Fact]
    public async Task RecordAsync_ApproveRefusedAsForbidden_RecordsWhoWhatOnWhichRequestAndWhy()
    {
        var refusal = Refusal.Because("You requested this change; someone else must approve it.", RefusalKind.Forbidden);
        var request = Guid.NewGuid();

        await AccessRefusals.RecordAsync(_journal, Outcome.Refused(refusal),
            new ApproveRequestBy(new ApproveRequest(request, 3, "digest", null), Scenarios.Operator));

        _journal.Refusals.ShouldHaveSingleItem().ShouldBe(
            (Scenarios.Operator.UserId, nameof(ApproveRequest), $"request/{request}", "You requested this change; someone else must approve it."));
    }

    [Fact]
    public async Task RecordAsync_WhenItSucceededOrWasAStaleConflict_RecordsNothing()
    {
        var command = new SubmitRequestBy(
            new SubmitRequest(RequestKind.Snapshot, Guid.NewGuid(), [], null, null, "Before the upgrade.", null), Scenarios.Operator);

        await AccessRefusals.RecordAsync(_journal, Outcome.Done(Guid.NewGuid()), command);
        await AccessRefusals.RecordAsync(_journal, Outcome.Refused(Refusal.Because("Someone else acted first.", RefusalKind.Conflict)), command);

        _journal.Refusals.ShouldBeEmpty();
    }

    [Fact]
    public async Task RecordAsync_MigrationRefused_NamesTheVnfAndTheTargetInTheResource()
    {
        var vnf = Guid.NewGuid();
        var target = Guid.NewGuid();
        var refusal = new Refusal("store is Sensitive ... A component may not move to a less trustworthy environment.",
            new Dictionary<string, string[]> { ["TargetEnvironmentId"] = ["A component may not move to a less trustworthy environment."] });

        await AccessRefusals.RecordAsync(_journal, Outcome.Refused(refusal),
            new SubmitRequestBy(new SubmitRequest(RequestKind.Migration, vnf, [], target, null, "Move it.", null), Scenarios.Operator));

        var recorded = _journal.Refusals.ShouldHaveSingleItem();
        recorded.Operation.ShouldBe(nameof(SubmitRequest));
        recorded.Resource.ShouldBe($"vnf/{vnf}/environment/{target}");
        AccessResources.Parse(recorded.Resource).ShouldBe([("vnf", vnf), ("environment", target)]);
    }

    [Fact]
    public async Task RecordAsync_InventoryPolicyAndSnapshotCommands_NameTheirItemAndTheCommand()
    {
        var environment = Guid.NewGuid();
        var snapshot = Guid.NewGuid();
        var forbidden = Outcome.Refused(Refusal.Because("Only administrators may change the inventory.", RefusalKind.Forbidden));
        var change = new ChangeEnvironment(environment, 2, "Edge", EnvironmentKind.EdgeSite, "Hamburg", TrustLevel.Low, AttestationStatus.Attested);

        await AccessRefusals.RecordAsync(_journal, forbidden, new ChangeEnvironmentBy(change, Scenarios.Operator));
        await AccessRefusals.RecordAsync(_journal, forbidden,
            new RevisePolicyBy(new RevisePolicy(1, DefaultPolicy.Document, "Shorter waits"), Scenarios.Operator));
        await AccessRefusals.RecordAsync(_journal, forbidden,
            new PinSnapshotBy(new PinSnapshot(snapshot, 1, "Keep it", null), Scenarios.Operator));

        _journal.Refusals.Select(r => (r.Operation, r.Resource)).ShouldBe(
        [
            (nameof(ChangeEnvironment), $"environment/{environment}"),
            (nameof(RevisePolicy), "policy"),
            (nameof(PinSnapshot), $"snapshot/{snapshot}"),
        ]);
    }

    [Theory]
    [InlineData("/api/requests/{0}/approve", "request")]
    [InlineData("/history/vnfs/{0}", "vnf")]
    [InlineData("trust-domain/{0}", "trust-domain")]
    [InlineData("/inventory/environments/{0}/edit", "environment")]
    public void Parse_PathsAndResources_ReadTheKindAndId(string pattern, string kind)
    {
        var id = Guid.NewGuid();

        AccessResources.Parse(string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, id)).ShouldBe([(kind, id)]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("policy")]
    [InlineData("/history")]
    [InlineData("request/not-an-id")]
    public void Parse_WithoutIds_GivesNothing(string? resource) => AccessResources.Parse(resource).ShouldBeEmpty();
}

using Console.Testing.Workflows.Common;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Submitting;
using Console.Workflows.Snapshots;
using Shouldly;
using Xunit;
using static Console.UnitTests.Workflows.Requests.Scenarios;

namespace Console.UnitTests.Workflows.Requests.Submitting;

public sealed class SubmitRequestTests
{
    private static Decision Submit(SubmitRequest command, SubmissionFacts? facts = null, Actor? actor = null) =>
        SubmitRequestDecider.Decide(command, RequestId, facts ?? Facts(command.VnfId == NefId ? Nef : Udm), actor ?? Operator, Now);

    [Fact]
    public void Submit_CriticalCrossDomainMigration_EmitsRequestSubmittedWithBoundContentAndRequirement()
    {
        var submitted = Submit(MigrateSidfToDcA).Events.ShouldHaveSingleItem().ShouldBeOfType<RequestSubmitted>();

        var c = submitted.Content;
        (c.Kind, c.VnfId, c.SourceEnvironmentId, c.TargetEnvironmentId, c.SnapshotId, c.PolicyRevision)
            .ShouldBe((RequestKind.Migration, UdmId, DcBId, (Guid?)DcAId, (Guid?)null, 1));
        c.ComponentIds.ShouldBe([SidfId]);
        submitted.ContentDigest.ShouldBe(ContentDigest.Of(submitted.Content, submitted.Justification, submitted.Window));
        submitted.Requirement.Groups.Count.ShouldBe(3);
        submitted.Requirement.CrossesTrustDomains.ShouldBeTrue();
        (submitted.RequesterId, submitted.VnfName, submitted.Justification).ShouldBe(("operator", "udm-fra-02", Justification));
        submitted.At.ShouldBe(Now);
        submitted.ExpiresAt.ShouldBe(Now.AddHours(24));
    }

    [Fact]
    public void Submit_PublicOnlySnapshot_IsApprovedAtSubmissionByThePolicy()
    {
        var events = Submit(SnapshotNef).Events;

        events.Count.ShouldBe(2);
        var submitted = events[0].ShouldBeOfType<RequestSubmitted>();
        submitted.Content.ComponentIds.ShouldBe([PortalId]);
        events[1].ShouldBe(new RequestApproved(RequestId, submitted.ContentDigest, "system:policy", Now));
    }

    [Fact]
    public void Submit_ByNonOperator_IsForbidden() =>
        Submit(MigrateSidfToDcA, actor: Approver)
            .Refusal.ShouldBeRefusal(RefusalKind.Forbidden, CommandRoles.RefusalMessage(ConsoleCommand.SubmitMigration));

    [Fact]
    public void Submit_MigrationToLessTrustedEnvironment_IsRefusedNamingComponentSensitivityAndLevels()
    {
        var refusal = Submit(MigrateSidfToDcA with { TargetEnvironmentId = MunichId }).Refusal.ShouldNotBeNull();

        refusal.Kind.ShouldBe(RefusalKind.Invalid);
        refusal.Message.ShouldContain("suci-deconcealment (SIDF) is Critical and needs trust level High or higher; Munich Regional Cluster offers Medium.");
        refusal.FieldErrors.Keys.ShouldBe(["TargetEnvironmentId"]);
    }

    [Fact]
    public void Submit_MigrationUnderStricterPolicy_UsesThePolicysTrustLevel()
    {
        var strict = Console.Workflows.Policy.DefaultPolicy.Document with
        {
            Sensitivities = [.. Console.Workflows.Policy.DefaultPolicy.Document.Sensitivities.Select(r =>
                r.Sensitivity >= Sensitivity.Internal ? r with { RequiredTrustLevel = TrustLevel.High } : r)],
        };

        Submit(MigrateSidfToDcA with { ComponentIds = [SbiId], TargetEnvironmentId = MunichId }, Facts(policy: PolicyAt(3, strict)))
            .Refusal.ShouldBeRefusalContaining(RefusalKind.Invalid, "sbi-gateway is Internal and needs trust level High");
    }

    [Fact]
    public void Submit_MigrationWithoutOrToUnknownOrSameTarget_RefusesOnTarget()
    {
        Submit(MigrateSidfToDcA with { TargetEnvironmentId = null }).Refusal!.FieldErrors.Keys.ShouldBe(["TargetEnvironmentId"]);
        Submit(MigrateSidfToDcA with { TargetEnvironmentId = Guid.NewGuid() }).Refusal!.FieldErrors.Keys.ShouldBe(["TargetEnvironmentId"]);
        Submit(MigrateSidfToDcA with { TargetEnvironmentId = DcBId }).Refusal!.FieldErrors["TargetEnvironmentId"]
            .ShouldHaveSingleItem().ShouldContain("already runs in Frankfurt Core DC B");
    }

    [Fact]
    public void Submit_ComponentOfAnotherVnf_RefusesOnComponents() =>
        Submit(MigrateSidfToDcA with { ComponentIds = [PortalId] }).Refusal!.FieldErrors.Keys.ShouldBe(["ComponentIds"]);

    [Fact]
    public void Submit_WithoutComponents_MeansAllOfThem() =>
        Submit(MigrateSidfToDcA with { ComponentIds = [] }).Events[0].ShouldBeOfType<RequestSubmitted>()
            .Content.ComponentIds.ShouldBe(new[] { SidfId, DataApiId, SbiId }.Order());

    [Theory]
    [InlineData("")]
    [InlineData("too short")]
    public void Submit_WithShortJustification_RefusesOnJustification(string justification) =>
        Submit(MigrateSidfToDcA with { Justification = justification }).Refusal!.FieldErrors.Keys.ShouldBe(["Justification"]);

    [Fact]
    public void Submit_WithJustificationOver2000_RefusesOnJustification() =>
        Submit(MigrateSidfToDcA with { Justification = new string('j', 2001) }).Refusal!.FieldErrors.Keys.ShouldBe(["Justification"]);

    [Theory]
    [InlineData(2, 1)]
    [InlineData(-3, -1)]
    [InlineData(1, 31 * 24)]
    public void Submit_WithBadChangeWindow_RefusesOnWindow(int startHours, int endHours) =>
        Submit(MigrateSidfToDcA with { Window = new ChangeWindow(Now.AddHours(startHours), Now.AddHours(endHours)) })
            .Refusal!.FieldErrors.Keys.ShouldBe(["Window"]);

    [Fact]
    public void Submit_WithGoodChangeWindow_KeepsIt()
    {
        var window = new ChangeWindow(Now.AddHours(2), Now.AddHours(4));

        Submit(MigrateSidfToDcA with { Window = window }).Events[0].ShouldBeOfType<RequestSubmitted>().Window.ShouldBe(window);
    }

    [Fact]
    public void Submit_SnapshotDeletion_BindsTheSnapshotAndItsComponents()
    {
        var command = new SubmitRequest(RequestKind.SnapshotDeletion, UdmId, [], null, SnapshotId, Justification, null);

        var submitted = Submit(command, Facts(snapshot: AvailableSnapshot())).Events[0].ShouldBeOfType<RequestSubmitted>();

        submitted.Content.SnapshotId.ShouldBe(SnapshotId);
        submitted.Content.ComponentIds.ShouldBe([SidfId]);
    }

    [Fact]
    public void Submit_SnapshotDeletionOfMissingForeignOrDeletedSnapshot_RefusesOnSnapshot()
    {
        var command = new SubmitRequest(RequestKind.SnapshotDeletion, UdmId, [], null, SnapshotId, Justification, null);

        Submit(command with { SnapshotId = null }, Facts()).Refusal!.FieldErrors.Keys.ShouldBe(["SnapshotId"]);
        Submit(command, Facts()).Refusal!.FieldErrors.Keys.ShouldBe(["SnapshotId"]);
        Submit(command, Facts(snapshot: AvailableSnapshot(NefId))).Refusal!.FieldErrors.Keys.ShouldBe(["SnapshotId"]);
        Submit(command, Facts(snapshot: AvailableSnapshot() with { Status = SnapshotStatus.Deleted }))
            .Refusal!.FieldErrors["SnapshotId"].ShouldHaveSingleItem().ShouldContain("already been deleted");
    }

    [Fact]
    public void Submit_Restore_BindsTheSnapshotAndAlwaysNeedsASecurityOfficer()
    {
        // The NEF's snapshot holds only a Public component: by sensitivity no approval at all would be needed.
        var publicSnapshot = AvailableSnapshot(NefId) with
        {
            Components = [new SnapshotComponent(PortalId, "developer-portal", Sensitivity.Public, CoreDomainId)],
            StateEpoch = 2,
        };
        var command = new SubmitRequest(RequestKind.Restore, NefId, [], null, SnapshotId, Justification, null);

        var events = Submit(command, Facts(Nef, snapshot: publicSnapshot)).Events;

        var submitted = events.ShouldHaveSingleItem().ShouldBeOfType<RequestSubmitted>();
        (submitted.Content.Kind, submitted.Content.SnapshotId).ShouldBe((RequestKind.Restore, (Guid?)SnapshotId));
        submitted.Content.ComponentIds.ShouldBe([PortalId]);
        var group = submitted.Requirement.Groups.ShouldHaveSingleItem();
        (group.Source, group.Designates, group.Required).ShouldBe((Console.Workflows.Policy.ApproverSource.Role, Roles.SecurityOfficer, 1));
        submitted.Requirement.Explanation.ShouldContain("roll-back always needs 1 security officer");
    }

    [Fact]
    public void Submit_RestoreOfCriticalSnapshot_KeepsOneSecurityOfficerBesideTheNocApprover()
    {
        var command = new SubmitRequest(RequestKind.Restore, UdmId, [], null, SnapshotId, Justification, null);

        var submitted = Submit(command, Facts(snapshot: AvailableSnapshot() with { StateEpoch = 1 })).Events[0].ShouldBeOfType<RequestSubmitted>();

        // Critical already asks for 1 NOC approver and 1 security officer; the roll-back rule adds no second officer.
        submitted.Requirement.Groups.Select(g => (g.Designates, g.Required))
            .ShouldBe([(Roles.NocApprover, 1), (Roles.SecurityOfficer, 1)], ignoreOrder: true);
    }

    [Fact]
    public void Submit_RestoreWithoutSnapshotOrOfASnapshotWithoutEpoch_RefusesOnSnapshot()
    {
        var command = new SubmitRequest(RequestKind.Restore, UdmId, [], null, SnapshotId, Justification, null);

        Submit(command with { SnapshotId = null }, Facts()).Refusal!.FieldErrors["SnapshotId"].ShouldHaveSingleItem().ShouldContain("roll back to");
        Submit(command, Facts(snapshot: AvailableSnapshot(NefId) with { StateEpoch = 1 })).Refusal!.FieldErrors.Keys.ShouldBe(["SnapshotId"]);
        Submit(command, Facts(snapshot: AvailableSnapshot() with { StateEpoch = null }))
            .Refusal!.FieldErrors["SnapshotId"].ShouldHaveSingleItem().ShouldContain("no state epoch");
        Submit(command, Facts(snapshot: AvailableSnapshot() with { StateEpoch = 1, Status = SnapshotStatus.Deleted }))
            .Refusal!.FieldErrors["SnapshotId"].ShouldHaveSingleItem().ShouldContain("already been deleted");
    }

    [Theory]
    [InlineData(RequestKind.Pause)]
    [InlineData(RequestKind.Resume)]
    [InlineData(RequestKind.Stop)]
    [InlineData(RequestKind.Start)]
    [InlineData(RequestKind.Restart)]
    public void Submit_LifecycleOperation_ActsOnTheWholeVnfAndNeedsWhatItsSensitivitiesNeed(RequestKind kind)
    {
        // A selection of one Internal component does not narrow a restart of the whole instance.
        var command = new SubmitRequest(kind, UdmId, [SbiId], null, null, Justification, null);

        var submitted = Submit(command).Events.ShouldHaveSingleItem().ShouldBeOfType<RequestSubmitted>();

        submitted.Content.ComponentIds.ShouldBe(new[] { SidfId, DataApiId, SbiId }.Order().ToList());
        (submitted.Content.TargetEnvironmentId, submitted.Content.SnapshotId).ShouldBe((null, null));
        submitted.Requirement.Groups.Select(g => g.Designates).ShouldContain(Roles.SecurityOfficer);
        submitted.Requirement.CrossesTrustDomains.ShouldBeFalse();
    }

    [Fact]
    public void Submit_LifecycleOfAPublicOnlyVnf_IsApprovedByThePolicy()
    {
        var events = Submit(new SubmitRequest(RequestKind.Restart, NefId, [], null, null, Justification, null)).Events;

        events.Count.ShouldBe(2);
        events[1].ShouldBeOfType<RequestApproved>();
    }

    [Fact]
    public void Submit_ForAnotherVnfThanTheFacts_IsNotFound() =>
        Submit(MigrateSidfToDcA with { VnfId = Guid.NewGuid() }, Facts()).Refusal.ShouldBeRefusal(RefusalKind.NotFound, "This VNF does not exist (any more).");
}

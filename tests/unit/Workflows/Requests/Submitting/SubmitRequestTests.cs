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
        submitted.ContentDigest.ShouldBe(ContentDigest.Of(submitted.Content));
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
        Submit(MigrateSidfToDcA, actor: Approver).Refusal.ShouldNotBeNull().Kind.ShouldBe(RefusalKind.Forbidden);

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
            .Refusal.ShouldNotBeNull().Message.ShouldContain("sbi-gateway is Internal and needs trust level High");
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
    public void Submit_ForAnotherVnfThanTheFacts_IsNotFound() =>
        Submit(MigrateSidfToDcA with { VnfId = Guid.NewGuid() }, Facts()).Refusal!.Kind.ShouldBe(RefusalKind.NotFound);
}

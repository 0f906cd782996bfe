using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.ChangingVnf;
using Shouldly;
using Xunit;
using static Console.Testing.Workflows.Inventory.Scenarios;

namespace Console.UnitTests.Workflows.Inventory.ChangingVnf;

public sealed class ChangeVnfTests
{
    private static readonly Guid NasId = Guid.Parse("c0000000-0000-4000-8000-000000000003");

    private static Decision Decide(ChangeVnf command, Vnf? state = null, Actor? actor = null, VnfReferences? references = null) =>
        ChangeVnfDecider.Decide(command, state ?? AmfAtVersion3, references ?? KnownReferences(), actor ?? Administrator, Now);

    [Fact]
    public void ChangeVnf_WhenNothingDiffers_EmitsNothing() =>
        Decide(ChangeVnf.From(AmfAtVersion3)).Events.ShouldBeEmpty();

    [Fact]
    public void ChangeVnf_WhenDetailsChange_EmitsVnfDetailsChanged() =>
        Decide(ChangeVnf.From(AmfAtVersion3) with { SoftwareVersion = "1.15.0", Vendor = " Nokia " }).Events.ShouldBe([
            new VnfDetailsChanged(VnfId, "amf-fra-01", VnfType.AMF, "Nokia", "1.15.0", "admin-1", Now),
        ]);

    [Fact]
    public void ChangeVnf_WhenComponentsAddedEditedAndRemoved_EmitsOneEventPerComponentRemovalsFirst()
    {
        var command = ChangeVnf.From(AmfAtVersion3) with
        {
            Components =
            [
                new ComponentDraft(ContextStoreId, "ue-context-store", Sensitivity.Critical, SubscriberDomainId),
                new ComponentDraft(NasId, "nas-security", Sensitivity.Critical, SubscriberDomainId),
            ],
        };

        Decide(command).Events.ShouldBe([
            new VnfComponentRemoved(VnfId, N2Id, "n2-termination", "admin-1", Now),
            new VnfComponentChanged(VnfId, ContextStoreId, "ue-context-store", Sensitivity.Critical, SubscriberDomainId, "admin-1", Now),
            new VnfComponentAdded(VnfId, NasId, "nas-security", Sensitivity.Critical, SubscriberDomainId, "admin-1", Now),
        ]);
    }

    [Fact]
    public void ChangeVnf_WhenEnvironmentChanges_EmitsVnfMovedFromOldToNew() =>
        Decide(ChangeVnf.From(AmfAtVersion3) with { EnvironmentId = EdgeEnvironmentId }).Events.ShouldBe([
            new VnfMoved(VnfId, HighEnvironmentId, EdgeEnvironmentId, ChangeVnfDecider.CorrectionReason, "admin-1", Now),
        ]);

    [Fact]
    public void ChangeVnf_WhenExpectedVersionIsStale_RefusesAsConflict()
    {
        var decision = Decide(ChangeVnf.From(AmfAtVersion3) with { ExpectedVersion = 2, Name = "amf-fra-09" });

        decision.Refusal.ShouldBeRefusal(RefusalKind.Conflict, "Someone else changed this VNF since you opened it. Reload it and apply your change again.");
        decision.Events.ShouldBeEmpty();
    }

    [Fact]
    public void ChangeVnf_WhenNotAdministrator_RefusesAsForbidden() =>
        Decide(ChangeVnf.From(AmfAtVersion3), actor: Operator)
            .Refusal.ShouldBeRefusal(RefusalKind.Forbidden, CommandRoles.RefusalMessage(ConsoleCommand.ChangeVnf));

    [Fact]
    public void ChangeVnf_WhenVnfDoesNotExist_RefusesAsNotFound() =>
        ChangeVnfDecider.Decide(ChangeVnf.From(AmfAtVersion3), null, KnownReferences(), Administrator, Now)
            .Refusal.ShouldBeRefusal(RefusalKind.NotFound, "This VNF does not exist (any more).");

    [Fact]
    public void ChangeVnf_WhenLastComponentRemoved_RefusesWithFieldMessage() =>
        Decide(ChangeVnf.From(AmfAtVersion3) with { Components = [] })
            .Refusal.ShouldNotBeNull().FieldErrors["Components"].ShouldBe(["A VNF needs at least one component."]);

    [Fact]
    public void ChangeVnf_WhenRenamedToTakenName_RefusesWithFieldMessage() =>
        Decide(ChangeVnf.From(AmfAtVersion3) with { Name = "amf-fra-02" }, references: KnownReferences(nameTaken: true))
            .Refusal.ShouldNotBeNull().FieldErrors["Name"].ShouldBe(["Another VNF already has this name."]);

    [Fact]
    public void ChangeVnf_WhenTheSameComponentAppearsTwice_RefusesOnTheSecondRow()
    {
        var command = ChangeVnf.From(AmfAtVersion3) with
        {
            Components =
            [
                new ComponentDraft(N2Id, "n2-termination", Sensitivity.Internal, CoreDomainId),
                new ComponentDraft(N2Id, "n2-copy", Sensitivity.Internal, CoreDomainId),
            ],
        };

        Decide(command).Refusal.ShouldBeFieldRefusal(("Components[1].Id", "The same component appears twice; reload the form."));
    }

    [Fact]
    public void VnfComponentIds_WhenAssigned_OnlyNewRowsGetTheCallersIds()
    {
        var ids = SequentialIds();

        var drafts = VnfRules.WithIds(
            [new ComponentDraft(N2Id, "a", Sensitivity.Public, CoreDomainId), new ComponentDraft(null, "b", Sensitivity.Public, CoreDomainId)],
            ids);

        drafts.Select(d => d.Id).ShouldBe([N2Id, new Guid(0, 0, 0, [0, 0, 0, 0, 0, 0, 0, 1])]);
    }

    [Fact]
    public void Vnf_AppliedEvents_RebuildComponentsAndHighestSensitivity()
    {
        var vnf = Vnf.Create(new VnfRegistered(VnfId, "amf", VnfType.AMF, "E", "1", HighEnvironmentId, "a", Now))
            .Apply(new VnfComponentAdded(VnfId, N2Id, "n2", Sensitivity.Internal, CoreDomainId, "a", Now))
            .Apply(new VnfComponentAdded(VnfId, NasId, "nas", Sensitivity.Critical, SubscriberDomainId, "a", Now))
            .Apply(new VnfComponentRemoved(VnfId, NasId, "nas", "a", Now))
            .Apply(new VnfMoved(VnfId, HighEnvironmentId, EdgeEnvironmentId, "r", "a", Now));

        vnf.Components.ShouldBe([new VnfComponent(N2Id, "n2", Sensitivity.Internal, CoreDomainId)]);
        vnf.HighestSensitivity.ShouldBe(Sensitivity.Internal);
        vnf.HighestSensitivityRank.ShouldBe(1);
        vnf.EnvironmentId.ShouldBe(EdgeEnvironmentId);
    }
}

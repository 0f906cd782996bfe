using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.RegisteringVnf;
using Shouldly;
using Xunit;
using static Console.Testing.Workflows.Inventory.Scenarios;

namespace Console.UnitTests.Workflows.Inventory.RegisteringVnf;

public sealed class RegisterVnfTests
{
    private static readonly Guid NewId = Guid.Parse("f1000000-0000-4000-8000-000000000001");

    private static RegisterVnf Valid() => new(
        "udm-fra-01", VnfType.UDM, "Nokia", "23.5.1", HighEnvironmentId,
        [
            new ComponentDraft(N2Id, "suci-deconcealment (SIDF)", Sensitivity.Critical, SubscriberDomainId),
            new ComponentDraft(ContextStoreId, "sbi-gateway", Sensitivity.Internal, CoreDomainId),
        ]);

    private static Refusal Refused(RegisterVnf command, VnfReferences? references = null) =>
        RegisterVnfDecider.Decide(command, NewId, references ?? KnownReferences(), Administrator, Now).Refusal.ShouldNotBeNull();

    [Fact]
    public void RegisterVnf_WhenValid_EmitsRegisteredThenOneComponentAddedEach()
    {
        var decision = RegisterVnfDecider.Decide(Valid(), NewId, KnownReferences(), Administrator, Now);

        decision.Events.ShouldBe([
            new VnfRegistered(NewId, "udm-fra-01", VnfType.UDM, "Nokia", "23.5.1", HighEnvironmentId, "admin-1", Now),
            new VnfComponentAdded(NewId, N2Id, "suci-deconcealment (SIDF)", Sensitivity.Critical, SubscriberDomainId, "admin-1", Now),
            new VnfComponentAdded(NewId, ContextStoreId, "sbi-gateway", Sensitivity.Internal, CoreDomainId, "admin-1", Now),
        ]);
    }

    [Fact]
    public void RegisterVnf_WhenNotAdministrator_RefusesAsForbidden() =>
        RegisterVnfDecider.Decide(Valid(), NewId, KnownReferences(), Operator, Now)
            .Refusal.ShouldBeRefusal(RefusalKind.Forbidden, CommandRoles.RefusalMessage(ConsoleCommand.RegisterVnf));

    [Fact]
    public void RegisterVnf_WhenNameMissing_RefusesWithFieldMessage() =>
        Refused(Valid() with { Name = "   " }).FieldErrors["Name"].ShouldBe(["Name is required."]);

    [Fact]
    public void RegisterVnf_WhenNameTaken_RefusesWithFieldMessage() =>
        Refused(Valid(), KnownReferences(nameTaken: true)).FieldErrors["Name"].ShouldBe(["Another VNF already has this name."]);

    [Fact]
    public void RegisterVnf_WhenTextTooLongAndTypeUndefined_RefusesWithFieldMessages()
    {
        var refusal = Refused(Valid() with
        {
            Name = new string('a', 81), Vendor = new string('v', 81), SoftwareVersion = new string('1', 41), Type = (VnfType)99,
        });

        refusal.FieldErrors.Keys.Order().ShouldBe(["Name", "SoftwareVersion", "Type", "Vendor"]);
    }

    [Fact]
    public void RegisterVnf_WhenEnvironmentMissingOrUnknown_RefusesWithFieldMessage()
    {
        Refused(Valid() with { EnvironmentId = Guid.Empty }).FieldErrors["EnvironmentId"]
            .ShouldBe(["Choose the environment the VNF runs in."]);
        Refused(Valid() with { EnvironmentId = Guid.NewGuid() }).FieldErrors["EnvironmentId"].Single()
            .ShouldContain("does not exist");
    }

    [Fact]
    public void RegisterVnf_WithoutComponents_RefusesWithFieldMessage()
    {
        Refused(Valid() with { Components = [] }).FieldErrors["Components"].ShouldBe(["A VNF needs at least one component."]);
        Refused(Valid() with { Components = null! }).FieldErrors.Keys.ShouldContain("Components");
    }

    [Fact]
    public void RegisterVnf_WhenComponentNamesRepeatInAnotherCase_RefusesOnTheRepeatedRow()
    {
        var command = Valid() with
        {
            Components =
            [
                new ComponentDraft(N2Id, "sbi-gateway", Sensitivity.Internal, CoreDomainId),
                new ComponentDraft(ContextStoreId, " SBI-Gateway ", Sensitivity.Internal, CoreDomainId),
            ],
        };

        var refusal = Refused(command);

        refusal.FieldErrors.Keys.ShouldBe(["Components[1].Name"]);
        refusal.FieldErrors["Components[1].Name"].ShouldBe(["Another component of this VNF has this name."]);
    }

    [Fact]
    public void RegisterVnf_WhenComponentRowInvalid_RefusesWithMessagesKeyedByRow()
    {
        var command = Valid() with
        {
            Components =
            [
                new ComponentDraft(N2Id, "", (Sensitivity)12, Guid.Empty),
                new ComponentDraft(ContextStoreId, "ok", Sensitivity.Public, Guid.NewGuid()),
            ],
        };

        var refusal = Refused(command);

        refusal.FieldErrors.Keys.Order().ShouldBe(
            ["Components[0].Name", "Components[0].Sensitivity", "Components[0].TrustDomainId", "Components[1].TrustDomainId"]);
        refusal.FieldErrors["Components[1].TrustDomainId"].Single().ShouldContain("does not exist");
    }

    [Fact]
    public void RegisterVnf_WhenComponentHasNoId_RefusesInsteadOfInventingOne() =>
        Refused(Valid() with { Components = [new ComponentDraft(null, "n2", Sensitivity.Public, CoreDomainId)] })
            .FieldErrors.Keys.ShouldBe(["Components[0].Id"]);

    [Fact]
    public void RegisterVnf_WithMisplacedComponent_IsRecordedBecauseTheInventoryRecordsWhatRuns()
    {
        var command = Valid() with { EnvironmentId = EdgeEnvironmentId };

        RegisterVnfDecider.Decide(command, NewId, KnownReferences(), Administrator, Now).Refused.ShouldBeFalse();
    }
}

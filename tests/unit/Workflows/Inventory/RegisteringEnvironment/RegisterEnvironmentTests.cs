using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.RegisteringEnvironment;
using Shouldly;
using Xunit;
using static Console.Testing.Workflows.Inventory.Scenarios;

namespace Console.UnitTests.Workflows.Inventory.RegisteringEnvironment;

public sealed class RegisterEnvironmentTests
{
    private static readonly Guid NewId = Guid.Parse("e1000000-0000-4000-8000-000000000001");

    private static readonly RegisterEnvironment Valid =
        new("Hamburg Edge Site 07", EnvironmentKind.EdgeSite, "Hamburg-Altona, DE", TrustLevel.Low);

    [Fact]
    public void RegisterEnvironment_WhenValidWithoutAttestation_EmitsOnlyEnvironmentRegistered()
    {
        var decision = RegisterEnvironmentDecider.Decide(Valid, NewId, false, Administrator, Now);

        decision.Events.ShouldBe([
            new EnvironmentRegistered(NewId, "Hamburg Edge Site 07", EnvironmentKind.EdgeSite, "Hamburg-Altona, DE", TrustLevel.Low, "admin-1", Now),
        ]);
    }

    [Fact]
    public void RegisterEnvironment_WhenAttested_AlsoRecordsTheAttestation()
    {
        var decision = RegisterEnvironmentDecider.Decide(Valid with { AttestationStatus = AttestationStatus.Attested }, NewId, false, Administrator, Now);

        decision.Events.Count.ShouldBe(2);
        decision.Events[1].ShouldBe(new EnvironmentAttestationRecorded(NewId, AttestationStatus.Attested, "admin-1", Now));
    }

    [Fact]
    public void RegisterEnvironment_WhenNotAdministrator_RefusesAsForbidden() =>
        RegisterEnvironmentDecider.Decide(Valid, NewId, false, Operator, Now)
            .Refusal.ShouldBeRefusal(RefusalKind.Forbidden, CommandRoles.RefusalMessage(ConsoleCommand.RegisterEnvironment));

    [Fact]
    public void RegisterEnvironment_WhenFieldsMissingOrUndefined_RefusesWithFieldMessages()
    {
        var command = new RegisterEnvironment("", (EnvironmentKind)42, new string('x', 121), (TrustLevel)9, (AttestationStatus)7);

        var refusal = RegisterEnvironmentDecider.Decide(command, NewId, false, Administrator, Now).Refusal.ShouldNotBeNull();

        refusal.FieldErrors.Keys.Order().ShouldBe(["AttestationStatus", "Kind", "Location", "Name", "TrustLevel"]);
        refusal.FieldErrors["Location"].ShouldBe(["Location must be at most 120 characters."]);
    }

    [Fact]
    public void RegisterEnvironment_WhenNameTaken_RefusesWithFieldMessage() =>
        RegisterEnvironmentDecider.Decide(Valid, NewId, nameTaken: true, Administrator, Now)
            .Refusal.ShouldNotBeNull().FieldErrors["Name"].ShouldBe(["Another environment already has this name."]);
}

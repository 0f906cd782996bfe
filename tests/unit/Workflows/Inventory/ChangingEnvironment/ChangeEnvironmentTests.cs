using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.ChangingEnvironment;
using Shouldly;
using Xunit;
using static Console.Testing.Workflows.Inventory.Scenarios;

namespace Console.UnitTests.Workflows.Inventory.ChangingEnvironment;

public sealed class ChangeEnvironmentTests
{
    private static ChangeEnvironment Unchanged(int expectedVersion = 2) =>
        new(HighEnvironmentId, expectedVersion, "Frankfurt Core DC A", EnvironmentKind.CoreDataCentre, "Frankfurt",
            TrustLevel.High, AttestationStatus.Attested);

    [Fact]
    public void ChangeEnvironment_WhenTrustLowered_EmitsEnvironmentChanged()
    {
        var decision = ChangeEnvironmentDecider.Decide(
            Unchanged() with { TrustLevel = TrustLevel.Medium }, HighEnvironmentAtVersion2, false, Administrator, Now);

        decision.Events.ShouldBe([
            new EnvironmentChanged(HighEnvironmentId, "Frankfurt Core DC A", EnvironmentKind.CoreDataCentre, "Frankfurt",
                TrustLevel.Medium, "admin-1", Now),
        ]);
    }

    [Fact]
    public void ChangeEnvironment_WhenOnlyAttestationDiffers_EmitsOnlyAttestationRecorded()
    {
        var decision = ChangeEnvironmentDecider.Decide(
            Unchanged() with { AttestationStatus = AttestationStatus.Failed }, HighEnvironmentAtVersion2, false, Administrator, Now);

        decision.Events.ShouldBe([new EnvironmentAttestationRecorded(HighEnvironmentId, AttestationStatus.Failed, "admin-1", Now)]);
    }

    [Fact]
    public void ChangeEnvironment_WhenNothingDiffers_EmitsNothing() =>
        ChangeEnvironmentDecider.Decide(Unchanged(), HighEnvironmentAtVersion2, false, Administrator, Now).Events.ShouldBeEmpty();

    [Fact]
    public void ChangeEnvironment_WhenExpectedVersionIsStale_RefusesAsConflict() =>
        ChangeEnvironmentDecider.Decide(Unchanged(expectedVersion: 1), HighEnvironmentAtVersion2, false, Administrator, Now)
            .Refusal.ShouldBeRefusal(RefusalKind.Conflict, "Someone else changed this environment since you opened it. Reload it and apply your change again.");

    [Fact]
    public void ChangeEnvironment_WhenNotAdministrator_RefusesAsForbidden() =>
        ChangeEnvironmentDecider.Decide(Unchanged(), HighEnvironmentAtVersion2, false, Operator, Now)
            .Refusal.ShouldBeRefusal(RefusalKind.Forbidden, CommandRoles.RefusalMessage(ConsoleCommand.ChangeEnvironment));

    [Fact]
    public void ChangeEnvironment_WhenItDoesNotExist_RefusesAsNotFound() =>
        ChangeEnvironmentDecider.Decide(Unchanged(), null, false, Administrator, Now)
            .Refusal.ShouldBeRefusal(RefusalKind.NotFound, "This environment does not exist (any more).");

    [Fact]
    public void ChangeEnvironment_WhenNameMissing_RefusesWithFieldMessage() =>
        ChangeEnvironmentDecider.Decide(Unchanged() with { Name = " " }, HighEnvironmentAtVersion2, false, Administrator, Now)
            .Refusal.ShouldNotBeNull().FieldErrors["Name"].ShouldBe(["Name is required."]);

    [Fact]
    public void EnvironmentAttestation_WhenFailed_KeepsTheLastSuccessfulAttestationTime()
    {
        var environment = HighEnvironmentAtVersion2;

        var failed = environment.Apply(new EnvironmentAttestationRecorded(HighEnvironmentId, AttestationStatus.Failed, "x", Now));
        var attested = failed.Apply(new EnvironmentAttestationRecorded(HighEnvironmentId, AttestationStatus.Attested, "x", Now.AddHours(1)));

        failed.LastAttestedAt.ShouldBe(environment.LastAttestedAt);
        attested.LastAttestedAt.ShouldBe(Now.AddHours(1));
    }
}

using Console.Testing.Workflows.Common;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Snapshots;
using Console.Workflows.Snapshots.Holding;
using Shouldly;
using Xunit;
using static Console.UnitTests.Workflows.Snapshots.SnapshotStates;

namespace Console.UnitTests.Workflows.Snapshots.Holding;

public sealed class LegalHoldDeciderTests
{
    private static readonly DateTimeOffset Now = Completed.AddDays(2);

    [Fact]
    public void PlaceLegalHold_BySecurityOfficer_EmitsLegalHoldPlaced()
    {
        var snapshot = Available(Sensitivity.Critical);

        var decision = LegalHoldDecider.Decide(new PlaceLegalHold(snapshot.Id, snapshot.Version, "Case 17", null), snapshot, Security, Now);

        decision.Events.ShouldHaveSingleItem().ShouldBe(new LegalHoldPlaced(snapshot.Id, "Case 17", null, "sven", Now));
    }

    [Fact]
    public void PlaceLegalHold_ByAnAdministrator_IsAllowed_ByOperationsIsForbidden()
    {
        var snapshot = Available(Sensitivity.Public);
        var command = new PlaceLegalHold(snapshot.Id, snapshot.Version, "Case 17", Now.AddDays(90));

        LegalHoldDecider.Decide(command, snapshot, Admin, Now).Refused.ShouldBeFalse();
        foreach (var actor in new[] { Requester, Approver, Auditor, Manager })
            LegalHoldDecider.Decide(command, snapshot, actor, Now).Refusal.ShouldNotBeNull().Message
                .ShouldBe("Only security officers and administrators may place legal holds.");
    }

    [Fact]
    public void PlaceLegalHold_UntilMoreThanTenYearsAhead_IsRefused()
    {
        var snapshot = Available(Sensitivity.Public);

        LegalHoldDecider.Decide(new PlaceLegalHold(snapshot.Id, snapshot.Version, "Case", Now.AddYears(11)), snapshot, Security, Now)
            .Refusal.ShouldNotBeNull().FieldErrors["Until"].Single().ShouldContain("within ten years");
    }

    [Fact]
    public void ReleaseLegalHold_WhenHeld_EmitsLegalHoldReleased_WhenNotHeld_IsRefused()
    {
        var snapshot = Available(Sensitivity.Public);
        var held = snapshot.With(new LegalHoldPlaced(snapshot.Id, "Case", null, "sven", Completed));

        LegalHoldDecider.Decide(new ReleaseLegalHold(held.Id, held.Version, "Case closed"), held, Admin, Now)
            .Events.ShouldHaveSingleItem().ShouldBe(new LegalHoldReleased(held.Id, "Case closed", "ada", Now));
        LegalHoldDecider.Decide(new ReleaseLegalHold(snapshot.Id, snapshot.Version, "x"), snapshot, Security, Now)
            .Refusal.ShouldBeRefusal(RefusalKind.Conflict, "This snapshot is not under legal hold.");
        LegalHoldDecider.Decide(new ReleaseLegalHold(held.Id, held.Version, "x"), held, Requester, Now)
            .Refusal.ShouldBeRefusal(RefusalKind.Forbidden, CommandRoles.RefusalMessage(ConsoleCommand.ReleaseLegalHold));
    }
}

using Console.Workflows.Alerts;
using Console.Workflows.Continuity;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Alerts;

/// <summary>The handling of an alert as its stream folds it: each step keeps who (user and name) and when.</summary>
public sealed class AlertHandlingFoldTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid Alert = Guid.NewGuid();

    [Fact]
    public void AlertAck_AcknowledgedAssignedClosed_KeepsWhoAndWhenOfEachStep()
    {
        var handling = AlertHandling.Create(new AlertAcknowledged(Alert, SecurityAlertKind.ForkDetected, "Looking.", "sam", "Samir", At))
            .Apply(new AlertAssigned(Alert, SecurityAlertKind.ForkDetected, "sofia", "sam", "Samir", At.AddMinutes(1)))
            .Apply(new AlertClosed(Alert, SecurityAlertKind.ForkDetected, "Wiped the host.", "sofia", "Sofia", At.AddMinutes(2)));

        handling.State.ShouldBe(AlertState.Closed);
        (handling.AcknowledgedBy, handling.AcknowledgedByName, handling.AcknowledgedAt, handling.AcknowledgeNote)
            .ShouldBe(("sam", "Samir", (DateTimeOffset?)At, "Looking."));
        (handling.AssignedTo, handling.AssignedByName, handling.AssignedAt).ShouldBe(("sofia", "Samir", (DateTimeOffset?)At.AddMinutes(1)));
        (handling.ClosedBy, handling.ClosedByName, handling.ClosedAt, handling.CloseReason)
            .ShouldBe(("sofia", "Sofia", (DateTimeOffset?)At.AddMinutes(2), "Wiped the host."));
        handling.LastChangedAt.ShouldBe(At.AddMinutes(2));
    }

    [Fact]
    public void AlertAck_AssignedFirst_StaysOpenAndNamesNobodyAsHavingAcknowledged()
    {
        var handling = AlertHandling.Create(new AlertAssigned(Alert, SecurityAlertKind.EvidenceRefused, "sofia", "sam", "Samir", At));

        handling.State.ShouldBe(AlertState.Open);
        handling.AcknowledgedAt.ShouldBeNull();
        handling.AssignedTo.ShouldBe("sofia");
    }

    [Fact]
    public void AlertAck_Raised_IsOpenAndUntouchedFromTheRaiseOn()
    {
        var handling = AlertHandling.Create(Raised(At));

        (handling.Id, handling.Kind, handling.State, handling.LastChangedAt).ShouldBe((Alert, SecurityAlertKind.HostDrift, AlertState.Open, At));
        handling.AssignedTo.ShouldBeNull();
        handling.AcknowledgedAt.ShouldBeNull();
        handling.ClosedAt.ShouldBeNull();
    }

    [Fact]
    public void AlertAck_RaiseRecordedAtTheUpgradeAfterTheHandling_ChangesNothingOfIt()
    {
        var acknowledged = AlertHandling.Create(new AlertAcknowledged(Alert, SecurityAlertKind.HostDrift, "Looking.", "sam", "Samir", At.AddMinutes(5)));

        acknowledged.Apply(Raised(At)).ShouldBe(acknowledged);
    }

    private static SecurityAlertRaised Raised(DateTimeOffset at) =>
        new(Alert, SecurityAlertKind.HostDrift, null, Alert, null, "UnknownMachine", "A machine the console did not start.", "system:reconciliation", at);
}

using Console.Workflows.Accounts;
using Console.Workflows.Alerts;
using Console.Workflows.Alerts.Handling;
using Console.Workflows.Common;
using Console.Workflows.Continuity;
using Console.Testing.Workflows.Common;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Alerts.Handling;

/// <summary>The alert handling decider: who may handle which alert, and what a lock-out alert about oneself allows.</summary>
public sealed class AlertHandlingDeciderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 21, 0, 0, TimeSpan.Zero);
    private static readonly Guid Alert = Guid.NewGuid();
    private static readonly Actor Sofia = new("sofia", "Sofia Security", new HashSet<string> { Roles.SecurityOfficer });
    private static readonly Actor Samir = new("samir", "Samir Security", new HashSet<string> { Roles.SecurityOfficer });
    private static readonly IReadOnlySet<string> Officers = new HashSet<string> { "sofia", "samir" };

    private static AlertFacts LockOutOf(string userName) =>
        new(SecurityAlertKind.SecondFactorLockedOut, Officers) { SubjectId = SecondFactor.IdFor(userName) };

    [Fact]
    public void AlertAck_LockOutAboutTheActingOfficer_IsRefusedForEveryCommand_SoAHijackedSessionCannotCloseIt()
    {
        foreach (IConsoleCommand command in new IConsoleCommand[]
                 {
                     new AcknowledgeAlert(Alert, 0, "Mine."), new AssignAlert(Alert, 0, "samir"), new CloseAlert(Alert, 0, "It was me."),
                 })
        {
            AlertHandlingDecider.Decide(command, null, LockOutOf("sofia"), Sofia, Now).Refusal
                .ShouldBeRefusal(RefusalKind.Forbidden, AlertHandlingDecider.AboutYouMessage);
        }
    }

    [Fact]
    public void AlertAck_LockOutAboutSomeoneElse_IsHandledAsUsual_ButNotGivenToThatPerson()
    {
        var facts = LockOutOf("sofia");
        AlertHandlingDecider.Decide(new AcknowledgeAlert(Alert, 0, "Calling Sofia."), null, facts, Samir, Now).Events
            .ShouldBe([new AlertAcknowledged(Alert, SecurityAlertKind.SecondFactorLockedOut, "Calling Sofia.", "samir", "Samir Security", Now)]);
        AlertHandlingDecider.Decide(new CloseAlert(Alert, 0, "Sofia mistyped five times; confirmed by phone."), null, facts, Samir, Now)
            .Refusal.ShouldBeNull();

        var toHerself = AlertHandlingDecider.Decide(new AssignAlert(Alert, 0, " Sofia "), null, facts, Samir, Now).Refusal;
        toHerself.ShouldNotBeNull().Kind.ShouldBe(RefusalKind.Invalid);
        toHerself.FieldErrors[nameof(AssignAlert.Assignee)]
            .ShouldBe(["This alert is about that person's own account: assign it to another security officer."]);
    }

    [Fact]
    public void AlertAck_OtherKinds_AreNotTiedToTheActingPerson()
    {
        // A fork alert's subject is an instance, never a person: the same officer handles it whatever its id is.
        var fork = new AlertFacts(SecurityAlertKind.ForkDetected, Officers) { SubjectId = SecondFactor.IdFor("sofia") };
        AlertHandlingDecider.Decide(new CloseAlert(Alert, 0, "Copy wiped."), null, fork, Sofia, Now).Refusal.ShouldBeNull();
    }
}

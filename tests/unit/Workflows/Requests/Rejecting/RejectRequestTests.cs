using Console.Testing.Workflows.Common;
using Console.Workflows.Common;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Rejecting;
using Shouldly;
using Xunit;
using static Console.UnitTests.Workflows.Requests.Scenarios;

namespace Console.UnitTests.Workflows.Requests.Rejecting;

public sealed class RejectRequestTests
{
    private static RejectRequest Reject(ChangeRequest state, string reason = "Not during the freeze.") => new(state.Id, state.Version, reason);

    [Fact]
    public void Reject_ByEligibleApprover_EmitsRequestRejected()
    {
        var state = WithPendingCriticalMigration();

        RejectRequestDecider.Decide(Reject(state), state, Security, Now, global::Console.UnitTests.Workflows.Requests.Scenarios.SteppedUp).Events
            .ShouldBe([new RequestRejected(state.Id, "security", "security", "Not during the freeze.", Now)
            {
                AuthenticationMethod = Console.Workflows.Accounts.SteppingUp.StepUpMethods.Totp, AuthenticatedAt = Now,
            }]);
    }

    [Fact]
    public void Reject_ByApproverWhoAlreadyApproved_IsAllowed()
    {
        var state = ApprovedBy(WithPendingCriticalMigration(), Approver);

        RejectRequestDecider.Decide(Reject(state), state, Approver, Now, global::Console.UnitTests.Workflows.Requests.Scenarios.SteppedUp).Refusal.ShouldBeNull();
    }

    [Fact]
    public void Reject_ByRequester_IsForbidden()
    {
        var state = WithPendingCriticalMigration();

        RejectRequestDecider.Decide(Reject(state), state, Operator, Now, global::Console.UnitTests.Workflows.Requests.Scenarios.SteppedUp).Refusal.ShouldBeRefusal(RefusalKind.Forbidden, CommandRoles.RefusalMessage(ConsoleCommand.RejectRequest));
    }

    [Fact]
    public void Reject_ByIneligiblePerson_IsForbidden()
    {
        var state = WithPendingCriticalMigration();

        RejectRequestDecider.Decide(Reject(state), state, Auditor, Now, global::Console.UnitTests.Workflows.Requests.Scenarios.SteppedUp).Refusal.ShouldBeRefusal(RefusalKind.Forbidden, CommandRoles.RefusalMessage(ConsoleCommand.RejectRequest));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Reject_WithoutReason_RefusesOnReason(string reason)
    {
        var state = WithPendingCriticalMigration();

        RejectRequestDecider.Decide(Reject(state, reason), state, Security, Now, global::Console.UnitTests.Workflows.Requests.Scenarios.SteppedUp).Refusal!.FieldErrors.Keys.ShouldBe(["Reason"]);
    }

    [Fact]
    public void Reject_WithReasonOver1000_RefusesOnReason()
    {
        var state = WithPendingCriticalMigration();

        RejectRequestDecider.Decide(Reject(state, new string('r', 1001)), state, Security, Now, global::Console.UnitTests.Workflows.Requests.Scenarios.SteppedUp).Refusal!.FieldErrors.Keys.ShouldBe(["Reason"]);
    }

    [Fact]
    public void Reject_WhenStale_IsAConflict()
    {
        var state = WithPendingCriticalMigration();

        RejectRequestDecider.Decide(Reject(state) with { ExpectedVersion = 9 }, state, Security, Now, global::Console.UnitTests.Workflows.Requests.Scenarios.SteppedUp).Refusal.ShouldBeRefusal(RefusalKind.Conflict, RequestGuards.ConflictMessage);
    }

    [Fact]
    public void Reject_WhenAlreadyApproved_IsRefused()
    {
        var state = WithApprovedCriticalMigration();

        var refusal = RejectRequestDecider.Decide(Reject(state), state, Security, Now, global::Console.UnitTests.Workflows.Requests.Scenarios.SteppedUp).Refusal.ShouldNotBeNull();

        (refusal.Kind, refusal.Message).ShouldBe((RefusalKind.Conflict, "This request is approved; it can no longer be rejected."));
    }
}

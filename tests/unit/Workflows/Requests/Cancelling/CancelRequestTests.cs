using Console.Testing.Workflows.Common;
using Console.Workflows.Common;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Cancelling;
using Console.Workflows.Requests.Executing;
using Shouldly;
using Xunit;
using static Console.UnitTests.Workflows.Requests.Scenarios;

namespace Console.UnitTests.Workflows.Requests.Cancelling;

public sealed class CancelRequestTests
{
    private static CancelRequest Cancel(ChangeRequest state, string reason = "Window moved to next week.") => new(state.Id, state.Version, reason);

    [Fact]
    public void Cancel_ByRequesterWhilePending_EmitsRequestCancelled()
    {
        var state = WithPendingCriticalMigration();

        CancelRequestDecider.Decide(Cancel(state), state, Operator, Now).Events
            .ShouldBe([new RequestCancelled(state.Id, "operator", "operator", "Window moved to next week.", Now)]);
    }

    [Fact]
    public void Cancel_ByAdministratorWhenApprovedNotStarted_IsAllowed()
    {
        var state = WithApprovedCriticalMigration();

        CancelRequestDecider.Decide(Cancel(state), state, Administrator, Now).Events.ShouldHaveSingleItem().ShouldBeOfType<RequestCancelled>();
    }

    [Fact]
    public void Cancel_ByAnotherOperator_IsForbidden()
    {
        var state = WithPendingCriticalMigration();

        CancelRequestDecider.Decide(Cancel(state), state, Operator2, Now).Refusal.ShouldBeRefusal(RefusalKind.Forbidden, "Only the person who raised this request or an administrator may cancel it.");
    }

    [Fact]
    public void Cancel_OnceExecutionStarted_IsRefused()
    {
        var state = WithApprovedCriticalMigration();
        state = Accepted(ExecutionDecider.Start(state, 1, Now), state);

        CancelRequestDecider.Decide(Cancel(state), state, Operator, Now).Refusal.ShouldBeRefusal(RefusalKind.Conflict, "This request is being carried out; only a request whose execution has not started can be cancelled.");
    }

    [Fact]
    public void Cancel_WithoutReason_RefusesOnReason()
    {
        var state = WithPendingCriticalMigration();

        CancelRequestDecider.Decide(Cancel(state, " "), state, Operator, Now).Refusal!.FieldErrors.Keys.ShouldBe(["Reason"]);
    }

    [Fact]
    public void Cancel_WhenStale_IsAConflict()
    {
        var state = WithPendingCriticalMigration();

        CancelRequestDecider.Decide(Cancel(state) with { ExpectedVersion = 7 }, state, Operator, Now).Refusal.ShouldBeRefusal(RefusalKind.Conflict, RequestGuards.ConflictMessage);
    }
}

using Console.Workflows.Common;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Executing;
using Console.Workflows.Requests.Retrying;
using Shouldly;
using Xunit;
using static Console.UnitTests.Workflows.Requests.Scenarios;

namespace Console.UnitTests.Workflows.Requests.Executing;

/// <summary>An approved request runs inside its change window: not before it opens, never after it closes.</summary>
public sealed class ChangeWindowTests
{
    private static readonly ChangeWindow InThirtyDays = new(Now.AddDays(30), Now.AddDays(30).AddHours(4));

    private static ChangeRequest WithApprovedMigrationIn(ChangeWindow window) =>
        ApprovedBy(Submitted(MigrateSidfToDcA with { Window = window }), Approver, Security, Approver2);

    private static ChangeRequest WithFailedExecutionIn(ChangeWindow window)
    {
        var state = WithApprovedMigrationIn(window);
        state = Accepted(ExecutionDecider.Start(state, 1, window.Start.AddMinutes(1)), state);
        return Accepted(ExecutionDecider.Fail(state, 1, "VIM unreachable", window.Start.AddMinutes(2)), state);
    }

    [Fact]
    public void ChangeWindow_Ahead_StartEmitsNothingAndWaitsUntilItOpens()
    {
        var state = WithApprovedMigrationIn(InThirtyDays);
        var now = Now.AddMinutes(10);

        ExecutionDecider.Start(state, 1, now).Events.ShouldBeEmpty();
        ExecutionDecider.WaitForWindow(state, 1, now).ShouldBe(InThirtyDays.Start - now);
        state.ScheduledFor(now).ShouldBe(InThirtyDays.Start);
        ExecutionDecider.Start(state, 1, InThirtyDays.Start.AddTicks(-1)).Events.ShouldBeEmpty();
    }

    [Fact]
    public void ChangeWindow_Open_StartEmitsExecutionStarted()
    {
        var state = WithApprovedMigrationIn(InThirtyDays);

        ExecutionDecider.Start(state, 1, InThirtyDays.Start).Events
            .ShouldBe([new ExecutionStarted(state.Id, 1, ExecutionDecider.By, InThirtyDays.Start)]);
        ExecutionDecider.WaitForWindow(state, 1, InThirtyDays.Start).ShouldBeNull();
        state.ScheduledFor(InThirtyDays.Start).ShouldBeNull();
    }

    [Fact]
    public void ChangeWindow_Closed_StartEndsTheRequestWithExecutionWindowMissed()
    {
        var state = WithApprovedMigrationIn(InThirtyDays);

        var decision = ExecutionDecider.Start(state, 1, InThirtyDays.End);

        decision.Events.ShouldBe([new ExecutionWindowMissed(state.Id, 1, InThirtyDays, ExecutionDecider.By, InThirtyDays.End)]);
        var missed = Accepted(decision, state);
        missed.Status.ShouldBe(RequestStatus.WindowMissed);
        missed.IsFinal.ShouldBeTrue();
        missed.ExecutionAttempts.ShouldBe(0);
        missed.Outcome.ShouldBe(
            "The change window 2026-04-01 10:00 UTC to 2026-04-01 14:00 UTC closed before attempt 1 could start "
            + "(checked 2026-04-01 14:00 UTC); nothing was carried out. Raise the request again with a new change window.");
        // A late duplicate of the message finds a final request: nothing more happens.
        ExecutionDecider.Start(missed, 1, InThirtyDays.End.AddDays(1)).Events.ShouldBeEmpty();
    }

    [Fact]
    public void ChangeWindow_NoWindow_StartsAtOnce()
    {
        var state = ApprovedBy(Submitted(MigrateSidfToDcA), Approver, Security, Approver2);

        ExecutionDecider.Start(state, 1, Now.AddYears(1)).Events.ShouldHaveSingleItem().ShouldBeOfType<ExecutionStarted>();
        state.ScheduledFor(Now).ShouldBeNull();
    }

    [Fact]
    public void ChangeWindow_RetryAfterItClosed_IsRefusedNamingTheWindow()
    {
        var state = WithFailedExecutionIn(InThirtyDays);

        var refusal = RetryExecutionDecider.Decide(new RetryExecution(state.Id, state.Version, "The host came back."), state, 3, Operator, InThirtyDays.End)
            .Refusal.ShouldNotBeNull();

        refusal.Kind.ShouldBe(RefusalKind.Conflict);
        refusal.Message.ShouldBe(
            "The change window 2026-04-01 10:00 UTC to 2026-04-01 14:00 UTC has closed, so the execution may not run again. "
            + "Raise the request again with a new change window.");
    }

    [Fact]
    public void ChangeWindow_RetryInsideIt_IsAccepted_ButTheAttemptStillEndsIfTheWindowClosesFirst()
    {
        var state = WithFailedExecutionIn(InThirtyDays);
        var inside = InThirtyDays.End.AddMinutes(-1);

        state = Accepted(RetryExecutionDecider.Decide(new RetryExecution(state.Id, state.Version, "The host came back."), state, 3, Operator, inside), state);

        ExecutionDecider.Start(state, 2, inside).Events.ShouldHaveSingleItem().ShouldBeOfType<ExecutionStarted>();
        ExecutionDecider.Start(state, 2, InThirtyDays.End).Events
            .ShouldBe([new ExecutionWindowMissed(state.Id, 2, InThirtyDays, ExecutionDecider.By, InThirtyDays.End)]);
    }

    [Fact]
    public void ChangeWindow_Positions_AreStartInclusiveAndEndExclusive()
    {
        ChangeWindows.PositionOf(InThirtyDays, InThirtyDays.Start.AddTicks(-1)).ShouldBe(WindowPosition.Ahead);
        ChangeWindows.PositionOf(InThirtyDays, InThirtyDays.Start).ShouldBe(WindowPosition.Open);
        ChangeWindows.PositionOf(InThirtyDays, InThirtyDays.End.AddTicks(-1)).ShouldBe(WindowPosition.Open);
        ChangeWindows.PositionOf(InThirtyDays, InThirtyDays.End).ShouldBe(WindowPosition.Closed);
        ChangeWindows.PositionOf(null, Now).ShouldBe(WindowPosition.Open);
        ChangeWindows.WaitBeforeStart(InThirtyDays, InThirtyDays.Start.AddHours(-1)).ShouldBe(TimeSpan.FromHours(1));
        ChangeWindows.WaitBeforeStart(InThirtyDays, InThirtyDays.End).ShouldBe(TimeSpan.Zero);
    }
}

using Console.Workflows.Common;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Executing;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Requests.Executing;

public sealed class ExecutionShareTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static (ExecutionShare Share, CommandPressure Pressure, FakeTimeProvider Time) Share(int places = 1, double duty = 1)
    {
        var time = new FakeTimeProvider();
        var pressure = new CommandPressure(time);
        var options = new RequestWorkflowOptions { ExecutionParallelismUnderLoad = places, ExecutionDutyUnderLoad = duty };
        return (new ExecutionShare(pressure, options, time), pressure, time);
    }

    [Fact]
    public async Task Take_NobodyWaitingForACommand_HoldsNoPlace()
    {
        var (share, _, _) = Share();
        using var first = share.Begin();
        using var second = share.Begin();

        await first.TakeAsync(Ct);
        await second.TakeAsync(Ct);

        share.Taken.ShouldBe(0, "with no command on the node, executions run as the queue hands them out");
    }

    [Fact]
    public async Task Take_WhileACommandRuns_LetsOnlyThePlacesThroughAndTheNextWhenOneIsGivenBack()
    {
        var (share, pressure, _) = Share(places: 1);
        using var command = pressure.Enter();
        var first = share.Begin();
        using var second = share.Begin();
        await first.TakeAsync(Ct);
        share.Taken.ShouldBe(1);

        var waiting = second.TakeAsync(Ct).AsTask();
        await Task.Delay(50, Ct);
        waiting.IsCompleted.ShouldBeFalse("the one place is taken while a command runs");

        first.Dispose();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        share.Taken.ShouldBe(1, "the place passed to the waiting execution");
    }

    [Fact]
    public async Task Take_WhileACommandRuns_HandsAFreedPlaceToTheOldestExecutionWaiting()
    {
        var (share, pressure, _) = Share(places: 1);
        using var command = pressure.Enter();
        var holder = share.Begin();
        using var older = share.Begin();
        using var younger = share.Begin();
        await holder.TakeAsync(Ct);

        // The younger asks first; the older one still goes first.
        var youngerWaits = younger.TakeAsync(Ct).AsTask();
        await Task.Delay(20, Ct);
        var olderWaits = older.TakeAsync(Ct).AsTask();
        await Task.Delay(20, Ct);
        holder.Dispose();

        await olderWaits.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        youngerWaits.IsCompleted.ShouldBeFalse("the execution begun earlier finishes first");
        older.Dispose();
        await youngerWaits.WaitAsync(TimeSpan.FromSeconds(10), Ct);
    }

    [Fact]
    public async Task Take_CommandsStopWhileWaiting_GoesOnWithoutAPlace()
    {
        var (share, pressure, time) = Share(places: 1);
        var command = pressure.Enter();
        using var holder = share.Begin();
        using var waiter = share.Begin();
        await holder.TakeAsync(Ct);
        var waiting = waiter.TakeAsync(Ct).AsTask();

        command.Dispose();
        // Past the linger, and past the waiter's next look.
        time.Advance(TimeSpan.FromSeconds(1));

        await waiting.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        share.Taken.ShouldBe(1, "only the holder's place is taken; the waiter went on without one");
    }

    [Fact]
    public async Task OutsideTheTurn_WaitingOnTheInfrastructure_LeavesThePlaceToOthersAndTakesItBackAfter()
    {
        var (share, pressure, _) = Share(places: 1);
        using var command = pressure.Enter();
        using var operating = share.Begin();
        var other = share.Begin();
        await operating.TakeAsync(Ct);
        var infrastructure = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);

        var operation = operating.OutsideAsync(() => infrastructure.Task, Ct);
        await other.TakeAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);
        share.Taken.ShouldBe(1, "the other execution took the place the operating one gave back");

        infrastructure.SetResult("done");
        await Task.Delay(50, Ct);
        operation.IsCompleted.ShouldBeFalse("after its operation, the execution waits for its turn again");
        other.Dispose();
        (await operation.WaitAsync(TimeSpan.FromSeconds(10), Ct)).ShouldBe("done");
        share.Taken.ShouldBe(1);
    }

    [Fact]
    public async Task Give_AtADutyOfAQuarter_KeepsThePlaceClosedThreeTimesAsLongAsItWasHeld()
    {
        var (share, pressure, time) = Share(places: 1, duty: 0.25);
        using var command = pressure.Enter();
        var turn = share.Begin();
        await turn.TakeAsync(Ct);
        time.Advance(TimeSpan.FromMilliseconds(40));

        turn.Dispose();
        time.Advance(TimeSpan.FromMilliseconds(119));
        share.Taken.ShouldBe(1, "held 40 ms, it rests 120 ms");
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Eventually(() => share.Taken == 0);
    }

    [Fact]
    public async Task Give_AfterAStepThatHeldThePlaceForSeconds_RestsNoLongerThanTheLongestRest()
    {
        var (share, pressure, time) = Share(places: 1, duty: 0.25);
        using var command = pressure.Enter();
        var turn = share.Begin();
        await turn.TakeAsync(Ct);
        // Waiting on something that does not give the place back: not CPU, so not three times as long again.
        time.Advance(TimeSpan.FromSeconds(5));

        turn.Dispose();
        time.Advance(ExecutionShare.LongestRest - TimeSpan.FromMilliseconds(1));
        share.Taken.ShouldBe(1);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Eventually(() => share.Taken == 0);
    }

    [Fact]
    public async Task Take_CancelledWhileWaiting_ThrowsAndTakesNoPlace()
    {
        var (share, pressure, _) = Share(places: 1);
        using var command = pressure.Enter();
        var holder = share.Begin();
        using var waiter = share.Begin();
        await holder.TakeAsync(Ct);
        using var cancel = new CancellationTokenSource();

        var waiting = waiter.TakeAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(waiting);
        holder.Dispose();
        share.Taken.ShouldBe(0, "the cancelled waiter holds nothing; the holder's place is free again");
    }

    private static async Task Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
            await Task.Delay(10, Ct);
        condition().ShouldBeTrue();
    }
}

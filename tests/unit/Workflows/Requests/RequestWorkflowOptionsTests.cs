using Console.Workflows.Requests;
using Microsoft.Extensions.Configuration;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Requests;

public sealed class RequestWorkflowOptionsTests
{
    private static RequestWorkflowOptions From(params (string Key, string Value)[] settings) =>
        RequestWorkflowOptions.From(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
            .Build());

    // The crash campaign found a killed node's executions waiting 80 to 90 s with Wolverine's one-minute default.
    [Fact]
    public void Defaults_AKilledNodesStoredMessages_MayBeTakenOverWithinTheThirtySecondResumeTarget()
    {
        var options = From();

        options.WorstCaseTakeOver.ShouldBeLessThanOrEqualTo(TimeSpan.FromSeconds(30));
        options.DeadNodeAfter.ShouldBeGreaterThanOrEqualTo(3 * options.NodeHealthCheckInterval);
    }

    [Fact]
    public void From_DeadNodeAfterShorterThanThreeHealthChecks_IsRefusedAtStartWithTheReason()
    {
        var refused = Should.Throw<InvalidOperationException>(() =>
            From(("Workflow:NodeHealthCheckInterval", "00:00:05"), ("Workflow:DeadNodeAfter", "00:00:10")));

        refused.Message.ShouldContain("Workflow:DeadNodeAfter (00:00:10) must be at least three NodeHealthCheckIntervals (00:00:05)");
    }

    [Fact]
    public void Defaults_AKilledProcessIsFoundByItsEndedSession_WithAGraceOfTwoLooks()
    {
        var options = From();

        options.EjectOnLostSession.ShouldBeTrue();
        options.DeadSessionGrace.ShouldBeGreaterThanOrEqualTo(2 * options.LivenessCheckInterval);
        (options.DeadSessionGrace + options.LivenessCheckInterval).ShouldBeLessThan(options.DeadNodeAfter);
    }

    [Fact]
    public void From_DeadSessionGraceShorterThanTwoLooks_IsRefusedAtStartWithTheReason()
    {
        var refused = Should.Throw<InvalidOperationException>(() =>
            From(("Workflow:LivenessCheckInterval", "00:00:02"), ("Workflow:DeadSessionGrace", "00:00:03")));

        refused.Message.ShouldContain("Workflow:DeadSessionGrace (00:00:03) must be at least two LivenessCheckIntervals (00:00:02)");
    }

    [Theory]
    [InlineData("0", "0.5", "ExecutionParallelismUnderLoad is 0")]
    [InlineData("1", "0", "ExecutionDutyUnderLoad is 0")]
    [InlineData("1", "1.5", "ExecutionDutyUnderLoad is 1.5")]
    public void From_NoPlaceForExecutionsUnderLoadOrADutyOutsideZeroToOne_IsRefusedAtStartWithTheReason(string places, string duty, string reason)
    {
        var refused = Should.Throw<InvalidOperationException>(() =>
            From(("Workflow:ExecutionParallelismUnderLoad", places), ("Workflow:ExecutionDutyUnderLoad", duty)));

        refused.Message.ShouldContain(reason);
    }

    // Wolverine cancels any handler after a minute unless told otherwise; a real snapshot or migration takes longer.
    [Fact]
    public void Defaults_AnExecutionMayRunLongerThanWolverinesOneMinuteHandlerLimit()
    {
        From().ExecutionTimeout.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMinutes(30));
    }

    [Fact]
    public void From_ExecutionTimeoutZero_IsRefusedAtStartWithTheReason()
    {
        var refused = Should.Throw<InvalidOperationException>(() => From(("Workflow:ExecutionTimeout", "00:00:00")));

        refused.Message.ShouldBe("Workflow:ExecutionTimeout is 00:00:00; it must be positive, or no execution could run at all.");
    }
}

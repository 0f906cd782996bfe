using Console.IntegrationTests.Infrastructure;
using Console.IntegrationTests.Workflows.Runtime;
using Console.Workflows.Common;
using Console.Workflows.Requests;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Requests.Executing;

/// <summary>A workflow host whose durable schedule is polled only every 30 seconds.</summary>
public sealed class SlowPollWorkflowFixture : WorkflowFixture
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(30);

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Workflow:ScheduledJobPollingTime"] = PollInterval.ToString(),
    };
}

/// <summary>Approved executions start when the approval commits, not at the schedule's next poll.</summary>
public sealed class ExecutionWakeupTests(SlowPollWorkflowFixture fixture) : IClassFixture<SlowPollWorkflowFixture>
{
    private WorkflowHost Host => fixture.Host;

    [Fact]
    public async Task Wakeup_ApprovedRequests_StartWithinTwoSeconds_ThoughTheScheduleIsPolledEveryThirty()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        // The first request may meet the schedule's first poll (half a second to 1.5 s after start); the next ones are
        // approved after it, when only a wake-up on commit can start them before the next poll 30 s later.
        var delays = new List<TimeSpan>();
        for (var i = 0; i < 3; i++)
        {
            var submitted = await Host.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(s.Snapshot(s.N2), s.Operator));
            submitted.Succeeded.ShouldBeTrue(submitted.Refusal?.Message);
            await ChangeWindowRuntimeTests.ApproveAsync(Host, submitted.Id);
            var approvedAt = DateTimeOffset.UtcNow;
            var started = await Eventually.Until(
                () => ChangeWindowRuntimeTests.DetailsAsync(Host, submitted.Id),
                d => d.Request.Status is not RequestStatus.Approved,
                $"request {submitted.Id} to start", SlowPollWorkflowFixture.PollInterval * 2);
            started.Request.Status.ShouldBeOneOf(RequestStatus.Executing, RequestStatus.Completed);
            delays.Add(await StartedAtAsync(submitted.Id) - approvedAt);
        }

        delays.Skip(1).ShouldAllBe(d => d < TimeSpan.FromSeconds(2),
            $"approval to execution start: {string.Join(", ", delays.Select(d => $"{d.TotalMilliseconds:F0} ms"))}");
    }

    private async Task<DateTimeOffset> StartedAtAsync(Guid id)
    {
        await using var session = Host.Store.QuerySession();
        var events = await session.Events.FetchStreamAsync(id, token: TestContext.Current.CancellationToken);
        return events.Select(e => e.Data).OfType<ExecutionStarted>().First().At;
    }
}

/// <summary>
/// The wake-up is a shortcut, not the guarantee: a node that dies after the approval commits, before anything woke,
/// leaves the execution in the durable schedule, and a node on the same database starts it.
/// </summary>
public sealed class ExecutionWakeupDurabilityTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Wakeup_NodeGoneBeforeWaking_ExecutionIsStartedByTheNextNodesSchedule()
    {
        Guid id;
        RuntimeScenario s;
        // Waking off stands for a node that died between the commit and the wake-up; its schedule is never polled.
        await using (var first = await WorkflowHost.StartAsync(database, new Dictionary<string, string?>
                     {
                         ["Workflow:WakeExecutionsOnCommit"] = "false",
                         ["Workflow:ScheduledJobPollingTime"] = "01:00:00",
                     }, TimeSpan.FromSeconds(1)))
        {
            s = await RuntimeScenario.CreateAsync(first.Store);
            var submitted = await first.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(s.Snapshot(s.N2), s.Operator));
            submitted.Succeeded.ShouldBeTrue(submitted.Refusal?.Message);
            id = submitted.Id;
            await ChangeWindowRuntimeTests.ApproveAsync(first, id);
            (await ChangeWindowRuntimeTests.DetailsAsync(first, id)).Request.Status.ShouldBe(RequestStatus.Approved);
            await first.CrashAsync();
        }

        (await ChangeWindowRuntimeTests.ScheduledExecutionsAsync(database)).ShouldHaveSingleItem();
        await using var second = await WorkflowHost.StartAsync(database);
        await ChangeWindowRuntimeTests.WaitForAsync(second, id, RequestStatus.Completed);
    }
}

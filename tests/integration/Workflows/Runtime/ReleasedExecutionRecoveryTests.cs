using Console.IntegrationTests.Infrastructure;
using Console.Nfv.Simulator;
using Console.Workflows.Common;
using Console.Workflows.Requests;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Wolverine;
using Xunit;

namespace Console.IntegrationTests.Workflows.Runtime;

/// <summary>
/// An execution Wolverine released for recovery (its node gone) while no node runs Wolverine's durability agent, the one
/// agent that recovers released messages: the take-over <c>NodeTakeOverTests</c> once saw stall (docs/cluster.md).
/// Here the agent is switched off on purpose, so only <see cref="Console.Workflows.Requests.Executing.ReleasedExecutionRecovery"/> can resume it.
/// </summary>
public sealed class ReleasedExecutionRecoveryTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string?> Balanced(int operationMs) => new()
    {
        ["Workflow:DurabilityMode"] = "Balanced",
        ["Nfv:Simulator:DelayMilliseconds"] = operationMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task ReleasedExecution_WhileNoNodeRunsTheDurabilityAgent_IsResumedByTheNodeThatSeesItWaiting()
    {
        static void NoDurabilityAgent(IServiceCollection services) =>
            services.ConfigureWolverine(o => o.Durability.DurabilityAgentEnabled = false);

        Guid id;
        var first = await WorkflowHost.StartAsync(database, Balanced(operationMs: 60_000), services: NoDurabilityAgent);
        await using (first)
        {
            var s = await RuntimeScenario.CreateAsync(first.Store);
            var submitted = await first.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(s.Snapshot(s.N2), s.Operator));
            submitted.Succeeded.ShouldBeTrue(submitted.Refusal?.Message);
            id = submitted.Id;
            var pending = (await first.With<IRequestReader, RequestDetails?>(r => r.GetAsync(id))).ShouldNotBeNull().Request;
            (await first.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(
                new ApproveRequest(id, pending.Version, pending.ContentDigest, null), first.SignedIn(RuntimeScenario.Approver(1))))).Succeeded.ShouldBeTrue();
            await Eventually.Until(JournalAsync, j => j.Any(e => e.Phase == SimulatedOperationPhase.Started),
                "the first node to start the minute-long operation", TimeSpan.FromMinutes(1));
            // Stopping releases the node's stored messages for another node to recover.
            await first.StopAsync();
        }

        await using var next = await WorkflowHost.StartAsync(database, Balanced(operationMs: 100), services: NoDurabilityAgent);
        var done = await Eventually.Until(() => next.With<IRequestReader, RequestDetails?>(r => r.GetAsync(id)),
            d => d?.Request.Status is RequestStatus.Completed or RequestStatus.Failed,
            "the next node to resume the released execution", TimeSpan.FromSeconds(60));
        done!.Request.Status.ShouldBe(RequestStatus.Completed);
        await using var query = next.Store.QuerySession();
        (await query.Events.FetchStreamAsync(id, token: Ct)).Select(e => e.Data).OfType<ExecutionStarted>().Count()
            .ShouldBe(1, "the interrupted attempt is resumed, not started again");
    }

    private async Task<IReadOnlyList<SimulatedOperationLogEntry>> JournalAsync()
    {
        await using var query = database.Store.QuerySession();
        return await query.Query<SimulatedOperationLogEntry>().ToListAsync(Ct);
    }
}

using Console.Nfv.Simulator;
using Console.IntegrationTests.Infrastructure;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Nfv;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Executing;
using Marten;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Runtime;

/// <summary>A node stops while an approved request executes; the next node on the same database finishes it, once.</summary>
public sealed class ResumeAfterRestartTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ApprovedMigration_InterruptedByStoppingTheHost_ResumesAfterRestart_AndExecutesExactlyOnce()
    {
        Guid id;
        RuntimeScenario s;
        // A slow infrastructure (30 s per operation); the node goes down in the middle of the execution.
        await using (var first = await WorkflowHost.StartAsync(
            database, new Dictionary<string, string?> { ["Nfv:Simulator:DelayMilliseconds"] = "30000" }, TimeSpan.FromSeconds(1)))
        {
            s = await RuntimeScenario.CreateAsync(first.Store);
            var submitted = await first.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(s.Migration(s.DcB, s.N2), s.Operator));
            submitted.Succeeded.ShouldBeTrue(submitted.Refusal?.Message);
            id = submitted.Id;
            var request = (await first.With<IRequestReader, RequestDetails?>(r => r.GetAsync(id)))!.Request;
            var approved = await first.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(
                new ApproveRequest(id, request.Version, request.ContentDigest, null), first.SignedIn(RuntimeScenario.Approver(1))));
            approved.Succeeded.ShouldBeTrue(approved.Refusal?.Message);

            // Execution has begun (its attestation is recorded) but the slow operation has not finished.
            await Eventually.Until(
                () => first.With<IRequestReader, RequestDetails?>(r => r.GetAsync(id)),
                d => d!.Journal.Any(j => j.EventType == nameof(TargetAttestationChecked)),
                "execution to be under way");
            await first.CrashAsync();
        }

        await using (var session = database.Store.QuerySession())
        {
            var stopped = (await session.LoadAsync<ChangeRequest>(id, Ct)).ShouldNotBeNull();
            stopped.Status.ShouldBe(RequestStatus.Executing, "the first host must stop before execution finished");
            (await session.LoadAsync<SimulatedOperation>(ExecutionDecider.OperationId(id, 1), Ct)).ShouldBeNull();
        }

        await using var second = await WorkflowHost.StartAsync(database);
        var done = await Eventually.Until(
            () => second.With<IRequestReader, RequestDetails?>(r => r.GetAsync(id)),
            d => d?.Request.Status == RequestStatus.Completed,
            "the restarted host to finish the request",
            TimeSpan.FromSeconds(60));

        await using var query = second.Store.QuerySession();
        var events = (await query.Events.FetchStreamAsync(id, token: Ct)).Select(e => e.Data).ToList();
        events.OfType<RequestApproved>().Count().ShouldBe(1);
        events.OfType<ExecutionStarted>().Count().ShouldBe(1);
        events.OfType<ExecutionCompleted>().Count().ShouldBe(1);
        events.OfType<ExecutionFailed>().ShouldBeEmpty();
        (await query.Query<SimulatedOperation>().Where(o => o.VnfId == s.Vnf).CountAsync(Ct)).ShouldBe(1);
        var vnf = (await query.LoadAsync<Vnf>(s.Vnf, Ct)).ShouldNotBeNull();
        vnf.PlacementOf(vnf.Components.Single(c => c.Id == s.N2)).ShouldBe(s.DcB);
        (await query.Events.FetchStreamAsync(s.Vnf, token: Ct)).Select(e => e.Data).OfType<ComponentsMoved>().Count().ShouldBe(1);
        done!.Request.ExecutionAttempts.ShouldBe(1);
    }
}

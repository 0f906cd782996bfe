using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Requests;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Console.Bench;

public sealed record WorkflowResults(
    Measurement Submit,
    Measurement ApprovePartial,
    Measurement ApproveCompleting,
    Measurement BareOneEvent,
    Measurement BareTwoEvents,
    TimeSpan ExecutionDrain);

/// <summary>
/// Snapshot requests for Sensitive components (the default policy wants two NOC approvers): each request is submitted
/// by the operator, approved by one approver (quorum not yet met) and then by a second (quorum met: the approval, the
/// "approved" event and the durable execution message commit together). Then the same events are appended to the same
/// streams with a bare Marten session, as the physical floor of what an approval costs.
/// </summary>
public sealed class WorkflowBench(IServiceProvider services, IDocumentStore store, BenchOptions options)
{
    private static readonly Actor Operator =
        new("operator", "Olivia Operator (NOC)", new HashSet<string> { Roles.NocOperator }) { Groups = new HashSet<string> { "noc-operations" } };

    private static readonly Actor Approver =
        new("approver", "Arjun Approver (NOC)", new HashSet<string> { Roles.NocApprover }) { Groups = new HashSet<string> { "noc-core" } };

    private static readonly Actor SecondApprover =
        new("approver2", "Beatriz Approver (NOC)", new HashSet<string> { Roles.NocApprover }) { Groups = new HashSet<string> { "noc-core", "noc-interconnect" } };

    public async Task<WorkflowResults> RunAsync()
    {
        var targets = await SensitiveComponentsAsync();
        if (targets.Count == 0)
        {
            throw new InvalidOperationException("The seeded inventory has no Sensitive component to snapshot.");
        }

        // Warm-up: JIT, Wolverine's generated handlers, connection pool, PostgreSQL caches.
        if (options.Warmup > 0)
        {
            await RoundAsync(options.Warmup, targets);
        }

        var (submit, partial, completing, ids) = await RoundAsync(options.Requests, targets);

        // Executions (snapshots) run in the background after approval; let them finish so the bare appends below do
        // not compete with them, and report how long that took.
        // With a simulated operation time the executions would take far longer than the measurement (2,000 snapshots of
        // seconds each, a few at a time): they keep running, slowly, beside the bare appends, and are not waited for.
        var drain = System.Diagnostics.Stopwatch.StartNew();
        if (options.OperationMilliseconds == 0)
            await WaitForAsync(ids, r => r.Status is RequestStatus.Completed or RequestStatus.Failed, TimeSpan.FromMinutes(10));
        drain.Stop();

        var at = DateTimeOffset.UtcNow;
        var bareOne = await Measurement.RunAsync("bare append+commit: 1 event", ids, options.Concurrency, async id =>
        {
            await using var session = store.LightweightSession();
            session.Events.Append(id, new ApprovalGranted(id, "bench", "Bench", "NOC approvers", "digest", null, at));
            await session.SaveChangesAsync();
            return true;
        });
        var bareTwo = await Measurement.RunAsync("bare append+commit: 2 events", ids, options.Concurrency, async id =>
        {
            await using var session = store.LightweightSession();
            session.Events.Append(id,
                new ApprovalGranted(id, "bench2", "Bench 2", "NOC approvers", "digest", null, at),
                new RequestApproved(id, "digest", "system:bench", at));
            await session.SaveChangesAsync();
            return true;
        });

        return new WorkflowResults(submit, partial, completing, bareOne, bareTwo, drain.Elapsed);
    }

    private async Task<(Measurement Submit, Measurement Partial, Measurement Completing, IReadOnlyList<Guid> Ids)> RoundAsync(
        int count, IReadOnlyList<(Guid Vnf, Guid Component, string Name)> targets)
    {
        var orders = Enumerable.Range(0, count).Select(i => targets[i % targets.Count]).ToArray();
        var ids = new Guid[count];
        var index = -1;
        var submit = await Measurement.RunAsync("submit (snapshot request)", orders, options.Concurrency, async target =>
        {
            var outcome = await WithCommands(c => c.SubmitAsync(
                new SubmitRequest(RequestKind.Snapshot, target.Vnf, [target.Component], null, null,
                    $"Bench: snapshot of {target.Name} before the maintenance window", null),
                Operator));
            if (outcome.Succeeded)
            {
                ids[Interlocked.Increment(ref index)] = outcome.Id;
            }

            return outcome.Succeeded;
        });
        var submitted = ids.Take(index + 1).ToArray();

        var partial = await ApproveAllAsync("approve (1st of 2, quorum not met)", submitted, Approver);
        var completing = await ApproveAllAsync("approve (2nd of 2, quorum met)", submitted, SecondApprover);
        return (submit, partial, completing, submitted);
    }

    private async Task<Measurement> ApproveAllAsync(string name, IReadOnlyList<Guid> ids, Actor approver)
    {
        // What the approver saw on the page: the request's version and content digest (read outside the timing).
        await using var query = store.QuerySession();
        var requests = (await query.LoadManyAsync<ChangeRequest>(ids)).ToDictionary(r => r.Id);
        return await Measurement.RunAsync(name, ids, options.Concurrency, async id =>
        {
            var request = requests[id];
            var outcome = await WithCommands(c => c.ApproveAsync(
                new ApproveRequest(id, request.Version, request.ContentDigest, null), approver));
            return outcome.Succeeded;
        });
    }

    private async Task<Outcome> WithCommands(Func<IRequestCommands, Task<Outcome>> act)
    {
        await using var scope = services.CreateAsyncScope();
        return await act(scope.ServiceProvider.GetRequiredService<IRequestCommands>());
    }

    private async Task<IReadOnlyList<(Guid Vnf, Guid Component, string Name)>> SensitiveComponentsAsync()
    {
        await using var query = store.QuerySession();
        var vnfs = await query.Query<Vnf>().ToListAsync();
        return [.. vnfs.SelectMany(v => v.Components
            .Where(c => c.Sensitivity == Sensitivity.Sensitive)
            .Select(c => (v.Id, c.Id, $"{v.Name}/{c.Name}")))];
    }

    private async Task WaitForAsync(IReadOnlyList<Guid> ids, Func<ChangeRequest, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            await using var query = store.QuerySession();
            var requests = await query.LoadManyAsync<ChangeRequest>(ids);
            if (requests.Count == ids.Count && requests.All(done))
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("Executions did not finish within " + timeout);
    }
}

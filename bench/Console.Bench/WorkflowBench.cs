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
    TimeSpan ExecutionDrain,
    Measurement? Wakeup)
{
    /// <summary>The two approval rounds, executions running beside them.</summary>
    public Spend? ApprovalSpend { get; init; }

    /// <summary>Executions (the warm-up's included) that finished while the second approval round ran.</summary>
    public int ExecutedDuringApprovals { get; init; }

    /// <summary>From the first submission of the counted round to the last execution finished (when waited for).</summary>
    public TimeSpan EndToEnd { get; init; }

    /// <summary>From the first submission to the last execution finished (only when executions are waited for).</summary>
    public Spend? RequestSpend { get; init; }
}

/// <summary>
/// Snapshot requests for Sensitive components (the default policy wants two NOC approvers): each request is submitted
/// by the operator, approved by one approver (quorum not yet met) and then by a second (quorum met: the approval, the
/// "approved" event and the durable execution message commit together). Then the same events are appended to the same
/// streams with a bare Marten session, as the physical floor of what an approval costs.
/// </summary>
public sealed class WorkflowBench(IServiceProvider services, IDocumentStore store, string connectionString, BenchOptions options)
{
    private static readonly Actor Operator =
        new("operator", "Olivia Operator (NOC)", new HashSet<string> { Roles.NocOperator }) { Groups = new HashSet<string> { "noc-operations" } };

    private static readonly Actor Approver =
        new("approver", "Arjun Approver (NOC)", new HashSet<string> { Roles.NocApprover }) { Groups = new HashSet<string> { "noc-core" } };

    // The bench's people have no built-in account: step-up judges them by their sign-in, which was just now.
    private static Actor SignedInNow(Actor approver) => approver with { AuthenticatedAt = DateTimeOffset.UtcNow };

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

        var wakeup = options.Wakeups > 0 ? await WakeupsAsync(options.Wakeups, targets) : null;

        var cpu = await CpuMeter.ForServerOfAsync(connectionString);
        var started = await Spend.NowAsync(cpu, connectionString);
        var endToEnd = System.Diagnostics.Stopwatch.StartNew();
        var (submit, partial, completing, ids, approvalSpend, executedDuringApprovals) = await RoundAsync(options.Requests, targets, cpu);

        // Executions (snapshots) run in the background after approval; let them finish so the bare appends below do
        // not compete with them, and report how long that took.
        // With a simulated operation time the executions would take far longer than the measurement (2,000 snapshots of
        // seconds each, a few at a time): they keep running, slowly, beside the bare appends, and are not waited for.
        var drain = System.Diagnostics.Stopwatch.StartNew();
        if (options.OperationMilliseconds == 0)
            await WaitForAsync(ids, r => r.Status is RequestStatus.Completed or RequestStatus.Failed, TimeSpan.FromMinutes(10));
        drain.Stop();
        endToEnd.Stop();
        var requestSpend = options.OperationMilliseconds == 0 ? (await Spend.NowAsync(cpu, connectionString)).Since(started) : null;

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

        return new WorkflowResults(submit, partial, completing, bareOne, bareTwo, drain.Elapsed, wakeup)
        {
            ApprovalSpend = approvalSpend,
            RequestSpend = requestSpend,
            ExecutedDuringApprovals = executedDuringApprovals,
            EndToEnd = endToEnd.Elapsed,
        };
    }

    /// <summary>
    /// Approval to execution start, as a person sees it: requests approved one at a time, each on an idle execution
    /// queue (the previous execution finished first), so what is timed is the hand-over, not a wait for a free slot.
    /// From the approval's own RequestApproved (stamped before its commit) to the ExecutionStarted of the execution.
    /// </summary>
    private async Task<Measurement> WakeupsAsync(int count, IReadOnlyList<(Guid Vnf, Guid Component, string Name)> targets)
    {
        var notifications = services.GetRequiredService<IRequestNotifications>();
        using var changed = new SemaphoreSlim(0);
        void OnChanged(Guid _) => changed.Release();
        notifications.RequestChanged += OnChanged;
        var ids = new List<Guid>();
        var wall = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var target = targets[i % targets.Count];
                var submitted = await WithCommands(c => c.IssueAsync(
                    new SubmitRequest(RequestKind.Snapshot, target.Vnf, [target.Component], null, null,
                        $"Bench: snapshot of {target.Name}, approval to start", null), Operator));
                if (!submitted.Succeeded)
                    continue;
                foreach (var approver in new[] { Approver, SecondApprover })
                {
                    await using var query = store.QuerySession();
                    var request = (await query.LoadAsync<ChangeRequest>(submitted.Id))!;
                    await WithCommands(c => c.IssueAsync(new ApproveRequest(submitted.Id, request.Version, request.ContentDigest, null), SignedInNow(approver)));
                }

                ids.Add(submitted.Id);
                // Until this one is finished (or failed): the next approval then meets an idle queue.
                while (true)
                {
                    await using var query = store.QuerySession();
                    var request = await query.LoadAsync<ChangeRequest>(submitted.Id);
                    if (request?.Status is RequestStatus.Completed or RequestStatus.Failed or RequestStatus.Rejected)
                        break;
                    await changed.WaitAsync(TimeSpan.FromSeconds(1));
                }
            }
        }
        finally
        {
            notifications.RequestChanged -= OnChanged;
        }

        wall.Stop();
        var latencies = new List<double>();
        await using (var events = store.QuerySession())
        {
            foreach (var id in ids)
            {
                var stream = (await events.Events.FetchStreamAsync(id)).Select(e => e.Data).ToList();
                if (stream.OfType<RequestApproved>().FirstOrDefault() is { } approved && stream.OfType<ExecutionStarted>().FirstOrDefault() is { } started)
                    latencies.Add((started.At - approved.At).TotalMilliseconds);
            }
        }

        return Measurement.Of("approval to execution start (idle queue)", latencies, wall.Elapsed);
    }

    private async Task<(Measurement Submit, Measurement Partial, Measurement Completing, IReadOnlyList<Guid> Ids, Spend? ApprovalSpend, int Executed)> RoundAsync(
        int count, IReadOnlyList<(Guid Vnf, Guid Component, string Name)> targets, CpuMeter? cpu = null)
    {
        var orders = Enumerable.Range(0, count).Select(i => targets[i % targets.Count]).ToArray();
        var ids = new Guid[count];
        var index = -1;
        var submit = await Measurement.RunAsync("submit (snapshot request)", orders, options.Concurrency, async target =>
        {
            var outcome = await WithCommands(c => c.IssueAsync(
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

        var before = cpu is null ? null : await Spend.NowAsync(cpu, connectionString);
        var partial = await ApproveAllAsync("approve (1st of 2, quorum not met)", submitted, Approver);
        var finishedBefore = await FinishedAsync();
        var completing = await ApproveAllAsync("approve (2nd of 2, quorum met)", submitted, SecondApprover);
        var executed = await FinishedAsync() - finishedBefore;
        var spent = cpu is null || before is null ? null : (await Spend.NowAsync(cpu, connectionString)).Since(before);
        return (submit, partial, completing, submitted, spent, executed);
    }

    /// <summary>Executions finished so far, the warm-up's included.</summary>
    private async Task<int> FinishedAsync()
    {
        await using var query = store.QuerySession();
        return await query.Query<ChangeRequest>().CountAsync(r => r.Status == RequestStatus.Completed || r.Status == RequestStatus.Failed);
    }

    private async Task<Measurement> ApproveAllAsync(string name, IReadOnlyList<Guid> ids, Actor approver)
    {
        // What the approver saw on the page: the request's version and content digest (read outside the timing).
        await using var query = store.QuerySession();
        var requests = (await query.LoadManyAsync<ChangeRequest>(ids)).ToDictionary(r => r.Id);
        return await Measurement.RunAsync(name, ids, options.Concurrency, async id =>
        {
            var request = requests[id];
            var outcome = await WithCommands(c => c.IssueAsync(
                new ApproveRequest(id, request.Version, request.ContentDigest, null), SignedInNow(approver)));
            return outcome.Succeeded;
        });
    }

    private async Task<Outcome> WithCommands(Func<IConsoleCommandBus, Task<Outcome>> act)
    {
        await using var scope = services.CreateAsyncScope();
        return await act(scope.ServiceProvider.GetRequiredService<IConsoleCommandBus>());
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

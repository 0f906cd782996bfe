using System.Globalization;
using System.Text;
using Console.IntegrationTests.Infrastructure;
using Console.Nfv.Simulator;
using Console.Workflows.Inventory.Seeding;
using Console.Workflows.Requests;
using Marten;
using Npgsql;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Web.Hosting;

/// <summary>
/// The take-over the crash campaign measures: node B runs all along, node A (a process of its own) holds several
/// executions in the middle of their operations when it is killed with SIGKILL and, as the campaign does, started again
/// at once. Every interrupted operation must start again (on either node) within the resume target, not wait for some
/// later restart. While it runs, the test keeps what Wolverine's tables said (nodes, agent assignments, the execution
/// envelopes), which the failure message shows.
/// </summary>
public sealed class NodeTakeOverTests : IAsyncLifetime
{
    private static readonly string[] Targets =
        ["amf-fra-01/n2-termination", "smf-fra-01/pdu-session-manager", "upf-fra-01/pfcp-agent", "nrf-fra-01/nf-registry",
            "pcf-fra-01/policy-decision-engine"];

    private readonly PostgresDatabase _database = new();
    private readonly string _keys = Path.Combine(Path.GetTempPath(), "console-takeover-tests-" + Guid.NewGuid().ToString("N"));
    private readonly List<ConsoleNodeProcess> _processes = [];
    private readonly StringBuilder _observed = new();
    private string _lastObserved = "";
    private readonly List<string> _resumes = [];
    private readonly List<(Guid Operation, DateTimeOffset KilledAt)> _interrupted = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _database.InitializeAsync();

    /// <summary>
    /// Two kills in a row: A holds executions; then A2, the process started in its place, holds what it took over and
    /// two more of its own when it is killed in turn, a minute after it started (the campaign's killed node was
    /// often the one restarted after the previous kill). Who takes what over is Wolverine's choice (the durability agent
    /// may run on B or on the restarted node); the test asks only that every interrupted operation starts again in time.
    /// </summary>
    [Fact]
    public async Task TwoNodes_KillANodeHoldingSeveralExecutions_ThenTheNodeStartedInItsPlace_EveryInterruptedOperationResumesWithinTheTarget()
    {
        NodeKillTests.ProvisionTrustDomainTokens();
        var nodeA = await StartProcessAsync("node-a", operationMs: 45_000);
        // B runs before the kills, as the campaign's surviving node does; its own operations are quick. A process too,
        // so that its log is there to read when something it took over goes wrong.
        await StartProcessAsync("node-b", operationMs: 300);
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var watcher = WatchWolverineAsync(watching.Token);
        try
        {
            // Any node's schedule poll may take an approved execution; most go to the node that approved them.
            var requests = await SubmitAndApproveAsync(nodeA, Targets[..3]);
            await KillWhileItHoldsOperationsAsync(nodeA, "node-a", requests.Count);
            var nodeA2 = await StartProcessAsync("node-a2", operationMs: 45_000);
            await ExpectEveryInterruptedOperationResumedAsync();

            requests.AddRange(await SubmitAndApproveAsync(nodeA2, Targets[3..]));
            await KillWhileItHoldsOperationsAsync(nodeA2, "node-a2", requests.Count);
            await StartProcessAsync("node-a3", operationMs: 300);
            await ExpectEveryInterruptedOperationResumedAsync();

            foreach (var id in requests)
                await Eventually.Until(() => RequestAsync(id), r => r?.Status is RequestStatus.Completed or RequestStatus.Failed,
                    $"request {id} to finish", TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException ex)
        {
            await watching.CancelAsync();
            await watcher;
            throw new TimeoutException(
                $"{ex.Message}\n--- the requests ---\n{await RequestsInWordsAsync()}\n--- Wolverine's tables ---\n{Observed()}\n{NodeLogs()}", ex);
        }

        await watching.CancelAsync();
        await watcher;
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join('\n', _resumes) + "\n" + Observed());
        foreach (var id in await AllRequestsAsync())
            (await RequestAsync(id))!.Status.ShouldBe(RequestStatus.Completed);
        (await JournalAsync()).Where(e => e.Phase == SimulatedOperationPhase.Performed).GroupBy(e => e.OperationId)
            .ShouldAllBe(g => g.Count() == 1, "an operation was performed twice");
    }

    /// <summary>
    /// Waits until every request made so far has its operation started on some node, then kills this node, which must be
    /// in the middle of at least one of them.
    /// </summary>
    private async Task KillWhileItHoldsOperationsAsync(ConsoleNodeProcess node, string name, int requests)
    {
        var journal = await Eventually.Until(JournalAsync,
            j => j.Where(e => e.Phase == SimulatedOperationPhase.Started).Select(e => e.OperationId).Distinct().Count() >= requests
                && InFlight(j, name).Count > 0,
            $"all {requests} operations to start, {name} in the middle of one at least", TimeSpan.FromMinutes(3));
        var killedAt = DateTimeOffset.UtcNow;
        await node.KillAsync(Ct);
        // Read again after the kill: an operation started meanwhile was interrupted too.
        var inFlight = InFlight(await JournalAsync(), name);
        Observe($"killed {name} with {inFlight.Count} operation(s) in flight (at least {InFlight(journal, name).Count} before)");
        _interrupted.AddRange(inFlight.Select(op => (op, killedAt)));
    }

    private static List<Guid> InFlight(IReadOnlyList<SimulatedOperationLogEntry> journal, string node) =>
    [
        .. journal.Where(e => e.Node == node && e.Phase == SimulatedOperationPhase.Started).Select(e => e.OperationId)
            .Where(op => !journal.Any(e => e.OperationId == op && e.Phase == SimulatedOperationPhase.Performed)).Distinct(),
    ];

    /// <summary>
    /// Every operation a kill interrupted starts again (on any node) within the resume target, 30 s of that kill:
    /// the survivors see the killed node's session end (NodeLivenessWatch); before that, a minute was all this test could ask.
    /// </summary>
    private async Task ExpectEveryInterruptedOperationResumedAsync()
    {
        foreach (var (operation, killedAt) in _interrupted.ToList())
        {
            var restart = (await Eventually.Until(JournalAsync,
                j => j.Any(e => e.OperationId == operation && e.Phase == SimulatedOperationPhase.Started && e.At > killedAt),
                $"operation {operation} interrupted at {killedAt:HH:mm:ss.fff} to start again",
                killedAt + TimeSpan.FromSeconds(30) - DateTimeOffset.UtcNow)).First(e => e.OperationId == operation && e.At > killedAt);
            _resumes.Add($"operation {operation}: resumed by {restart.Node} {(restart.At - killedAt).TotalSeconds:0.0} s after the kill");
            _interrupted.Remove((operation, killedAt));
        }
    }

    private async Task<ConsoleNodeProcess> StartProcessAsync(string name, int operationMs)
    {
        var node = await ConsoleNodeProcess.StartAsync(
            ConsoleWebApp.NodeSettings(_database, _keys).Concat(NodeSettings(name, operationMs))
                .Append(("Serilog:MinimumLevel:Default", "Information")), Ct);
        _processes.Add(node);
        return node;
    }

    private IEnumerable<(string Key, string Value)> NodeSettings(string name, int operationMs) =>
    [
        ("Workflow:DurabilityMode", "Balanced"),
        ("Nfv:Simulator:NodeName", name),
        ("Nfv:Simulator:DelayMilliseconds", operationMs.ToString(CultureInfo.InvariantCulture)),
        ("Nfv:Simulator:KeyFolder", Path.Combine(_keys, "platforms")),
    ];

    /// <summary>Snapshots of Internal components (one NOC approver, no step-up code) through this node's API.</summary>
    private static async Task<List<Guid>> SubmitAndApproveAsync(ConsoleNodeProcess node, string[] targets)
    {
        using var api = await NodeRequestApi.SignInAsync(node.BaseAddress, ("operator", "Operator!2026"), ("approver", "Approver!2026"));
        var ids = new List<Guid>();
        foreach (var target in targets)
        {
            var (vnf, component) = (target.Split('/')[0], target.Split('/')[1]);
            var id = await api.SubmitSnapshotAsync(InventorySeed.VnfId(vnf), InventorySeed.ComponentId(vnf, component), "Take-over test.", Ct);
            await api.ApproveAsync(id, "approver", stepUpCode: null, Ct);
            ids.Add(id);
        }

        return ids;
    }

    /// <summary>Every half second: the nodes, who runs which agent, and where each execution envelope stands.</summary>
    private async Task WatchWolverineAsync(CancellationToken ct)
    {
        const string Sql = """
            select 'node ' || node_number || ' health ' || to_char(health_check, 'HH24:MI:SS.MS') from wolverine_nodes
            union all
            select 'agent ' || a.id || ' on ' || n.node_number from wolverine_node_assignments a join wolverine_nodes n on n.id = a.node_id
                where a.id like 'wolverinedb%'
            union all
            select 'envelope ' || left(id::text, 8) || ' ' || status || ' owner ' || owner_id || ' attempts ' || attempts
                || coalesce(' due ' || to_char(execution_time, 'HH24:MI:SS.MS'), '')
                from wolverine_incoming_envelopes where message_type like '%ExecuteRequest%' and status <> 'Handled'
            """;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    await using var connection = new NpgsqlConnection(_database.AdminConnectionString);
                    await connection.OpenAsync(ct);
                    await using var command = new NpgsqlCommand(Sql, connection);
                    var rows = new List<string>();
                    await using (var reader = await command.ExecuteReaderAsync(ct))
                        while (await reader.ReadAsync(ct))
                            rows.Add(reader.GetString(0));
                    Observe(string.Join("; ", rows));
                }
                catch (NpgsqlException ex)
                {
                    Observe("read failed: " + ex.Message);
                }

                await Task.Delay(500, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private void Observe(string line)
    {
        lock (_observed)
        {
            // Only changes: the same state read again adds nothing.
            if (line == _lastObserved)
                return;
            _lastObserved = line;
            _observed.Append(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {line}\n");
        }
    }

    private string Observed()
    {
        lock (_observed)
            return _observed.ToString();
    }

    /// <summary>Each request's status, attempts and outcome (a failure's reason), and its events in order.</summary>
    private async Task<string> RequestsInWordsAsync()
    {
        var text = new StringBuilder();
        await using var query = _database.Store.QuerySession();
        foreach (var request in await query.Query<ChangeRequest>().ToListAsync(CancellationToken.None))
        {
            text.Append(CultureInfo.InvariantCulture, $"{request.Id} {request.Status} attempts {request.ExecutionAttempts}: {request.Outcome}\n");
            foreach (var e in await query.Events.FetchStreamAsync(request.Id, token: CancellationToken.None))
                text.Append(CultureInfo.InvariantCulture, $"  {e.Timestamp:HH:mm:ss.fff} {e.Data}\n");
        }

        return text.ToString();
    }

    /// <summary>What every node process said at warning level or above, and about resuming or recovering executions.</summary>
    private string NodeLogs() => string.Join('\n', _processes.Select((p, i) =>
        $"--- node process {i + 1}'s log (warnings, errors, resumes) ---\n" + string.Join('\n', p.Log.Split('\n')
            .Where(l => l.Contains(" WRN]", StringComparison.Ordinal) || l.Contains(" ERR]", StringComparison.Ordinal)
                || l.Contains("Resum", StringComparison.Ordinal) || l.Contains("ecover", StringComparison.Ordinal)))));

    private Task<IReadOnlyList<SimulatedOperationLogEntry>> JournalAsync() => NodeRequestApi.JournalAsync(_database, Ct);

    private async Task<IReadOnlyList<Guid>> AllRequestsAsync()
    {
        await using var query = _database.Store.QuerySession();
        return await query.Query<ChangeRequest>().Select(r => r.Id).ToListAsync(Ct);
    }

    private Task<ChangeRequest?> RequestAsync(Guid id) => NodeRequestApi.RequestAsync(_database, id, Ct);

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
            await process.DisposeAsync();
        await _database.DisposeAsync();
        try
        {
            Directory.Delete(_keys, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

using Console.IntegrationTests.Infrastructure;
using Console.IntegrationTests.Workflows.Keys.Hsm;
using Console.Nfv.Simulator;
using Console.Workflows.Inventory.Seeding;
using Console.Workflows.Keys.Hsm;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Executing;
using Marten;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Web.Hosting;

/// <summary>
/// A node of a two-node installation dies by SIGKILL in the middle of an execution: node A is a real console process
/// (the build's Console.Web.dll) whose simulated operation would take a minute; node B, in process, starts after the
/// kill, as a load balancer's second node would carry on. No shutdown hook of A runs.
/// </summary>
public sealed class NodeKillTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();
    private readonly string _keys = Path.Combine(Path.GetTempPath(), "console-node-kill-tests-" + Guid.NewGuid().ToString("N"));
    private ConsoleNodeProcess? _nodeA;
    private WebApplicationFactory<Program>? _nodeB;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _database.InitializeAsync();

    [Fact]
    public async Task TwoNodes_KillMidExecution_NodeBCompletesTheExecutionExactlyOnce()
    {
        ProvisionTrustDomainTokens();
        var id = await SubmitAndApproveAsync(await StartNodeAAsync());

        // A has begun the snapshot on the infrastructure (its simulator journals the start, after a quote that takes a
        // quarter of the operation time) and is now in the middle of a minute-long operation.
        await Eventually.Until(() => JournalAsync(), j => j.Any(e => e.Node == "node-a" && e.Phase == SimulatedOperationPhase.Started),
            "node A to start the snapshot", TimeSpan.FromMinutes(2));
        (await JournalAsync()).ShouldNotContain(e => e.Phase == SimulatedOperationPhase.Performed, "node A finished before it could be killed");
        await _nodeA!.KillAsync(Ct);

        _nodeB = ConsoleWebApp.Node(_database, _keys, NodeSettings("node-b", operationMs: 200));
        _ = _nodeB.Server;

        var request = await Eventually.Until(() => RequestAsync(id), r => r?.Status is RequestStatus.Completed or RequestStatus.Failed,
            "node B to finish the execution node A was killed in", TimeSpan.FromMinutes(3));
        await using var query = _database.Store.QuerySession();
        var events = (await query.Events.FetchStreamAsync(id, token: Ct)).Select(e => e.Data).ToList();
        request!.Status.ShouldBe(RequestStatus.Completed, string.Join("; ", events.OfType<ExecutionFailed>().Select(f => $"attempt {f.Attempt} failed by {f.By}: {f.Reason}")));
        events.OfType<ExecutionStarted>().Count().ShouldBe(1, "the interrupted attempt is resumed, not started again");
        events.OfType<ExecutionCompleted>().Count().ShouldBe(1);
        var journal = await JournalAsync();
        var operation = journal.Single(e => e.Node == "node-a").OperationId;
        journal.Where(e => e.Phase == SimulatedOperationPhase.Performed).Select(e => (e.OperationId, e.Node))
            .ShouldBe([(operation, "node-b")], "the snapshot was taken once, by node B");
        (await query.Events.QueryRawEventDataOnly<Console.Workflows.Snapshots.SnapshotTaken>().Where(t => t.RequestId == id).CountAsync(Ct))
            .ShouldBe(1);
    }

    /// <summary>
    /// The same kill with node B running beside A all along and both nodes' heartbeat timeout ten minutes away: the only
    /// thing that can move A's execution to B within the test's wait is B seeing A's database session end
    /// (<see cref="NodeLivenessWatch"/>). With <c>Workflow:EjectOnLostSession</c> off this test times out.
    /// </summary>
    [Fact]
    public async Task TwoNodes_KillMidExecution_WithTheHeartbeatTimeoutFarAway_NodeBTakesOverWhenNodeAsSessionEnds()
    {
        ProvisionTrustDomainTokens();
        (string, string)[] patient = [("Workflow:DeadNodeAfter", "00:10:00")];
        _nodeA = await ConsoleNodeProcess.StartAsync(
            ConsoleWebApp.NodeSettings(_database, _keys).Concat(NodeSettings("node-a", operationMs: 60_000)).Concat(patient), Ct);
        var id = await SubmitAndApproveAsync(_nodeA.BaseAddress);
        await Eventually.Until(() => JournalAsync(), j => j.Any(e => e.Node == "node-a" && e.Phase == SimulatedOperationPhase.Started),
            "node A to start the snapshot", TimeSpan.FromMinutes(2));

        _nodeB = ConsoleWebApp.Node(_database, _keys, NodeSettings("node-b", operationMs: 200).Concat(patient));
        var watch = _nodeB.Services.GetServices<IHostedService>().OfType<NodeLivenessWatch>().Single();
        await Eventually.Until(() => Task.FromResult(watch.NodesSeenHeld.Count), seen => seen == 1,
            "node B to see node A holding its liveness lock", TimeSpan.FromMinutes(1));
        (await JournalAsync()).ShouldNotContain(e => e.Phase == SimulatedOperationPhase.Performed, "node A finished before it could be killed");
        await _nodeA.KillAsync(Ct);

        var request = await Eventually.Until(() => RequestAsync(id), r => r?.Status is RequestStatus.Completed or RequestStatus.Failed,
            "node B to finish the execution node A was killed in, before any heartbeat timeout", TimeSpan.FromMinutes(2));
        request!.Status.ShouldBe(RequestStatus.Completed);
        (await JournalAsync()).Where(e => e.Phase == SimulatedOperationPhase.Performed).Select(e => e.Node).ShouldBe(["node-b"]);
    }

    /// <summary>
    /// With the tests' SoftHSM store (scripts/test), the trust domains' tokens are made before the nodes start, as a real
    /// HSM's administrators make them. Left to <c>Keys:Pkcs11:ProvisionTokens</c>, node A made the token while this
    /// process (node B's) had loaded the module earlier: SoftHSM lists tokens once per process, so B made a twin token
    /// and ended the execution as Failed ("holds no KEK for data key"), as in the CI run of 2026-12-04 (docs/keys-and-hsm.md).
    /// </summary>
    internal static void ProvisionTrustDomainTokens()
    {
        if (!string.Equals(Environment.GetEnvironmentVariable("Keys__Provider"), "Pkcs11", StringComparison.OrdinalIgnoreCase))
            return;
        var options = SoftHsmStore.Options();
        var module = Pkcs11Module.Open(options.ModulePath);
        foreach (var (name, _, _) in InventorySeed.TrustDomains)
        {
            var id = InventorySeed.TrustDomainId(name);
            module.ProvisionToken(options.TokenLabelFor(id), options.SoPin(id), options.UserPin(id));
        }
    }

    private async Task<string> StartNodeAAsync()
    {
        _nodeA = await ConsoleNodeProcess.StartAsync(
            ConsoleWebApp.NodeSettings(_database, _keys).Concat(NodeSettings("node-a", operationMs: 60_000)), Ct);
        return _nodeA.BaseAddress;
    }

    private IEnumerable<(string Key, string Value)> NodeSettings(string name, int operationMs) =>
    [
        ("Workflow:DurabilityMode", "Balanced"),
        ("Nfv:Simulator:NodeName", name),
        ("Nfv:Simulator:DelayMilliseconds", operationMs.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("Nfv:Simulator:KeyFolder", Path.Combine(_keys, "platforms")),
    ];

    /// <summary>A snapshot of a Sensitive component through A's API: submitted by the operator, approved by two approvers.</summary>
    private static async Task<Guid> SubmitAndApproveAsync(string baseAddress)
    {
        using var api = await NodeRequestApi.SignInAsync(baseAddress,
            ("operator", "Operator!2026"), ("approver", "Approver!2026"), ("approver2", "Approver2#2026"));
        var id = await api.SubmitSnapshotAsync(
            InventorySeed.VnfId("amf-fra-01"), InventorySeed.ComponentId("amf-fra-01", "ue-context-store"), "Node kill test.", Ct);
        // A Sensitive component: each approver steps up with their demo authenticator's current code.
        foreach (var approver in new[] { "approver", "approver2" })
            await api.ApproveAsync(id, approver, DemoAuthenticators.Code(approver), Ct);
        return id;
    }

    private Task<IReadOnlyList<SimulatedOperationLogEntry>> JournalAsync() => NodeRequestApi.JournalAsync(_database, Ct);

    private Task<ChangeRequest?> RequestAsync(Guid id) => NodeRequestApi.RequestAsync(_database, id, Ct);

    public async ValueTask DisposeAsync()
    {
        if (_nodeA is not null)
            await _nodeA.DisposeAsync();
        if (_nodeB is not null)
            await _nodeB.DisposeAsync();
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

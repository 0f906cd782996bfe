using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Console.IntegrationTests.Infrastructure;
using Console.IntegrationTests.Workflows.Keys.Hsm;
using Console.Nfv.Simulator;
using Console.Workflows.Inventory.Seeding;
using Console.Workflows.Keys.Hsm;
using Console.Workflows.Requests;
using Marten;
using Microsoft.AspNetCore.Mvc.Testing;
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
    private Process? _nodeA;
    private WebApplicationFactory<Program>? _nodeB;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _database.InitializeAsync();

    [Fact]
    public async Task TwoNodes_KillMidExecution_NodeBCompletesTheExecutionExactlyOnce()
    {
        ProvisionTrustDomainTokens();
        var baseAddress = await StartNodeAAsync();
        using var browser = new HttpClient { BaseAddress = new Uri(baseAddress) };
        var id = await SubmitAndApproveAsync(browser);

        // A has begun the snapshot on the infrastructure (its simulator journals the start, after a quote that takes a
        // quarter of the operation time) and is now in the middle of a minute-long operation.
        await Eventually.Until(() => JournalAsync(), j => j.Any(e => e.Node == "node-a" && e.Phase == SimulatedOperationPhase.Started),
            "node A to start the snapshot", TimeSpan.FromMinutes(2));
        (await JournalAsync()).ShouldNotContain(e => e.Phase == SimulatedOperationPhase.Performed, "node A finished before it could be killed");
        _nodeA!.Kill();
        await _nodeA.WaitForExitAsync(Ct);

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
    /// With the tests' SoftHSM store (scripts/test), the trust domains' tokens are made before the nodes start, as a real
    /// HSM's administrators make them. Left to <c>Keys:Pkcs11:ProvisionTokens</c>, node A made the token while this
    /// process (node B's) had loaded the module earlier: SoftHSM lists tokens once per process, so B made a twin token
    /// and ended the execution as Failed ("holds no KEK for data key"), as in the CI run of 2026-12-04 (docs/keys-and-hsm.md).
    /// </summary>
    private static void ProvisionTrustDomainTokens()
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
        var port = FreePort();
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Release" : "Debug";
        var dll = Path.Combine(TestRepository.Root, "src", "Console.Web", "bin", configuration, "net10.0", "Console.Web.dll");
        File.Exists(dll).ShouldBeTrue($"the console's build is missing at {dll}");
        var start = new ProcessStartInfo("dotnet", [dll]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in ConsoleWebApp.NodeSettings(_database, _keys).Concat(NodeSettings("node-a", operationMs: 60_000)))
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Embedded";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        _nodeA = Process.Start(start)!;
        // Drained so a full pipe never blocks the node.
        _nodeA.OutputDataReceived += (_, _) => { };
        _nodeA.ErrorDataReceived += (_, _) => { };
        _nodeA.BeginOutputReadLine();
        _nodeA.BeginErrorReadLine();

        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await Eventually.Until(async () =>
        {
            _nodeA.HasExited.ShouldBeFalse("node A exited while starting");
            try
            {
                using var health = await probe.GetAsync($"http://127.0.0.1:{port}/health", Ct);
                return health.IsSuccessStatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !Ct.IsCancellationRequested))
            {
                // Not listening yet, or too busy starting to answer within the probe's timeout.
                return false;
            }
        }, up => up, "node A to answer /health", TimeSpan.FromMinutes(3));
        return $"http://127.0.0.1:{port}";
    }

    private IEnumerable<(string Key, string Value)> NodeSettings(string name, int operationMs) =>
    [
        ("Workflow:DurabilityMode", "Balanced"),
        ("Nfv:Simulator:NodeName", name),
        ("Nfv:Simulator:DelayMilliseconds", operationMs.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("Nfv:Simulator:KeyFolder", Path.Combine(_keys, "platforms")),
    ];

    /// <summary>A snapshot of a Sensitive component through A's API: submitted by the operator, approved by two approvers.</summary>
    private static async Task<Guid> SubmitAndApproveAsync(HttpClient browser)
    {
        var vnf = InventorySeed.VnfId("amf-fra-01");
        var component = InventorySeed.ComponentId("amf-fra-01", "ue-context-store");
        var tokens = new Dictionary<string, string>();
        foreach (var (user, password) in new[] { ("operator", "Operator!2026"), ("approver", "Approver!2026"), ("approver2", "Approver2#2026") })
        {
            // A browser of each person's own (cookies).
            using var own = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
                { BaseAddress = browser.BaseAddress };
            tokens[user] = await SignInFlow.AccessTokenAsync(own, user, password);
        }

        using var submit = new HttpRequestMessage(HttpMethod.Post, "/api/requests")
        {
            Content = JsonContent.Create(new { kind = "Snapshot", vnfId = vnf, componentIds = new[] { component }, justification = "Node kill test." }),
        };
        submit.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens["operator"]);
        using var created = await browser.SendAsync(submit, Ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Ct));
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

        foreach (var approver in new[] { "approver", "approver2" })
        {
            using var read = new HttpRequestMessage(HttpMethod.Get, $"/api/requests/{id}");
            read.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[approver]);
            using var details = await browser.SendAsync(read, Ct);
            var digest = (await details.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("request").GetProperty("contentDigest").GetString();
            using var approve = new HttpRequestMessage(HttpMethod.Post, $"/api/requests/{id}/approve")
            {
                // A Sensitive component: each approver steps up with their demo authenticator's current code.
                Content = JsonContent.Create(new { contentDigest = digest, stepUpCode = DemoAuthenticators.Code(approver) }),
            };
            approve.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[approver]);
            approve.Headers.IfMatch.Add(details.Headers.ETag!);
            using var approved = await browser.SendAsync(approve, Ct);
            approved.StatusCode.ShouldBe(HttpStatusCode.Accepted, await approved.Content.ReadAsStringAsync(Ct));
        }

        return id;
    }

    private async Task<IReadOnlyList<SimulatedOperationLogEntry>> JournalAsync()
    {
        await using var query = _database.Store.QuerySession();
        return await query.Query<SimulatedOperationLogEntry>().ToListAsync(Ct);
    }

    private async Task<ChangeRequest?> RequestAsync(Guid id)
    {
        await using var query = _database.Store.QuerySession();
        return await query.LoadAsync<ChangeRequest>(id, Ct);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_nodeA is { HasExited: false })
            _nodeA.Kill();
        _nodeA?.Dispose();
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

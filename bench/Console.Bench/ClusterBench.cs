using System.Diagnostics;
using System.Globalization;
using Console.Bench.Chaos;
using Console.Workflows.Requests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Console.Bench;

/// <summary>
/// Click to other screen across nodes (<c>scripts/bench --cluster</c>): two console nodes on one database. Node A is a
/// console process (the build's Console.Web.dll, started as <c>scripts/chaos</c> starts its nodes); node B is a console
/// node in the bench's process, where its request page can be watched. For each click a request is submitted through A's
/// API, its page is opened on B (subscribed to <see cref="IRequestNotifications"/> and loaded through
/// <see cref="IRequestReader"/>, as the request page does), the approver approves on A through the API, and the time
/// until B's page, reloading on the change A relayed with NOTIFY, first shows the approval is measured.
/// </summary>
public static class ClusterBench
{
    // Not counted: JIT, connection pools and the first plans of both nodes.
    private const int WarmupClicks = 10;

    // A page that has not shown the approval by then counts as missed (the relay lost it), not as a latency.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public static async Task RunAsync(string connectionString, BenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database ?? "bench";
        string InBenchDatabase(string variable) => new NpgsqlConnectionStringBuilder(Need(variable)) { Database = database }.ConnectionString;
        // The campaign's description of a node fits: the schema owned by the owner role, the nodes running as the
        // console's role (a node refuses to run as the role that owns its schema).
        var environment = new ChaosEnvironment
        {
            AdminConnection = connectionString,
            OwnerConnection = InBenchDatabase("CONSOLE_BENCH_OWNER"),
            ConsoleConnection = InBenchDatabase("CONSOLE_BENCH_CONSOLE"),
            RestartCommand = "",
            WebDll = Need("CONSOLE_BENCH_WEB_DLL"),
            Folder = Path.Combine(Need("CONSOLE_BENCH_CLUSTER_FOLDER"), database),
            RepoRoot = Need("CONSOLE_REPO_ROOT"),
            FirstPort = int.Parse(Need("CONSOLE_BENCH_HTTP_PORT"), CultureInfo.InvariantCulture),
        };
        // The bench's database again, owned by the owner role.
        await environment.RecreateDatabaseAsync();
        Directory.CreateDirectory(environment.Folder);
        var settings = environment.NodeSettings(
            new ChaosOptions(2, 0, 0, options.OperationMilliseconds, options.OperationMilliseconds, 0));
        var nodeA = new ConsoleNode(1, environment.FirstPort, settings, environment.WebDll, environment.Folder);
        // Another process on the port would answer node A's health check while A itself fails to bind and exits.
        if (await AnswersAsync(environment.FirstPort))
            throw new InvalidOperationException(
                $"Something already listens on 127.0.0.1:{environment.FirstPort}; choose another port with CONSOLE_BENCH_HTTP_PORT.");
        Say($"starting node A on {nodeA.BaseAddress} (log: {environment.Folder}/node-1.log)");
        nodeA.Start();
        try
        {
            // A migrates the schema and seeds the demo before it answers; B then finds both.
            if (!await nodeA.WaitHealthyAsync(TimeSpan.FromMinutes(5), CancellationToken.None))
                throw new InvalidOperationException($"node A did not become healthy; see {environment.Folder}/node-1.log");
            using var nodeB = BenchNode.Build(environment.ConsoleConnection, NodeBSettings(settings));
            await nodeB.StartAsync();
            Say("node B started in the bench's process");
            try
            {
                var api = new ConsoleApi(() => [nodeA], new Random(16))
                {
                    DemoUsersFile = Path.Combine(environment.RepoRoot, "infra", "demo", "users.tsv"),
                };
                await api.SignInAsync(nodeA, ("operator", "Operator!2026"), ("approver", "Approver!2026"));
                var results = await ClickAsync(api, environment, nodeB.Services, options.Clicks);
                Print(options, results);
            }
            finally
            {
                await nodeB.StopAsync();
            }
        }
        finally
        {
            await nodeA.StopAsync();
        }
    }

    private sealed record Results(Measurement Answered, Measurement ClickToScreen, Measurement CommitToScreen, int Missed);

    private static async Task<Results> ClickAsync(ConsoleApi api, ChaosEnvironment environment, IServiceProvider nodeB, int clicks)
    {
        var targets = await InternalComponentsAsync(environment);
        var answered = new List<double>();
        var clickToScreen = new List<double>();
        var commitToScreen = new List<double>();
        var missed = 0;
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < WarmupClicks + clicks; i++)
        {
            if (i == WarmupClicks)
                wall.Restart();
            var target = targets[i % targets.Count];
            var id = await api.SubmitSnapshotAsync(target.Vnf, target.Component, $"Cluster bench {i + 1}: snapshot of {target.Name}",
                environment.RequestWithJustificationAsync);
            await using var page = await RequestPage.OpenAsync(nodeB, id, "approver");
            var clicked = Stopwatch.GetTimestamp();
            await api.ApproveAsync(id, "approver");
            var answer = Stopwatch.GetElapsedTime(clicked).TotalMilliseconds;
            var shown = await page.ShownAsync(Patience);
            if (i < WarmupClicks)
                continue;
            answered.Add(answer);
            if (shown is not { } seen)
            {
                missed++;
                continue;
            }

            clickToScreen.Add(Stopwatch.GetElapsedTime(clicked, seen.Timestamp).TotalMilliseconds);
            commitToScreen.Add((seen.At - seen.ApprovedAt).TotalMilliseconds);
        }

        wall.Stop();
        return new Results(
            Measurement.Of("approve on A: A's API answered", answered, wall.Elapsed),
            Measurement.Of("approve on A -> B's page shows it", clickToScreen, wall.Elapsed),
            Measurement.Of("approval stamped on A -> B shows it", commitToScreen, wall.Elapsed),
            missed);
    }

    /// <summary>
    /// Snapshots of Internal components: one NOC approver and no step-up code, so the approver can approve as fast as the
    /// bench clicks (a step-up code works once per 30 s).
    /// </summary>
    private static async Task<IReadOnlyList<(Guid Vnf, Guid Component, string Name)>> InternalComponentsAsync(ChaosEnvironment environment)
    {
        var found = new List<(Guid, Guid, string)>();
        await foreach (var row in environment.QueryAsync(
            """
            select v.id, (c ->> 'Id')::uuid, (v.data ->> 'Name') || '/' || (c ->> 'Name')
            from mt_doc_vnf v, jsonb_array_elements(v.data -> 'Components') c
            where c ->> 'Sensitivity' = 'Internal' order by 3
            """, r => (r.GetGuid(0), r.GetGuid(1), r.GetString(2))))
            found.Add(row);
        return found.Count > 0 ? found : throw new InvalidOperationException("The seeded inventory has no Internal component.");
    }

    private static IEnumerable<KeyValuePair<string, string?>> NodeBSettings(IReadOnlyDictionary<string, string> settings) =>
        settings.Where(s => !s.Key.StartsWith("ASPNETCORE_", StringComparison.Ordinal) && !s.Key.StartsWith("DOTNET_", StringComparison.Ordinal))
            .Select(s => KeyValuePair.Create(s.Key.Replace("__", ":", StringComparison.Ordinal), (string?)s.Value))
            .Append(KeyValuePair.Create("Nfv:Simulator:NodeName", (string?)"node-b"));

    private static void Print(BenchOptions options, Results r)
    {
        var lines = new List<string>
        {
            "",
            $"Click to other screen across nodes: node A a console process, node B a console node in the bench's process, one database; "
            + $"{options.Clicks} approvals one at a time after {WarmupClicks} not counted, {Environment.ProcessorCount} cores, "
            + $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, simulated NFV operations take {options.OperationMilliseconds} ms",
            "",
            $"{"scenario",-40} {"n",6} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"max ms",9}",
        };
        foreach (var m in new[] { r.Answered, r.ClickToScreen, r.CommitToScreen })
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{m.Name,-40} {m.Count,6} {m.Percentile(50),8:F1} {m.Percentile(95),8:F1} {m.Percentile(99),8:F1} {m.Max,9:F0}"));
        }

        lines.Add("");
        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"click to other screen p95:        {r.ClickToScreen.Percentile(95):F0} ms   target < 500 ms"));
        lines.Add($"missed (not shown on B within {Patience.TotalSeconds:0} s): {r.Missed}   target 0");
        foreach (var line in lines)
            System.Console.Out.WriteLine(line);
    }

    private static async Task<bool> AnswersAsync(int port)
    {
        using var probe = new System.Net.Sockets.TcpClient();
        try
        {
            await probe.ConnectAsync("127.0.0.1", port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private static string Need(string name) => Environment.GetEnvironmentVariable(name)
        ?? throw new InvalidOperationException($"{name} is not set: run scripts/bench --cluster, which builds the console and sets it.");

    private static void Say(string line) => System.Console.Error.WriteLine($"[{DateTimeOffset.UtcNow:HH:mm:ss}] {line}");

    /// <summary>
    /// A request page open on node B: subscribed to the node's request changes, and on each change of its request it
    /// reads the request again, one read at a time, as the page's reload does. Notes when what it shows first holds
    /// the approver's approval.
    /// </summary>
    private sealed class RequestPage : IAsyncDisposable
    {
        private readonly AsyncServiceScope _scope;
        private readonly IRequestNotifications _notifications;
        private readonly IRequestReader _reader;
        private readonly Guid _id;
        private readonly string _approver;
        private readonly SemaphoreSlim _turn = new(1, 1);
        private readonly TaskCompletionSource<(long Timestamp, DateTimeOffset At, DateTimeOffset ApprovedAt)> _shown =
            new(TaskCreationOptions.RunContinuationsAsynchronously);

        private RequestPage(IServiceProvider node, Guid id, string approver)
        {
            // One scope per page, as a circuit has: its reader keeps one query session.
            _scope = node.CreateAsyncScope();
            _notifications = node.GetRequiredService<IRequestNotifications>();
            _reader = _scope.ServiceProvider.GetRequiredService<IRequestReader>();
            _id = id;
            _approver = approver;
        }

        public static async Task<RequestPage> OpenAsync(IServiceProvider node, Guid id, string approver)
        {
            var page = new RequestPage(node, id, approver);
            page._notifications.RequestChanged += page.OnChanged;
            await page.ReloadAsync();
            return page;
        }

        /// <summary>When the page first showed the approval (this process's clock), or null if not within the patience.</summary>
        public async Task<(long Timestamp, DateTimeOffset At, DateTimeOffset ApprovedAt)?> ShownAsync(TimeSpan patience)
        {
            try
            {
                return await _shown.Task.WaitAsync(patience);
            }
            catch (TimeoutException)
            {
                return null;
            }
        }

        // Raised on the thread that heard the change: schedule the reload, as the page's InvokeAsync does.
        private void OnChanged(Guid requestId)
        {
            if (requestId == _id)
                _ = ReloadAsync();
        }

        private async Task ReloadAsync()
        {
            await _turn.WaitAsync();
            try
            {
                var details = await _reader.GetAsync(_id);
                if (details?.Request.Approvals.FirstOrDefault(a => a.ApproverId == _approver) is { } approval)
                    _shown.TrySetResult((Stopwatch.GetTimestamp(), DateTimeOffset.UtcNow, approval.At));
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
            {
                _shown.TrySetException(ex);
            }
            finally
            {
                _turn.Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            _notifications.RequestChanged -= OnChanged;
            // A reload still running uses the scope's session.
            await _turn.WaitAsync();
            await _scope.DisposeAsync();
            _turn.Dispose();
        }
    }
}

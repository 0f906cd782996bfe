using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;

namespace Console.Bench.Chaos;

/// <summary>
/// The crash campaign (<c>scripts/chaos</c>): N console nodes on one database, snapshot requests submitted and approved
/// through the API while operations take 10 to 30 s, a random node killed with SIGKILL K times and started again,
/// PostgreSQL restarted once halfway; then every request is waited for and the damage counted (<see cref="ChaosReport"/>).
/// </summary>
public sealed class ChaosCampaign(ChaosOptions options, ChaosEnvironment environment)
{
    private readonly Random _random = new(options.Seed);
    private readonly List<ConsoleNode> _nodes = [];
    private readonly List<Guid> _requests = [];
    private readonly List<Kill> _kills = [];
    private readonly HashSet<ConsoleNode> _down = [];
    private DateTimeOffset? _databaseRestartedAt;
    private TimeSpan _databaseDownFor;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = ChaosOptions.Parse(args);
        var campaign = new ChaosCampaign(options, ChaosEnvironment.FromVariables());
        return await campaign.RunAsync();
    }

    private async Task<int> RunAsync()
    {
        Say($"Crash campaign: {options.Nodes} nodes, {options.Requests} requests, {options.Kills} kills, operations "
            + $"{options.OperationMinMs / 1000.0:0.#}-{options.OperationMaxMs / 1000.0:0.#} s, seed {options.Seed}; logs in {environment.Folder}");
        await environment.RecreateDatabaseAsync();
        var settings = environment.NodeSettings(options);
        for (var n = 1; n <= options.Nodes; n++)
            _nodes.Add(new ConsoleNode(n, environment.FirstPort + n - 1, settings, environment.WebDll, environment.Folder));

        var wall = Stopwatch.StartNew();
        try
        {
            // One after the other: the first migrates the schema and seeds the demo, the others find both.
            foreach (var node in _nodes)
            {
                node.Start();
                if (!await node.WaitHealthyAsync(TimeSpan.FromMinutes(5), CancellationToken.None))
                    throw new InvalidOperationException($"node {node.Number} did not become healthy; see {environment.Folder}/node-{node.Number}.log");
                Say($"node {node.Number} up on {node.BaseAddress}");
            }

            var api = new ConsoleApi(LiveNodes, new Random(options.Seed + 1))
            {
                DemoUsersFile = Path.Combine(environment.RepoRoot, "infra", "demo", "users.tsv"),
            };
            await api.SignInAsync(_nodes[0], ("operator", "Operator!2026"), ("approver", "Approver!2026"), ("approver2", "Approver2#2026"));
            var targets = await environment.SensitiveComponentsAsync();

            using var killsDone = new CancellationTokenSource();
            var submitting = SubmitAsync(api, targets, killsDone.Token);
            await KillAsync();
            await killsDone.CancelAsync();
            Say($"kills done after {wall.Elapsed:hh\\:mm\\:ss}; waiting for the remaining submissions and for every request to settle");
            await submitting;
            var settled = await environment.WaitForFinalAsync(_requests, options.SettleTimeout);
            Say(settled ? "every request is final" : $"not every request is final after {options.SettleTimeout.TotalMinutes:0} min");

            var report = await ChaosReport.GatherAsync(environment, _requests, _kills, _nodes, _databaseRestartedAt, _databaseDownFor, options, wall.Elapsed);
            report.Print();
            return report.TargetsMet ? 0 : 1;
        }
        finally
        {
            foreach (var node in _nodes)
                await node.StopAsync();
        }
    }

    private IReadOnlyList<ConsoleNode> LiveNodes()
    {
        lock (_down)
            return [.. _nodes.Where(n => n.Alive && !_down.Contains(n))];
    }

    /// <summary>
    /// Keeps <see cref="ChaosOptions.InFlight"/> requests unfinished, so every kill meets work in flight: at least
    /// <see cref="ChaosOptions.Requests"/> of them, and more until the kills are done.
    /// </summary>
    private async Task SubmitAsync(ConsoleApi api, IReadOnlyList<(Guid Vnf, Guid Component, string Name)> targets, CancellationToken killsDone)
    {
        for (var i = 0; i < options.Requests || !killsDone.IsCancellationRequested; i++)
        {
            while (await environment.UnfinishedAsync(_requests) >= options.InFlight)
                await Task.Delay(1000, CancellationToken.None);
            var target = targets[_random.Next(targets.Count)];
            var id = await api.SubmitSnapshotAsync(target.Vnf, target.Component, $"Crash campaign {i + 1}: snapshot of {target.Name}",
                environment.RequestWithJustificationAsync);
            lock (_requests)
                _requests.Add(id);
            await api.ApproveAsync(id, "approver");
            await api.ApproveAsync(id, "approver2");
        }

        lock (_requests)
            Say($"all {_requests.Count} requests submitted and approved");
    }

    private async Task KillAsync()
    {
        for (var k = 1; k <= options.Kills; k++)
        {
            await Task.Delay(TimeSpan.FromSeconds(_random.Next(options.PauseSeconds.Min, options.PauseSeconds.Max + 1)));
            if (options.RestartDatabase && k == (options.Kills + 1) / 2 && _databaseRestartedAt is null)
                await RestartDatabaseAsync();

            var node = _nodes[_random.Next(_nodes.Count)];
            lock (_down)
                _down.Add(node);
            var inFlight = await environment.InFlightOperationsAsync(node.JournalName);
            var at = DateTimeOffset.UtcNow;
            await node.KillAsync();
            _kills.Add(new Kill(k, node.Number, node.JournalName, at, inFlight));
            Say($"kill {k}/{options.Kills}: node {node.Number} ({node.JournalName}) with {inFlight.Count} operation(s) in flight");
            node.Start();
            var healthy = await node.WaitHealthyAsync(TimeSpan.FromMinutes(5), CancellationToken.None);
            lock (_down)
                _down.Remove(node);
            if (!healthy)
                Say($"node {node.Number} did not come back within 5 min; see its log");
        }
    }

    private async Task RestartDatabaseAsync()
    {
        Say("restarting PostgreSQL");
        var down = Stopwatch.StartNew();
        _databaseRestartedAt = DateTimeOffset.UtcNow;
        await environment.RestartDatabaseAsync();
        _databaseDownFor = down.Elapsed;
        Say($"PostgreSQL back after {_databaseDownFor.TotalSeconds:0.0} s");
    }

    internal static void Say(string line) =>
        System.Console.Error.WriteLine($"[{DateTimeOffset.UtcNow:HH:mm:ss}] {line}");
}

/// <summary>One SIGKILL: which node, when, and the operations its simulator had started and not finished.</summary>
public sealed record Kill(int Number, int Node, string JournalName, DateTimeOffset At, IReadOnlyList<Guid> InFlight);

/// <summary>What <c>scripts/chaos</c> hands the campaign: the database, the console's build, ports and a folder.</summary>
public sealed class ChaosEnvironment
{
    public required string AdminConnection { get; init; }

    public required string OwnerConnection { get; init; }

    public required string ConsoleConnection { get; init; }

    public required string RestartCommand { get; init; }

    public required string WebDll { get; init; }

    public required string Folder { get; init; }

    public required string RepoRoot { get; init; }

    public required int FirstPort { get; init; }

    public static ChaosEnvironment FromVariables()
    {
        static string Need(string name) => Environment.GetEnvironmentVariable(name)
            ?? throw new InvalidOperationException($"{name} is not set: run scripts/chaos, which starts PostgreSQL and builds the console.");
        return new ChaosEnvironment
        {
            AdminConnection = Need("CONSOLE_CHAOS_ADMIN"),
            OwnerConnection = Need("CONSOLE_CHAOS_OWNER"),
            ConsoleConnection = Need("CONSOLE_CHAOS_CONSOLE"),
            RestartCommand = Need("CONSOLE_CHAOS_RESTART_DB"),
            WebDll = Need("CONSOLE_CHAOS_WEB_DLL"),
            Folder = Need("CONSOLE_CHAOS_FOLDER"),
            RepoRoot = Need("CONSOLE_REPO_ROOT"),
            FirstPort = int.Parse(Need("CONSOLE_CHAOS_FIRST_PORT"), CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The settings every node gets (those of <c>scripts/run --nodes</c>, plus the campaign's operation times).</summary>
    public IReadOnlyDictionary<string, string> NodeSettings(ChaosOptions options) => new Dictionary<string, string>
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Embedded",
        ["ConnectionStrings__Console"] = ConsoleConnection,
        ["ConnectionStrings__ConsoleOwner"] = OwnerConnection,
        ["Console__DemoUsersFile"] = Path.Combine(RepoRoot, "infra", "demo", "users.tsv"),
        ["Console__SeedDemoData"] = "true",
        ["Console__PublicOrigin"] = $"http://127.0.0.1:{FirstPort}",
        ["Attestation__Enrolment__DemoProposer"] = "admin",
        ["Attestation__Enrolment__DemoApprover"] = "security",
        ["Workflow__DurabilityMode"] = "Balanced",
        ["Keys__Folder"] = Path.Combine(Folder, "keys"),
        ["Nfv__Simulator__KeyFolder"] = Path.Combine(Folder, "platforms"),
        ["Nfv__Simulator__DelayMilliseconds"] = options.OperationMinMs.ToString(CultureInfo.InvariantCulture),
        ["Nfv__Simulator__DelayMaxMilliseconds"] = options.OperationMaxMs.ToString(CultureInfo.InvariantCulture),
        ["Audit__WitnessFolder"] = Path.Combine(Folder, "witness"),
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
    };

    public async Task RecreateDatabaseAsync()
    {
        var owner = new NpgsqlConnectionStringBuilder(OwnerConnection).Username;
        var database = new NpgsqlConnectionStringBuilder(ConsoleConnection).Database;
        var admin = new NpgsqlConnectionStringBuilder(AdminConnection) { Database = "postgres" }.ConnectionString;
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        foreach (var sql in new[] { $"drop database if exists \"{database}\" with (force)", $"create database \"{database}\" owner \"{owner}\"" })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        foreach (var folder in new[] { "keys", "platforms", "witness" })
        {
            var path = Path.Combine(Folder, folder);
            if (Directory.Exists(path))
                Directory.Delete(path, recursive: true);
        }
    }

    public async Task RestartDatabaseAsync()
    {
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", RestartCommand]) { RedirectStandardOutput = true })!;
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"restarting PostgreSQL failed ({RestartCommand}: exit {process.ExitCode})");
        NpgsqlConnection.ClearAllPools();
    }

    public async Task<IReadOnlyList<(Guid Vnf, Guid Component, string Name)>> SensitiveComponentsAsync()
    {
        var found = new List<(Guid, Guid, string)>();
        await foreach (var data in QueryAsync("select data from mt_doc_vnf", r => r.GetString(0)))
        {
            var vnf = JsonDocument.Parse(data).RootElement;
            foreach (var component in vnf.GetProperty("Components").EnumerateArray())
            {
                if (component.GetProperty("Sensitivity").GetString() == "Sensitive")
                    found.Add((vnf.GetProperty("Id").GetGuid(), component.GetProperty("Id").GetGuid(),
                        $"{vnf.GetProperty("Name").GetString()}/{component.GetProperty("Name").GetString()}"));
            }
        }

        return found.Count > 0 ? found : throw new InvalidOperationException("The seeded inventory has no Sensitive component.");
    }

    public async Task<int> UnfinishedAsync(List<Guid> requests)
    {
        Guid[] ids;
        lock (requests)
            ids = [.. requests];
        if (ids.Length == 0)
            return 0;
        return await Retrying(async () =>
        {
            var count = 0;
            await foreach (var status in QueryAsync("select data ->> 'Status' from mt_doc_changerequest where id = any(@ids)", r => r.GetString(0), ("ids", ids)))
            {
                if (!Final(status))
                    count++;
            }

            return count;
        });
    }

    public async Task<bool> WaitForFinalAsync(List<Guid> requests, TimeSpan patience)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < patience)
        {
            if (await UnfinishedAsync(requests) == 0)
                return true;
            await Task.Delay(2000);
        }

        return false;
    }

    /// <summary>Operations a node's simulator has started and not yet performed: what a kill interrupts.</summary>
    public Task<IReadOnlyList<Guid>> InFlightOperationsAsync(string node) => Retrying<IReadOnlyList<Guid>>(async () =>
    {
        var ids = new List<Guid>();
        await foreach (var id in QueryAsync(
            """
            select distinct (s.data ->> 'OperationId')::uuid from mt_doc_nfv_sim_operation_log s
            where s.data ->> 'Node' = @node and s.data ->> 'Phase' = 'Started'
              and not exists (select 1 from mt_doc_nfv_sim_operation_log p
                              where p.data ->> 'OperationId' = s.data ->> 'OperationId' and p.data ->> 'Phase' = 'Performed')
            """, r => r.GetGuid(0), ("node", node)))
            ids.Add(id);
        return ids;
    });

    public async Task<Guid?> RequestWithJustificationAsync(string justification) => await Retrying<Guid?>(async () =>
    {
        await foreach (var id in QueryAsync("select id from mt_doc_changerequest where data -> 'Content' ->> 'Justification' = @j",
                           r => r.GetGuid(0), ("j", justification)))
            return id;
        return null;
    });

    /// <summary>Every request in the campaign's database, those whose submission answer was lost included.</summary>
    public Task<IReadOnlyList<Guid>> AllRequestsAsync() => Retrying<IReadOnlyList<Guid>>(async () =>
    {
        var ids = new List<Guid>();
        await foreach (var id in QueryAsync("select id from mt_doc_changerequest", r => r.GetGuid(0)))
            ids.Add(id);
        return ids;
    });

    public static bool Final(string? status) => status is "Completed" or "Failed" or "Rejected" or "Expired" or "Cancelled" or "WindowMissed";

    internal async IAsyncEnumerable<T> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(AdminConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            yield return read(reader);
    }

    /// <summary>The campaign's own reads ride out the database restart too.</summary>
    private static async Task<T> Retrying<T>(Func<Task<T>> read)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await read();
            }
            catch (Exception ex) when ((ex is NpgsqlException or System.Net.Sockets.SocketException) && attempt < 60)
            {
                await Task.Delay(1000);
            }
        }
    }
}

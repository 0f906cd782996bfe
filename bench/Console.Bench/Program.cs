using Console.Bench;
using Console.Nfv.Qemu.Lab;
using Console.Workflows;
using Console.Workflows.Attestation.Enrolling;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.Seeding;
using Console.Workflows.Nfv;
using Console.Workflows.Requests;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

// The bench command (scripts/bench): measures on seeded data the server-side cost of the workflow's commands next to
// the cost of a bare Marten append-and-commit of the same events, in the same run, on the same database.
if (args.Contains("--chaos"))
{
    Environment.ExitCode = await Console.Bench.Chaos.ChaosCampaign.RunAsync(args);
    return;
}

var options = BenchOptions.Parse(args);
if (options.Trust)
{
    await TrustBench.RunAsync(options);
    return;
}

var admin = Environment.GetEnvironmentVariable("CONSOLE_BENCH_PG")
    ?? throw new InvalidOperationException("CONSOLE_BENCH_PG is not set: run scripts/bench, which starts PostgreSQL.");
var database = options.ReuseDatabase ?? "bench_" + DateTime.UtcNow.ToString("yyyyMMddHHmmss");
if (options.ReuseDatabase is null)
    await Sql(admin, $"create database {database}");
var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;
// The lab's machines, host folders and certificates live in a folder of this run's own, removed afterwards.
var labFolder = Path.Combine(Path.GetTempPath(), "vnf-console-bench-lab-" + Guid.NewGuid().ToString("N")[..8]);

try
{
    if (options.History)
    {
        await HistoryBench.RunAsync(connectionString, options);
        return;
    }

    if (options.Audit)
    {
        await new AuditBench(connectionString, options).RunAsync();
        return;
    }

    if (options.Cluster)
    {
        await ClusterBench.RunAsync(connectionString, options);
        return;
    }

    var settings = new Dictionary<string, string?>
    {
        ["Workflow:DurabilityMode"] = "Solo",
        // 0 by default: executions then run flat out beside the approvals, the worst case for the approval figures.
        ["Nfv:Simulator:DelayMilliseconds"] = options.OperationMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        // A witness of its own per bench database: with the one default witness file, every new bench database looked
        // like a rollback of the previous one's log, and each run logged a failed verification.
        // No trust on first use: the seeded environments are enrolled as the demo's two people would (proposed, approved).
        ["Attestation:Enrolment:DemoProposer"] = "bench:proposer",
        ["Attestation:Enrolment:DemoApprover"] = "bench:approver",
        ["Audit:WitnessFolder"] = Path.Combine(Path.GetTempPath(), "vnf-console-bench-witness", new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database ?? "default"),
    };
    if (options.Lab)
    {
        foreach (var (key, value) in LabBench.Settings(labFolder))
            settings[key] = value;
    }
    // Only when asked: an empty value would bind as 0 and no execution would ever run.
    if (options.ExecutionParallelism is { } parallelism)
    {
        settings["Workflow:ExecutionParallelism"] = parallelism.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    var host = BenchNode.Build(connectionString, settings);
    // Disposed asynchronously: the lab's machines (LabFleet, asynchronously disposable only) end with it.
    await using var disposal = (IAsyncDisposable)host;
    // The schema first: the hosted services (the audit chain writer among them) start with the host and expect it.
    var store = host.Services.GetRequiredService<IDocumentStore>();
    await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
    await host.StartAsync();
    await InventorySeed.EnsureSeededAsync(store, TimeProvider.System, CancellationToken.None);
    await DemoEnrolment.EnrolAllAsync(store, host.Services.GetRequiredService<INfvInfrastructure>(),
        host.Services.GetRequiredService<EnrolmentOptions>(), TimeProvider.System, CancellationToken.None);
    await host.Services.EnsureApprovalPolicyAsync();

    if (options.Lab)
    {
        await new LabBench(host.Services, store, options).RunAsync();
    }
    else if (options.Dashboards)
    {
        await new DashboardBench(host.Services, store, connectionString, options).RunAsync();
    }
    else
    {
        var workflow = new WorkflowBench(host.Services, store, connectionString, options);
        var results = await workflow.RunAsync();
        Report.Print(options, results);
    }

    await host.StopAsync();
}
finally
{
    NpgsqlConnection.ClearAllPools();
    if (Directory.Exists(labFolder))
        Directory.Delete(labFolder, recursive: true);
    if (!options.KeepDatabase)
    {
        await Sql(admin, $"drop database if exists {database} with (force)");
    }
}

static async Task Sql(string connectionString, string sql)
{
    await using var conn = new NpgsqlConnection(connectionString);
    await conn.OpenAsync();
    await using var command = new NpgsqlCommand(sql, conn);
    await command.ExecuteNonQueryAsync();
}

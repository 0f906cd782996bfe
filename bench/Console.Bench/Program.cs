using Console.Bench;
using Console.Nfv.Simulator;
using Console.Workflows;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.Seeding;
using Console.Workflows.Requests;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

// The bench command (scripts/bench): measures on seeded data the server-side cost of the workflow's commands next to
// the cost of a bare Marten append-and-commit of the same events, in the same run, on the same database.
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

    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Bench" });
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Workflow:DurabilityMode"] = "Solo",
        // 0 by default: executions then run flat out beside the approvals, the worst case for the approval figures.
        ["Nfv:Simulator:DelayMilliseconds"] = options.OperationMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        // A witness of its own per bench database: with the one default witness file, every new bench database looked
        // like a rollback of the previous one's log, and each run logged a failed verification.
        ["Audit:WitnessFolder"] = Path.Combine(Path.GetTempPath(), "vnf-console-bench-witness", new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database ?? "default"),
    });
    // Only when asked: an empty value would bind as 0 and no execution would ever run.
    if (options.ExecutionParallelism is { } parallelism)
    {
        builder.Configuration["Workflow:ExecutionParallelism"] = parallelism.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    builder.Logging.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole();
    builder.Services.AddConsoleWorkflowHost(builder.Configuration, o => o.ConfigureConsoleStore(connectionString).AddNfvSimulator());
    builder.Services.AddNfvSimulator(builder.Configuration);
    using var host = builder.Build();
    // The schema first: the hosted services (the audit chain writer among them) start with the host and expect it.
    var store = host.Services.GetRequiredService<IDocumentStore>();
    await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
    await host.StartAsync();
    await InventorySeed.EnsureSeededAsync(store, TimeProvider.System, CancellationToken.None);
    await host.Services.EnsureApprovalPolicyAsync();

    if (options.Dashboards)
    {
        await new DashboardBench(host.Services, store, connectionString, options).RunAsync();
    }
    else
    {
        var workflow = new WorkflowBench(host.Services, store, options);
        var results = await workflow.RunAsync();
        Report.Print(options, results);
    }

    await host.StopAsync();
}
finally
{
    NpgsqlConnection.ClearAllPools();
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

using Console.Nfv.Qemu.Lab;
using Console.Nfv.Simulator;
using Console.Workflows;
using Console.Workflows.Nfv;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Console.Bench;

/// <summary>
/// A console node in the bench's own process: the workflow layer as every host registers it
/// (<see cref="ConsoleStore.AddConsoleWorkflowHost"/>) on the simulated infrastructure (or the lab, when the settings
/// say so: <c>scripts/bench --lab</c>), without the web layer. The workflow
/// bench measures through one; the cluster bench opens its request pages on one beside a real console process.
/// </summary>
public static class BenchNode
{
    public static IHost Build(string connectionString, IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Bench" });
        builder.Configuration.AddInMemoryCollection(settings);
        // Any setting may be tried without a rebuild: CONSOLE_BENCH_Workflow__ExecutionParallelismUnderLoad=2.
        builder.Configuration.AddEnvironmentVariables("CONSOLE_BENCH_");
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole();
        builder.Services.AddConsoleWorkflowHost(builder.Configuration, o => o.ConfigureConsoleStore(connectionString).AddNfvSimulator().AddNfvLab());
        builder.Services.AddNfvInfrastructure(builder.Configuration);
        return builder.Build();
    }
}

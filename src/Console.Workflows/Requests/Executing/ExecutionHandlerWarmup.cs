using System.Diagnostics;
using Console.Workflows.Common;
using Console.Workflows.Snapshots.Sweeping;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Wolverine.Runtime;

namespace Console.Workflows.Requests.Executing;

/// <summary>
/// Compiles the execution handler as soon as the node has started, rather than when the first execution arrives.
/// Wolverine compiles a handler the first time a message of its type is handled, under one lock per process, and on
/// a busy two-core machine that took 8 to 61 s (crash campaign): a node that had not executed anything since it started paid it while
/// taking over a killed node's executions, which then resumed well after the 30 s target (docs/cluster.md). Registered
/// for <see cref="Wolverine.DurabilityMode.Balanced"/> only, where another node's work may have to be taken over. The
/// retention sweep's deletion handler is taken over the same way (<see cref="DeleteDueSnapshot"/>) and compiled with it.
/// </summary>
public sealed class ExecutionHandlerWarmup(IWolverineRuntime runtime, IHostApplicationLifetime lifetime, ILogger<ExecutionHandlerWarmup> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await HostStart.WaitAsync(lifetime, stoppingToken) || runtime is not WolverineRuntime wolverine)
            return;
        // The compilation is synchronous and CPU-bound: off the thread that started the host.
        var clock = Stopwatch.StartNew();
        await Task.Run(() =>
        {
            wolverine.Handlers.HandlerFor<ExecuteRequest>();
            wolverine.Handlers.HandlerFor<DeleteDueSnapshot>();
        }, stoppingToken);
        logger.LogInformation("Execution and deletion handlers compiled in {Seconds:0.0} s, ready to take over their work", clock.Elapsed.TotalSeconds);
    }
}

using Console.Workflows.Continuity;
using Console.Workflows.Continuity.Tracking;
using Console.Workflows.Nfv;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Console.Nfv.Simulator;

/// <summary>
/// The simulated infrastructure's heartbeat reporting: every <see cref="NfvSimulatorOptions.HeartbeatInterval"/> each
/// running instance reports instance, environment and epoch to <see cref="IContinuityService.HeartbeatAsync"/>, and
/// VNFs registered since the last round get their continuity established. A real orchestrator adapter would push its
/// own heartbeats into the same service. Only runs with the built-in simulator.
/// </summary>
internal sealed class SimulatedHeartbeats(
    INfvInfrastructure infrastructure, IContinuityService continuity, IDocumentStore store,
    IOptionsMonitor<NfvSimulatorOptions> options, TimeProvider time, ILogger<SimulatedHeartbeats> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (infrastructure is not SimulatedNfvInfrastructure simulator)
            return;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var interval = options.CurrentValue.HeartbeatInterval;
                if (interval <= TimeSpan.Zero)
                {
                    // Off: look again later, the option may be switched on while running.
                    await Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken);
                    continue;
                }

                await Task.Delay(interval, time, stoppingToken);
                await RoundAsync(simulator, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>One round: newly registered VNFs established, then a heartbeat from every running instance.</summary>
    public async Task RoundAsync(SimulatedNfvInfrastructure simulator, CancellationToken ct)
    {
        try
        {
            await ContinuityEstablishment.EstablishAllAsync(store, continuity, ct);
            foreach (var instance in await simulator.RunningInstancesAsync(ct))
            {
                var outcome = await continuity.HeartbeatAsync(
                    new InstanceHeartbeat(instance.InstanceId, instance.VnfId, instance.EnvironmentId, instance.Epoch), ct);
                if (outcome.Verdict == HeartbeatVerdict.ForkDetected)
                    logger.LogWarning("Heartbeat of instance {InstanceId} revealed a fork: {Detail}", instance.InstanceId, outcome.Detail);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogError(ex, "A heartbeat round failed; the next round tries again");
        }
    }
}

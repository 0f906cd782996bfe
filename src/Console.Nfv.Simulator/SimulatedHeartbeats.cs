using Console.Workflows.Continuity;
using Console.Workflows.Continuity.Tracking;
using Console.Workflows.Nfv;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Marten.Storage;

namespace Console.Nfv.Simulator;

/// <summary>
/// The simulated infrastructure's heartbeat reporting: every <see cref="NfvSimulatorOptions.HeartbeatInterval"/> each
/// running instance reports instance, environment and epoch to <see cref="IContinuityService.HeartbeatAsync"/>, and
/// VNFs registered since the last round get their continuity established. A real orchestrator adapter would push its
/// own heartbeats into the same service. Only runs with the built-in simulator.
/// With several console nodes one of them reports: the one holding a PostgreSQL session advisory lock, which it keeps
/// on a connection of its own for as long as it lives; when that node dies its connection closes, the lock is free,
/// and another node takes it at its next interval.
/// </summary>
internal sealed class SimulatedHeartbeats(
    INfvInfrastructure infrastructure, IContinuityService continuity, IDocumentStore store,
    IOptionsMonitor<NfvSimulatorOptions> options, TimeProvider time, ILogger<SimulatedHeartbeats> logger) : BackgroundService
{
    /// <summary>Advisory lock key of the heartbeat reporter ("SIM_HBT").</summary>
    public const long ReporterLock = 0x53494D5F484254;

    private NpgsqlConnection? _lockHeld;

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
                if (await HoldsReporterLockAsync(stoppingToken))
                    await RoundAsync(simulator, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            await ReleaseAsync();
        }
    }

    /// <summary>
    /// Whether this node is the cluster's reporter: it keeps the lock's connection and checks it still answers (a
    /// database restart ends the session, and the lock with it), or tries to take the lock on a new one.
    /// </summary>
    private async Task<bool> HoldsReporterLockAsync(CancellationToken ct)
    {
        try
        {
            if (_lockHeld is { } held)
            {
                await using var alive = new NpgsqlCommand("select 1", held);
                await alive.ExecuteScalarAsync(ct);
                return true;
            }

            var connection = store.Storage.Database.CreateConnection(ConnectionUsage.ReadWrite);
            await connection.OpenAsync(ct);
            await using var take = new NpgsqlCommand($"select pg_try_advisory_lock({ReporterLock})", connection);
            if (await take.ExecuteScalarAsync(ct) is true)
            {
                _lockHeld = connection;
                logger.LogInformation("This node now reports the simulated infrastructure's heartbeats");
                return true;
            }

            await connection.DisposeAsync();
            return false;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            logger.LogWarning("The heartbeat reporter's lock could not be checked ({Reason}); trying again next interval", ex.Message);
            await ReleaseAsync();
            return false;
        }
    }

    private async Task ReleaseAsync()
    {
        if (_lockHeld is { } held)
        {
            _lockHeld = null;
            await held.DisposeAsync();
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

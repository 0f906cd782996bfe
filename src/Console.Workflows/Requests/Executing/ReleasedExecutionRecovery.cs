using Console.Workflows.Common;
using Console.Workflows.Snapshots.Sweeping;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Wolverine.Persistence.Durability;
using Wolverine.RDBMS;
using Wolverine.Runtime;
using Wolverine.Util;

namespace Console.Workflows.Requests.Executing;

/// <summary>
/// Takes over the executions of a dead node that Wolverine released but no node recovers. When Wolverine ejects a dead
/// node it releases that node's stored messages (owner 0), and only the durability agent recovers released messages;
/// the leader assigns that agent to one node. When the dead node was the one running the agent and a restarted node
/// joined before the dead one was ejected, the leader moved the agent by first stopping it on the dead node, which
/// could not confirm, so no node ran it and the released executions waited until some later change of the cluster
/// (<c>NodeTakeOverTests</c>: more than 40 s; the crash campaign: eight minutes, docs/cluster.md). Every node therefore
/// looks, once per health check interval, for released executions it saw released on its previous look as well, and
/// recovers them with Wolverine's own command, which claims each row only while it is still released: a row the
/// durability agent or another node takes first is not taken twice. <see cref="NodeLivenessWatch"/> asks for a look
/// at once, without the wait, right after it ejected a node whose session ended. The retention sweep's deletions
/// (<see cref="DeleteDueSnapshot"/>) are long infrastructure work too, taken over the same way.
/// </summary>
public sealed class ReleasedExecutionRecovery(
    IWolverineRuntime runtime, RequestWorkflowOptions options, IHostApplicationLifetime lifetime, ILogger<ReleasedExecutionRecovery> logger)
    : BackgroundService
{
    private static readonly string[] MessageTypes = [typeof(ExecuteRequest).ToMessageTypeName(), typeof(DeleteDueSnapshot).ToMessageTypeName()];

    private HashSet<Guid> _releasedBefore = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await HostStart.WaitAsync(lifetime, stoppingToken))
            return;
        try
        {
            using var timer = new PeriodicTimer(options.NodeHealthCheckInterval);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await LookAsync(afterEjection: false, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Looking for released executions failed; trying again at the next interval");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Recovers every execution released now, as the node that just ejected their dead owner.</summary>
    public Task RecoverReleasedNowAsync(CancellationToken ct) => LookAsync(afterEjection: true, ct);

    private async Task LookAsync(bool afterEjection, CancellationToken ct)
    {
        if (runtime.Storage is not IMessageDatabase database)
            return;

        var released = new Dictionary<Guid, string>();
        await using (var command = ((NpgsqlDataSource)database.DataSource).CreateCommand(
            $"select id, received_at from {database.SchemaName}.{DatabaseConstants.IncomingTable} " +
            "where status = 'Incoming' and owner_id = 0 and message_type = any(@types)"))
        {
            command.Parameters.AddWithValue("types", MessageTypes);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                released[reader.GetGuid(0)] = reader.GetString(1);
        }

        // On the periodic look, only what stayed released for a whole interval: the durability agent normally takes a
        // released row within a second. Right after an ejection this node does not wait for it.
        var waiting = afterEjection ? [.. released] : released.Where(r => _releasedBefore.Contains(r.Key)).ToList();
        if (!afterEjection)
            _releasedBefore = [.. released.Keys];
        foreach (var destination in waiting.GroupBy(r => r.Value))
        {
            var address = new Uri(destination.Key);
            if (runtime.Endpoints.FindListenerCircuit(address) is not { } circuit)
                continue;
            if (afterEjection)
                logger.LogWarning("{Count} message(s) for {Queue} released from the node just ejected; this node recovers them",
                    destination.Count(), address);
            else
                logger.LogWarning(
                    "{Count} message(s) for {Queue} released from a dead node were not recovered within {Interval}; this node recovers them",
                    destination.Count(), address, options.NodeHealthCheckInterval);
            await new RecoverIncomingMessagesCommand(database, new IncomingCount(address, destination.Count()), circuit,
                runtime.DurabilitySettings, logger).ExecuteAsync(runtime, ct);
        }
    }
}

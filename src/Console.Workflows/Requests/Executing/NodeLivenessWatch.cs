using Console.Workflows.Common;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Wolverine.RDBMS;
using Wolverine.Runtime;

namespace Console.Workflows.Requests.Executing;

/// <summary>
/// Holds this node's liveness lock on a connection of its own for as long as the node runs, and looks every
/// <see cref="RequestWorkflowOptions.LivenessCheckInterval"/> at the other nodes' locks. A node whose session ended
/// (<see cref="NodeLiveness"/> says when that counts as dead) is ejected the way Wolverine ejects a stale node: its row
/// deleted and its stored messages released, which this node then recovers at once. A killed node's executions so move
/// within seconds, where waiting for its heartbeat to go stale took 12 to 23 s (docs/cluster.md).
/// </summary>
public sealed class NodeLivenessWatch(
    IWolverineRuntime runtime, ReleasedExecutionRecovery recovery, RequestWorkflowOptions options, TimeProvider time,
    IHostApplicationLifetime lifetime, ILogger<NodeLivenessWatch> logger) : BackgroundService
{
    /// <summary>The first key of every node's liveness lock ("VNFC"); the second is the node's Wolverine number.</summary>
    public const int LockSpace = 0x564E4643;

    /// <summary>The other nodes this node has seen holding their liveness lock and still remembers (for tests and diagnosis).</summary>
    public IReadOnlySet<Guid> NodesSeenHeld => _memory.SeenHeld;

    private NpgsqlConnection? _session;
    private int _generation;
    private int _heldNumber;
    private LivenessMemory _memory = LivenessMemory.Empty;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await HostStart.WaitAsync(lifetime, stoppingToken) || runtime.Storage is not IMessageDatabase database)
            return;
        var dataSource = (NpgsqlDataSource)database.DataSource;
        try
        {
            using var timer = new PeriodicTimer(options.LivenessCheckInterval, time);
            do
            {
                try
                {
                    if (await HoldOwnLockAsync(dataSource, stoppingToken))
                        await LookAtOthersAsync(database, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(ex, "The node liveness look failed; trying again at the next interval");
                    await DropSessionAsync();
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await DropSessionAsync();
        }
    }

    /// <summary>
    /// True while this node holds its lock on a live session. A lost session is replaced and the lock taken again,
    /// which starts a new generation: every other node's silence is then counted afresh.
    /// </summary>
    private async Task<bool> HoldOwnLockAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var number = runtime.DurabilitySettings.AssignedNodeNumber;
        if (number <= 0)
            return false;   // Wolverine has not registered this node yet
        if (_session is not null && _heldNumber == number)
        {
            try
            {
                await using var ping = new NpgsqlCommand("select 1", _session);
                await ping.ExecuteScalarAsync(ct);
                return true;
            }
            catch (NpgsqlException ex)
            {
                // The lock went with the session: take it again now, not a look later, so that the others see it free
                // for as short a time as possible.
                logger.LogWarning(ex, "Node {Number} lost the session holding its liveness lock; taking it again", number);
            }
        }

        await DropSessionAsync();
        var session = await dataSource.OpenConnectionAsync(ct);
        await using (var take = new NpgsqlCommand("select pg_try_advisory_lock(@space, @number)", session))
        {
            take.Parameters.AddWithValue("space", LockSpace);
            take.Parameters.AddWithValue("number", number);
            // Free unless another node is looking at it this very moment: then the next interval takes it.
            if (await take.ExecuteScalarAsync(ct) is not true)
            {
                await session.DisposeAsync();
                return false;
            }
        }

        _session = session;
        _heldNumber = number;
        _generation++;
        logger.LogInformation("Node {Number} holds its liveness lock (session {Generation})", number, _generation);
        return true;
    }

    private async Task LookAtOthersAsync(IMessageDatabase database, CancellationToken ct)
    {
        var sightings = new List<NodeSighting>();
        // pg_locks lists every database's locks: only this database's, whose node numbers are these rows'.
        await using (var look = new NpgsqlCommand(
            $"select n.{DatabaseConstants.Id}, n.{DatabaseConstants.NodeNumber}, n.{DatabaseConstants.HealthCheck}, " +
            "exists (select 1 from pg_locks l where l.locktype = 'advisory' and l.granted and l.objsubid = 2 " +
            "and l.database = (select oid from pg_database where datname = current_database()) " +
            "and l.classid = @space::oid and l.objid = n.node_number::oid) " +
            $"from {database.SchemaName}.{DatabaseConstants.NodeTableName} n where n.{DatabaseConstants.Id} <> @self", _session))
        {
            look.Parameters.AddWithValue("space", (long)LockSpace);
            look.Parameters.AddWithValue("self", runtime.Options.UniqueNodeId);
            await using var reader = await look.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                sightings.Add(new NodeSighting(reader.GetGuid(0), reader.GetInt32(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetBoolean(3)));
        }

        (_memory, var dead) = NodeLiveness.Judge(sightings, _memory, _generation, time.GetUtcNow(), options.DeadSessionGrace);
        if (dead.Count == 0)
            return;
        foreach (var node in dead)
        {
            logger.LogWarning(
                "Node {Number} ({NodeId}) lost its database session {Seconds:0.0} s ago and has not been heard from since: ejecting it, so that its work moves",
                node.NodeNumber, node.NodeId, node.SilentFor.TotalSeconds);
            await runtime.Storage.Nodes.DeleteAsync(node.NodeId, node.NodeNumber);
        }

        await recovery.RecoverReleasedNowAsync(ct);
    }

    private async Task DropSessionAsync()
    {
        if (_session is null)
            return;
        try
        {
            // A pooled connection goes back to the pool still holding the lock until it is reused (Npgsql resets it only
            // then); this node's next session could not take its own lock meanwhile. A broken one just fails here.
            await using (var unlock = new NpgsqlCommand("select pg_advisory_unlock_all()", _session) { CommandTimeout = 2 })
                await unlock.ExecuteNonQueryAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            logger.LogDebug(ex, "Releasing the liveness lock failed; the session is gone or going");
        }

        try
        {
            await _session.DisposeAsync();
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "Closing the liveness session failed");
        }

        _session = null;
    }
}

using System.Threading.Channels;
using Console.Workflows.Common;
using JasperFx.Core;
using Marten;
using Marten.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Wolverine.RDBMS;
using Wolverine.Runtime;
using Wolverine.Util;

namespace Console.Workflows.Requests.Executing;

/// <summary>
/// Starts handed-over executions as soon as their command commits instead of at the next poll of the durable schedule.
/// The approval still stores the execution as a scheduled message in its own transaction (so approving never waits for
/// a busy queue, and a node that dies right after the commit loses nothing: the schedule's poll runs it later). After
/// the commit, a signal that never blocks wakes this loop, which moves the hand-overs due within
/// <see cref="RequestHandler.ExecutionHandOverDelay"/> to "due now" and runs Wolverine's own scheduled-message poll, on
/// any node; Wolverine's advisory lock on that poll keeps two nodes (or this loop and the durability agent) from
/// taking the same message.
/// </summary>
public sealed class ExecutionWakeup(IServiceProvider services, ILogger<ExecutionWakeup> logger) : BackgroundService
{
    private static readonly string MessageType = typeof(ExecuteRequest).ToMessageTypeName();

    // One pending signal is enough: a pass takes every hand-over committed before it began.
    private readonly Channel<bool> _signals = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    /// <summary>
    /// At most one pass per this interval. Each pass is an update of the schedule and Wolverine's poll, two
    /// transactions; the bench counted almost one pass per approval that met its quorum.
    /// </summary>
    public static readonly TimeSpan PassInterval = TimeSpan.FromMilliseconds(20);

    private readonly Pacer _pace = new(PassInterval, TimeProvider.System);

    /// <summary>Asks for a pass soon; returns at once whatever the loop is doing.</summary>
    public void Wake() => _signals.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _signals.Reader.WaitToReadAsync(stoppingToken))
            {
                // Approvals coming fast share a pass (two transactions) instead of one each.
                await _pace.WaitTurnAsync(stoppingToken);
                _signals.Reader.TryRead(out _);
                try
                {
                    await PassAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The schedule's own poll still delivers whatever this pass could not.
                    logger.LogWarning(ex, "Waking the execution queue failed; executions start at the next poll of the schedule");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task PassAsync(CancellationToken ct)
    {
        var runtime = services.GetRequiredService<IWolverineRuntime>();
        if (runtime.Storage is not IMessageDatabase database)
            return;

        var table = $"{database.SchemaName}.{DatabaseConstants.IncomingTable}";
        // Wolverine's poll compares with this process's clock, so "now" is this clock, not the database's.
        var now = DateTimeOffset.UtcNow;
        var pulled = new List<Guid>();
        await using (var command = ((NpgsqlDataSource)database.DataSource).CreateCommand(
            $"update {table} set execution_time = @now where status = 'Scheduled' and message_type = @type " +
            "and execution_time <= @horizon returning id"))
        {
            command.Parameters.AddWithValue("now", now);
            command.Parameters.AddWithValue("type", MessageType);
            command.Parameters.AddWithValue("horizon", now + RequestHandler.ExecutionHandOverDelay);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                pulled.Add(reader.GetGuid(0));
        }

        if (pulled.Count == 0)
            return;

        // The poll skips its turn when the durability agent holds the schedule's lock; the agent may have read the
        // schedule before these were pulled forward, so poll until none of them is still waiting (a few turns).
        for (var turn = 0; turn < 20; turn++)
        {
            await database.PollForScheduledMessagesAsync(runtime, logger, runtime.DurabilitySettings, ct);
            await using var check = ((NpgsqlDataSource)database.DataSource).CreateCommand(
                $"select count(*) from {table} where id = any(@ids) and status = 'Scheduled'");
            check.Parameters.AddWithValue("ids", pulled.ToArray());
            if ((long)(await check.ExecuteScalarAsync(ct))! == 0)
                return;
            await Task.Delay(25.Milliseconds(), ct);
        }
    }
}

/// <summary>Wakes <see cref="ExecutionWakeup"/> after each commit that approved a request or asked for a retry.</summary>
internal sealed class ExecutionWakeupListener(ExecutionWakeup wakeup) : DocumentSessionListenerBase
{
    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(commit);
        if (commit.GetEvents().Any(e => e.EventType == typeof(RequestApproved) || e.EventType == typeof(ExecutionRetryRequested)))
            wakeup.Wake();
        return Task.CompletedTask;
    }
}

internal sealed class ExecutionWakeupConfiguration : IConfigureMarten
{
    public void Configure(IServiceProvider services, StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Listeners.Add(new ExecutionWakeupListener(services.GetRequiredService<ExecutionWakeup>()));
    }
}

using System.Globalization;
using System.Threading.Channels;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Marten.Storage;
using Console.Workflows.Common;
using Console.Workflows.Database;

namespace Console.Workflows.Requests;

/// <summary>
/// Carries "request changed" between console nodes on one database over PostgreSQL LISTEN/NOTIFY, so a page open on
/// node B hears of an approval committed on node A. Each node raises its own commits locally at once
/// (<see cref="RequestChangeListener"/>) and publishes them here after the commit, batched, from a connection of its
/// own: the command's transaction never takes PostgreSQL's notification lock, so approvals do not queue behind it.
/// A notification carries only ids: whoever hears one reads the request again, so a forged NOTIFY (anyone connected
/// to the database may send one) can make pages reload, never show something that is not in the database. Node
/// down between commit and publish, or a lost listening connection: other nodes' pages miss that one refresh
/// (the next change or a reload shows it).
/// </summary>
public sealed class RequestChangeRelay(IServiceProvider services, RequestNotifications notifications, ILogger<RequestChangeRelay> logger)
    : BackgroundService
{
    public const string Channel = "vnf_console_request_changed";

    // The store is read when the loops start: the store's own set-up builds the listener that holds this relay.
    private IDocumentStore Store => services.GetRequiredService<IDocumentStore>();

    // A payload is at most 8000 bytes: the node id, then up to this many request ids of 36 characters and a comma.
    private const int IdsPerNotification = 200;

    private readonly string _node = Guid.NewGuid().ToString("N");

    /// <summary>
    /// At most one notification per this interval: the bench counted one per commit (about six per request) when
    /// approvals and executions ran flat out. A change waits at most this long more to reach the other nodes.
    /// </summary>
    public static readonly TimeSpan PublishInterval = TimeSpan.FromMilliseconds(20);

    private readonly Pacer _pace = new(PublishInterval, TimeProvider.System);

    private readonly Channel<Guid> _outgoing = System.Threading.Channels.Channel.CreateBounded<Guid>(
        new BoundedChannelOptions(50_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    /// <summary>Queues a committed change for the other nodes; never blocks the committing thread.</summary>
    public void Publish(Guid requestId) => _outgoing.Writer.TryWrite(requestId);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(PublishLoopAsync(stoppingToken), ListenLoopAsync(stoppingToken));

    private async Task PublishLoopAsync(CancellationToken ct)
    {
        var batch = new HashSet<Guid>();
        try
        {
            while (await _outgoing.Reader.WaitToReadAsync(ct))
            {
                // Under load one notification (a connection and a transaction of its own) per turn, not per commit.
                await _pace.WaitTurnAsync(ct);
                while (batch.Count < IdsPerNotification && _outgoing.Reader.TryRead(out var id))
                    batch.Add(id);
                try
                {
                    await using var connection = Store.Storage.Database.CreateConnection(ConnectionUsage.ReadWrite);
                    await connection.OpenAsync(ct);
                    await using var notify = new NpgsqlCommand("select pg_notify(@channel, @payload)", connection);
                    notify.Parameters.AddWithValue("channel", Channel);
                    notify.Parameters.AddWithValue("payload", PayloadFor(_node, batch));
                    await notify.ExecuteNonQueryAsync(ct);
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
                {
                    logger.LogWarning(ex, "Could not tell the other console nodes of {Count} changed requests", batch.Count);
                    await Task.Delay(TimeSpan.FromSeconds(1), ct);
                }

                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private Task ListenLoopAsync(CancellationToken ct) =>
        PostgresChannel.ListenAsync(Store, Channel, Receive, logger, "other console nodes' request changes", ct);

    /// <summary>Raises the changes another node published; ignores this node's own and anything malformed.</summary>
    internal void Receive(string payload)
    {
        var parts = payload.Split('|', 2);
        if (parts.Length != 2 || parts[0] == _node)
            return;
        foreach (var text in parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (Guid.TryParseExact(text, "D", out var id))
                notifications.Raise(id);
        }
    }

    /// <summary>This process's id in the payloads it publishes.</summary>
    internal string NodeId => _node;

    internal static string PayloadFor(string node, IEnumerable<Guid> ids) =>
        node + "|" + string.Join(',', ids.Select(i => i.ToString("D", CultureInfo.InvariantCulture)));
}

using System.Globalization;
using Console.Workflows.Common;
using Console.Workflows.Database;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Console.Workflows.Audit.History;

/// <summary>
/// Tells open history pages on this node that the history gained rows. The rows are written by the async daemon,
/// which runs on one node only; its transaction also sends a PostgreSQL notification (<see cref="HistoryChangeRelay"/>),
/// so every node, that one included, hears of them once they are committed and readable.
/// Subscribers run on the listening connection's thread: they should only schedule a refresh.
/// </summary>
public sealed class HistoryNotifications(ILogger<HistoryNotifications> logger)
{
    /// <summary>The history holds rows up to this event sequence number.</summary>
    public event Action<long>? Advanced;

    internal void Raise(long lastSeq) => Subscribers.Notify(Advanced, handler => handler(lastSeq), logger, "history updates");
}

/// <summary>
/// Hears the history subscription's notifications (sent in the daemon's transaction, so delivered on commit) and raises
/// them on this node. The payload names the store's schema, because test classes and benches share one database with
/// a schema each; a forged notification only makes pages re-read the history.
/// </summary>
public sealed class HistoryChangeRelay(IServiceProvider services, HistoryNotifications notifications, ILogger<HistoryChangeRelay> logger)
    : BackgroundService
{
    public const string Channel = "vnf_console_history_advanced";

    private IDocumentStore Store => services.GetRequiredService<IDocumentStore>();

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PostgresChannel.ListenAsync(Store, Channel, Receive, logger, "new history rows", stoppingToken);

    internal void Receive(string payload)
    {
        var parts = payload.Split('|', 2);
        if (parts.Length == 2 && parts[0] == Store.Options.DatabaseSchemaName
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
            notifications.Raise(seq);
    }

    internal static string PayloadFor(string schema, long lastSeq) =>
        schema + "|" + lastSeq.ToString(CultureInfo.InvariantCulture);
}

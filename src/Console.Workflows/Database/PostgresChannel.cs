using Marten;
using Marten.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Console.Workflows.Database;

/// <summary>
/// Listens on one PostgreSQL notification channel for as long as the host runs, from a connection of its own, and
/// reconnects (backing off up to 30 s) when that connection is lost. Notifications sent while it was reconnecting are
/// missed: listeners use them only to re-read what the database holds, never as data.
/// </summary>
public static class PostgresChannel
{
    /// <param name="what">What the channel carries, for the log ("other console nodes' request changes").</param>
    public static async Task ListenAsync(
        IDocumentStore store, string channel, Action<string> receive, ILogger logger, string what, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(receive);
        ArgumentNullException.ThrowIfNull(logger);
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = store.Storage.Database.CreateConnection(ConnectionUsage.ReadWrite);
                await connection.OpenAsync(ct);
                connection.Notification += (_, e) => receive(e.Payload);
                await using (var listen = new NpgsqlCommand($"listen {channel}", connection))
                    await listen.ExecuteNonQueryAsync(ct);
                if (failures > 0)
                    logger.LogInformation("Listening for {What} again", what);
                failures = 0;
                while (true)
                    await connection.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException or System.IO.IOException)
            {
                failures++;
                if (failures is 1 or 10 || failures % 100 == 0)
                    logger.LogWarning(ex, "Lost the connection that hears {What} ({Failures} in a row); reconnecting", what, failures);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, failures)), ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}

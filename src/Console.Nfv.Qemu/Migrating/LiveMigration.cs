using System.Diagnostics;
using System.Globalization;
using Console.Nfv.Qemu.Qmp;

namespace Console.Nfv.Qemu.Migrating;

/// <summary>How a live migration went: its wall time, the guest's downtime as QEMU measured it, and the bytes sent.</summary>
public sealed record MigrationOutcome(TimeSpan Total, TimeSpan Downtime, long TransferredBytes);

/// <summary>A migration channel the console does not accept; nothing of the VM's state was sent.</summary>
public sealed class MigrationChannelRefusedException(string message) : Exception(message);

/// <summary>
/// Live migration of one machine to a machine waiting on another host, over QEMU's TLS migration only: both ends load
/// their host's credentials from the console's CA, the receiver verifies the sender's certificate, the sender verifies
/// the receiver's for its address. Without credentials on either end, or with the sender's TLS setting not in force
/// when read back, it refuses before the first byte of state moves.
/// </summary>
public static class LiveMigration
{
    public static async Task<MigrationOutcome> MigrateAsync(QemuMachine source, QemuMachine target, int port, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        foreach (var host in new[] { source.Host, target.Host }.Distinct())
            if (!host.HasTlsCredentials)
                throw new MigrationChannelRefusedException(
                    $"Host {host.Name} holds no migration certificate from the console's CA ({host.TlsFolder}); an unencrypted migration channel is refused.");

        var id = "tls-" + Guid.NewGuid().ToString("N")[..12];
        var uri = string.Create(CultureInfo.InvariantCulture, $"tcp:{target.Host.Address}:{port}");
        await target.Monitor.ExecuteAsync("object-add", QemuMachine.Arguments(
            ("qom-type", "tls-creds-x509"), ("id", id), ("dir", target.Host.TlsFolder), ("endpoint", "server"), ("verify-peer", true)), ct);
        await target.Monitor.ExecuteAsync("migrate-set-parameters", QemuMachine.Arguments(("tls-creds", id)), ct);
        await target.Monitor.ExecuteAsync("migrate-incoming", QemuMachine.Arguments(("uri", uri)), ct);

        await source.Monitor.ExecuteAsync("object-add", QemuMachine.Arguments(
            ("qom-type", "tls-creds-x509"), ("id", id), ("dir", source.Host.TlsFolder), ("endpoint", "client"), ("verify-peer", true)), ct);
        await source.Monitor.ExecuteAsync("migrate-set-parameters", QemuMachine.Arguments(
            ("tls-creds", id), ("tls-hostname", target.Host.Address.ToString())), ct);
        // Read back what QEMU will use: a channel is encrypted because QEMU says so, not because we asked.
        var inForce = QmpJson.Text(await source.Monitor.ExecuteAsync("query-migrate-parameters", null, ct), "tls-creds");
        if (inForce != id)
            throw new MigrationChannelRefusedException($"Machine {source.Name} does not use the TLS credentials for its migration ('{inForce}'); refused before sending.");

        var clock = Stopwatch.StartNew();
        var done = await source.StreamStateOutAsync(uri, null, ct);
        return new MigrationOutcome(clock.Elapsed, TimeSpan.FromMilliseconds(QmpJson.Number(done, "downtime") ?? 0),
            QmpJson.Number(done["ram"], "transferred") ?? 0);
    }
}

/// <summary>Waits for a machine's outgoing migration to end; a failed one becomes an exception with QEMU's reason.</summary>
internal static class MigrationProgress
{
    public static async Task<System.Text.Json.Nodes.JsonNode> WaitAsync(QemuMachine machine, CancellationToken ct)
    {
        while (true)
        {
            var state = await machine.Monitor.ExecuteAsync("query-migrate", null, ct)
                        ?? throw new QmpException("query-migrate", "no answer");
            switch (QmpJson.Text(state, "status"))
            {
                case "completed":
                    return state;
                case "failed" or "cancelled":
                    throw new QmpException("migrate", QmpJson.Text(state, "error-desc") ?? "the migration failed");
            }

            await Task.Delay(50, ct);
        }
    }
}

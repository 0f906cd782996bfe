using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using Console.Nfv.Qemu.Migrating;

namespace Console.Nfv.Qemu.Snapshots;

/// <summary>A memory snapshot written to disk: where, its SHA-256 over the encrypted file, its size, how long it took.</summary>
public sealed record MemorySnapshotFile(string Path, string ContentDigest, long SizeBytes, long StateBytes, TimeSpan Took);

/// <summary>
/// Snapshot with memory state and restore, through QEMU's migration stream over a Unix socket of the host's folder:
/// the console reads the stream and encrypts it as it writes the file (<see cref="EncryptedStateFile"/>), and on restore
/// decrypts the file into a new machine waiting for its state. The machine snapshotted goes on running afterwards.
/// </summary>
public static class MemorySnapshot
{
    public static async Task<MemorySnapshotFile> TakeAsync(QemuMachine machine, string path, string keyId, ReadOnlyMemory<byte> dataKey, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(machine);
        var clock = Stopwatch.StartNew();
        var socketPath = System.IO.Path.Combine(machine.Host.Folder, $"snap-{Guid.NewGuid():N}.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        listener.Listen(1);
        try
        {
            var wasRunning = await machine.StatusAsync(ct) == "running";
            await machine.Monitor.ExecuteAsync("migrate-set-parameters", QemuMachine.Arguments(("tls-creds", "")), ct);
            long stateBytes = 0;
            await machine.StreamStateOutAsync("unix:" + socketPath, async () =>
            {
                using var connection = await listener.AcceptAsync(ct);
                await using var stream = new NetworkStream(connection, ownsSocket: false);
                await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                stateBytes = await EncryptedStateFile.WriteAsync(stream, file, keyId, dataKey, ct);
            }, ct);
            if (wasRunning)
                await machine.ResumeAsync(ct);
            var digest = await DigestAsync(path, ct);
            return new MemorySnapshotFile(path, digest, new FileInfo(path).Length, stateBytes, clock.Elapsed);
        }
        finally
        {
            File.Delete(socketPath);
        }
    }

    /// <summary>Starts <paramref name="name"/> on <paramref name="host"/> from the snapshot's state; it runs as the snapshotted machine did.</summary>
    public static async Task<QemuMachine> RestoreAsync(
        QemuHost host, string name, LabGuest guest, string path, string keyId, ReadOnlyMemory<byte> dataKey, CancellationToken ct)
    {
        var machine = await QemuMachine.StartAsync(host, name, guest, incoming: true, ct);
        try
        {
            var socketPath = System.IO.Path.Combine(host.Folder, $"restore-{Guid.NewGuid():N}.sock");
            await machine.Monitor.ExecuteAsync("migrate-set-parameters", QemuMachine.Arguments(("tls-creds", "")), ct);
            await machine.Monitor.ExecuteAsync("migrate-incoming", QemuMachine.Arguments(("uri", "unix:" + socketPath)), ct);
            using (var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
                await using var stream = new NetworkStream(socket, ownsSocket: false);
                await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
                await EncryptedStateFile.ReadAsync(file, stream, keyId, dataKey, ct);
                socket.Shutdown(SocketShutdown.Send);
            }

            File.Delete(socketPath);
            await WaitUntilRestoredAsync(machine, ct);
            return machine;
        }
        catch
        {
            await machine.DisposeAsync();
            throw;
        }
    }

    private static async Task WaitUntilRestoredAsync(QemuMachine machine, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (await machine.StatusAsync(ct) == "inmigrate")
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
                throw new TimeoutException($"{machine.Name} did not take its state within 60 s");
            await Task.Delay(50, ct);
        }
    }

    private static async Task<string> DigestAsync(string path, CancellationToken ct)
    {
        await using var file = File.OpenRead(path);
        return "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct));
    }
}

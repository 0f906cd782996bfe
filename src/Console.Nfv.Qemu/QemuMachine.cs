using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Console.Nfv.Qemu.Migrating;
using Console.Nfv.Qemu.Qmp;

namespace Console.Nfv.Qemu;

/// <summary>What every lab machine boots (infra/lab/guest.sh prints these), and how QEMU runs it.</summary>
/// <param name="Accelerator">tcg by default: on this machine kind a KVM guest hangs after the kernel loads (STACK.md).</param>
public sealed record LabGuest(string Qemu, string Kernel, string Initrd, string Accelerator = "tcg", int MemoryMiB = 128);

/// <summary>
/// One virtual machine: a QEMU process this host runs (no shell in between), its monitor (QMP, a Unix socket in the
/// host's folder) and its serial line (a file the guest writes its counter to).
/// </summary>
public sealed class QemuMachine : IAsyncDisposable
{
    private readonly Process _process;
    private bool _disposed;
    private int _ownStreams;
    private string? _lastOwnStream;

    private QemuMachine(string name, QemuHost host, Process process, QmpConnection monitor, string serialLog)
    {
        Name = name;
        Host = host;
        _process = process;
        Monitor = monitor;
        SerialLog = serialLog;
        ProcessId = process.Id;
    }

    public string Name { get; }

    public QemuHost Host { get; }

    public QmpConnection Monitor { get; }

    public string SerialLog { get; }

    public bool HasExited => _disposed || _process.HasExited;

    /// <summary>The QEMU process's id, kept so it can still be named after the process ended.</summary>
    public int ProcessId { get; }

    /// <summary>
    /// Starts a machine on <paramref name="host"/>. <paramref name="incoming"/>: wait for its state (a migration or a
    /// restore) instead of booting, as <c>-incoming defer</c>.
    /// </summary>
    public static async Task<QemuMachine> StartAsync(QemuHost host, string name, LabGuest guest, bool incoming, CancellationToken ct)
    {
        var (process, socket, serial) = Launch(host, name, guest, incoming);
        try
        {
            var monitor = await ConnectAsync(socket, process, ct);
            return new QemuMachine(name, host, process, monitor, serial);
        }
        catch
        {
            Kill(process);
            process.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The QEMU process alone, its monitor not yet opened: what <see cref="StartAsync"/> connects to, and what someone
    /// with a shell on the host would start behind the console's back (the fork tests do).
    /// </summary>
    internal static (Process Process, string Socket, string SerialLog) Launch(QemuHost host, string name, LabGuest guest, bool incoming)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(guest);
        QemuHost.CheckName(name);
        var folder = Path.Combine(host.Folder, "vm", name);
        Directory.CreateDirectory(folder);
        var socket = Path.Combine(folder, "qmp.sock");
        var serial = Path.Combine(folder, incoming ? $"serial-{DateTime.UtcNow.Ticks}.log" : "serial.log");
        File.Delete(socket);
        var start = new ProcessStartInfo(guest.Qemu)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "-name", name, "-accel", guest.Accelerator, "-m", guest.MemoryMiB.ToString(CultureInfo.InvariantCulture), "-nodefaults",
                     "-display", "none", "-kernel", guest.Kernel, "-initrd", guest.Initrd, "-append", "console=ttyS0 quiet",
                     "-serial", "file:" + serial, "-qmp", $"unix:{socket},server=on,wait=off",
                 })
            start.ArgumentList.Add(argument);
        if (incoming)
        {
            start.ArgumentList.Add("-incoming");
            start.ArgumentList.Add("defer");
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{guest.Qemu} did not start");
        return (process, socket, serial);
    }

    private static async Task<QmpConnection> ConnectAsync(string socket, Process process, CancellationToken ct)
    {
        // The monitor socket appears once QEMU has parsed its arguments; a refused argument ends the process instead.
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"QEMU exited with {process.ExitCode}: {(await process.StandardError.ReadToEndAsync(ct)).Trim()}");
            if (File.Exists(socket))
            {
                try
                {
                    return await QmpConnection.OpenAsync(socket, ct);
                }
                catch (System.Net.Sockets.SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(30))
                {
                }
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
                throw new TimeoutException($"QEMU's monitor {socket} did not open within 30 s");
            await Task.Delay(50, ct);
        }
    }

    /// <summary>QEMU's run state: running, paused, inmigrate, postmigrate, shutdown ...</summary>
    public async Task<string> StatusAsync(CancellationToken ct) =>
        QmpJson.Text(await Monitor.ExecuteAsync("query-status", null, ct), "status") ?? "unknown";

    public Task PauseAsync(CancellationToken ct) => Monitor.ExecuteAsync("stop", null, ct);

    public Task ResumeAsync(CancellationToken ct) => Monitor.ExecuteAsync("cont", null, ct);

    /// <summary>The guest's reset button: a restart of the same machine, memory not kept.</summary>
    public Task ResetAsync(CancellationToken ct) => Monitor.ExecuteAsync("system_reset", null, ct);

    /// <summary>Ends the machine (QMP quit) and waits for its process.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        if (_process.HasExited)
            return;
        try
        {
            await Monitor.ExecuteAsync("quit", null, ct);
        }
        catch (QmpException)
        {
            // The monitor closes as QEMU quits; the process's end is what counts.
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            Kill(_process);
        }
    }

    /// <summary>
    /// Streams the machine's state out to <paramref name="uri"/> because the console asked for it (a migration or a
    /// snapshot): <paramref name="whileStreaming"/> runs once the stream started (the console's side reading it), and the
    /// outcome QEMU reports is returned once the stream ended. The console remembers the stream, so reconciliation can
    /// tell it from one somebody started on the host (<see cref="UnaccountedStreamAsync"/>).
    /// </summary>
    internal async Task<JsonNode> StreamStateOutAsync(string uri, Func<Task>? whileStreaming, CancellationToken ct)
    {
        Interlocked.Increment(ref _ownStreams);
        try
        {
            await Monitor.ExecuteAsync("migrate", Arguments(("uri", uri)), ct);
            if (whileStreaming is not null)
                await whileStreaming();
            return await MigrationProgress.WaitAsync(this, ct);
        }
        finally
        {
            try
            {
                _lastOwnStream = StreamSignature(await Monitor.ExecuteAsync("query-migrate", null, CancellationToken.None));
            }
            catch (Exception ex) when (ex is QmpException or IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
            {
                // The machine ended with its stream; nothing is left to account for.
            }

            Interlocked.Decrement(ref _ownStreams);
        }
    }

    /// <summary>
    /// An outgoing stream of this machine's state that QEMU reports as ended and the console did not start (a snapshot
    /// or migration done on the host through the monitor), in words; null when there is none, or while the console's own
    /// stream runs.
    /// </summary>
    public async Task<string?> UnaccountedStreamAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref _ownStreams) > 0)
            return null;
        var before = _lastOwnStream;
        var signature = StreamSignature(await Monitor.ExecuteAsync("query-migrate", null, ct));
        if (signature is null || Volatile.Read(ref _ownStreams) > 0 || signature == before || signature == _lastOwnStream)
            return null;
        return signature;
    }

    /// <summary>An ended outgoing stream as QEMU reports it (status, time, bytes); null when none ended.</summary>
    private static string? StreamSignature(JsonNode? state) => QmpJson.Text(state, "status") switch
    {
        "completed" or "failed" or "cancelled" => string.Create(CultureInfo.InvariantCulture,
            $"outgoing stream {QmpJson.Text(state, "status")}: {QmpJson.Number(state?["ram"], "transferred") ?? 0} bytes in {QmpJson.Number(state, "total-time") ?? 0} ms"),
        _ => null,
    };

    /// <summary>The last counter the guest wrote on its serial line, or null before its first.</summary>
    public long? LastCounter()
    {
        long? last = null;
        foreach (var n in Counters())
            last = n;
        return last;
    }

    /// <summary>
    /// The first counter on this machine's serial line: 1 after a fresh boot, the count it took over for a machine that
    /// received its state (a migration target or a restore writes a serial line of its own).
    /// </summary>
    public long? FirstCounter()
    {
        foreach (var n in Counters())
            return n;
        return null;
    }

    private IEnumerable<long> Counters()
    {
        if (!File.Exists(SerialLog))
            yield break;
        using var stream = new FileStream(SerialLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
            if (line.StartsWith("counter ", StringComparison.Ordinal) && long.TryParse(line.AsSpan(8), CultureInfo.InvariantCulture, out var n))
                yield return n;
    }

    internal static JsonObject Arguments(params (string Name, JsonNode? Value)[] values)
    {
        var arguments = new JsonObject();
        foreach (var (name, value) in values)
            arguments[name] = value;
        return arguments;
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        await Monitor.DisposeAsync();
        Kill(_process);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}

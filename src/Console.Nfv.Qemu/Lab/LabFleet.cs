using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Console.Nfv.Qemu.Tls;
using Console.Workflows.Inventory;
using Console.Workflows.Nfv;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Console.Nfv.Qemu.Lab;

/// <summary>
/// The lab's hosts and the machines running on them. Made once per console process: the hosts' folders, the
/// console's migration CA (its key stays in this process) and each host's certificate from it. A machine is kept per
/// VNF (the machine its live instance runs in) and per component moved on its own.
/// </summary>
public sealed class LabFleet : IAsyncDisposable
{
    private readonly LabOptions _options;
    private readonly LabCertificateAuthority _authority;
    private readonly ConcurrentDictionary<Guid, LabSlot> _slots = new();
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> _locks = new();
    private readonly ConcurrentDictionary<string, byte> _started = new();
    private readonly ConcurrentDictionary<string, byte> _writing = new();
    private readonly ILogger<LabFleet> _logger;

    public LabFleet(IOptions<LabOptions> options, TimeProvider time, ILogger<LabFleet> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _options = options.Value;
        _logger = logger;
        Guest = new LabGuest(_options.Qemu, _options.Guest.Kernel, _options.Guest.Initrd, _options.Accelerator, _options.MemoryMiB);
        var now = time.GetUtcNow();
        _authority = LabCertificateAuthority.Create("vnf-console lab migration CA", now, TimeSpan.FromDays(30));
        var hosts = new List<(LabHostOptions Options, QemuHost Host)>();
        foreach (var configured in _options.Hosts)
        {
            if (!IPAddress.TryParse(configured.Address, out var address))
                throw new InvalidOperationException($"Nfv:Lab host {configured.Name}: '{configured.Address}' is not an IP address.");
            var host = new QemuHost(configured.Name, Path.Combine(_options.Folder, "hosts", configured.Name), address);
            QemuHost.CheckName(host.Name);
            Directory.CreateDirectory(host.Folder);
            // Certificates are issued afresh at every start; a host configured without one keeps none from before.
            if (Directory.Exists(host.TlsFolder))
                Directory.Delete(host.TlsFolder, recursive: true);
            if (configured.Certificate)
                _authority.Issue(host, now, TimeSpan.FromDays(30));
            hosts.Add((configured, host));
        }

        Hosts = hosts;
        SnapshotFolder = Path.Combine(_options.Folder, "snapshots");
        Directory.CreateDirectory(SnapshotFolder);
    }

    public LabGuest Guest { get; }

    public IReadOnlyList<(LabHostOptions Options, QemuHost Host)> Hosts { get; }

    public string SnapshotFolder { get; }

    /// <summary>The host standing for <paramref name="environment"/>, or null when no host is configured for it.</summary>
    public QemuHost? HostOf(ExecutionEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return Hosts.FirstOrDefault(h => string.Equals(h.Options.Environment, environment.Name, StringComparison.OrdinalIgnoreCase)
            || (Guid.TryParse(h.Options.Environment, out var id) && id == environment.Id)).Host;
    }

    public QemuHost RequireHostOf(ExecutionEnvironment environment) => HostOf(environment)
        ?? throw new InfrastructureException(
            $"Environment {environment.Name} is not mapped to a lab host; add it under Nfv:Lab:Hosts (Environment = its name or id) or run the console on the simulator.");

    /// <summary>The machine slot of a VNF or of a component moved on its own (empty when nothing was started for it).</summary>
    public LabSlot Slot(Guid key) => _slots.GetOrAdd(key, k => new LabSlot(k));

    public IEnumerable<LabSlot> Slots => _slots.Values;

    /// <summary>One operation at a time per VNF: its machines are not paused, moved and snapshotted at once.</summary>
    public async Task<IDisposable> LockAsync(Guid vnfId, CancellationToken ct)
    {
        var gate = _locks.GetOrAdd(vnfId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        return new Release(gate);
    }

    /// <summary>A free TCP port on the target host's address for one incoming migration.</summary>
    public static int FreePort(QemuHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        using var listener = new TcpListener(host.Address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Boots a fresh machine for <paramref name="slot"/> on <paramref name="host"/> (its memory starts empty).</summary>
    public async Task<QemuMachine> BootAsync(LabSlot slot, QemuHost host, string why, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(slot);
        var machine = await StartAsync(host, slot, incoming: false, ct);
        await slot.ReplaceAsync(machine, ct);
        _logger.LogInformation("Lab: booted machine {Machine} on {Host} ({Why})", machine.Name, host.Name, why);
        return machine;
    }

    /// <summary>Starts a machine for <paramref name="slot"/> on <paramref name="host"/>; incoming: it waits for its state.</summary>
    public async Task<QemuMachine> StartAsync(QemuHost host, LabSlot slot, bool incoming, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(slot);
        try
        {
            return await QemuMachine.StartAsync(host, Starting(MachineName(slot.Key)), Guest, incoming, ct);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            throw new InfrastructureException(
                $"Host {host.Name} could not start a machine: {ex.Message} Check Nfv:Lab (Qemu, Guest:Kernel, Guest:Initrd; infra/lab/guest.sh ensure prints them).", ex);
        }
    }

    /// <summary>
    /// Notes a machine name the console is about to start, before its process exists, so the host watch never takes a
    /// machine the console is starting (a migration's target, a restore) for one started behind its back.
    /// </summary>
    public string Starting(string name)
    {
        _started.TryAdd(name, 0);
        return name;
    }

    /// <summary>Whether the console started (or is starting) the machine of this name.</summary>
    public bool Started(string name) => _started.ContainsKey(name);

    /// <summary>Notes a snapshot folder the console is writing, so reconciliation does not take its file for a stranger's before it is recorded.</summary>
    public string Writing(string folder)
    {
        _writing.TryAdd(folder, 0);
        return folder;
    }

    /// <summary>Whether the console wrote (or is writing) snapshot files into this folder.</summary>
    public bool Wrote(string folder) => _writing.ContainsKey(folder);

    /// <summary>
    /// One operation at a time per VNF, without waiting: null when an operation holds the VNF now (reconciliation and the
    /// host watch then look again next round rather than judge a machine mid-operation).
    /// </summary>
    public IDisposable? TryLock(Guid vnfId)
    {
        var gate = _locks.GetOrAdd(vnfId, _ => new SemaphoreSlim(1, 1));
        return gate.Wait(0) ? new Release(gate) : null;
    }

    /// <summary>Machines on the hosts the console did not start, by the instance id the host watch gave them.</summary>
    public ConcurrentDictionary<Guid, int> Foreign { get; } = new();

    // Each start has a name of its own, so a restore beside a running machine never shares its monitor socket.
    private static string MachineName(Guid key) => $"m{key:N}"[..21] + "-" + Guid.NewGuid().ToString("N")[..8];

    public async ValueTask DisposeAsync()
    {
        foreach (var slot in _slots.Values)
            await slot.ReplaceAsync(null, CancellationToken.None);
        _authority.Dispose();
        foreach (var gate in _locks.Values)
            gate.Dispose();
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}

/// <summary>Where a VNF (or a component moved on its own) runs in the lab now: its machine, and the instance it is.</summary>
public sealed class LabSlot(Guid key)
{
    public Guid Key { get; } = key;

    public QemuMachine? Machine { get; private set; }

    /// <summary>The console's instance this machine runs as; null until the infrastructure told it.</summary>
    public Guid? InstanceId { get; set; }

    /// <summary>The VNF of <paramref name="inventory"/> this machine runs: the one it is keyed by, or the one holding the component it is keyed by.</summary>
    public Vnf? VnfIn(IEnumerable<Vnf> inventory)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        Vnf? holding = null;
        foreach (var vnf in inventory)
        {
            if (vnf.Id == Key)
                return vnf;
            if (holding is null && vnf.Components.Any(c => c.Id == Key))
                holding = vnf;
        }

        return holding;
    }

    /// <summary>Puts <paramref name="machine"/> in the slot; the machine it held before is ended.</summary>
    public async Task ReplaceAsync(QemuMachine? machine, CancellationToken ct)
    {
        var previous = Machine;
        Machine = machine;
        if (previous is not null && previous != machine)
        {
            await previous.StopAsync(ct);
            await previous.DisposeAsync();
        }
    }
}

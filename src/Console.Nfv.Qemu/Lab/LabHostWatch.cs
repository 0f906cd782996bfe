using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Console.Workflows.Continuity;
using Console.Workflows.Continuity.Tracking;
using Console.Workflows.Inventory;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Console.Nfv.Qemu.Lab;

/// <summary>
/// Liveness from the hosts themselves: every <see cref="LabOptions.WatchSeconds"/> the watch lists the QEMU processes
/// whose monitor lives in a lab host's folder. A machine the console started (a VNF's own or a component's) is its
/// instance: one that ended without the console ending it is reported as a crash of that instance (recorded and
/// alerted); a machine of a VNF or of one of its components that the console did not start (a second copy, a VM
/// started from a copied snapshot) heartbeats as an instance of its own, which the continuity decider judges a fork:
/// recorded, alerted, and fenced (its process ended).
/// </summary>
public sealed class LabHostWatch(
    LabFleet fleet, IContinuityService continuity, IDocumentStore store, IOptions<LabOptions> options,
    TimeProvider time, ILogger<LabHostWatch> logger) : BackgroundService
{
    /// <summary>A QEMU process on a lab host: its pid, its -name and the host whose folder holds its monitor.</summary>
    public sealed record HostedMachine(int ProcessId, string Name, QemuHost Host);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        LabRounds.RepeatAsync(options.Value.WatchSeconds, time, RoundAsync, logger, "lab host watch", stoppingToken);

    /// <summary>One round: every machine on the hosts reports, as its instance or as one the console never started.</summary>
    public async Task RoundAsync(CancellationToken ct)
    {
        await CrashesAsync(ct);
        var machines = List(fleet.Hosts.Select(h => h.Host).ToList());
        if (machines.Count == 0)
            return;
        await using var query = store.QuerySession();
        var environments = await query.Query<ExecutionEnvironment>().ToListAsync(ct);
        var slots = fleet.Slots.ToDictionary(s => s.Key.ToString("N")[..20], s => s);
        IReadOnlyList<Vnf>? vnfs = null;
        foreach (var machine in machines)
        {
            if (machine.Name.Length < 21 || !slots.TryGetValue(machine.Name[1..21], out var slot))
                continue;
            var own = fleet.Started(machine.Name) && (slot.Machine is not { HasExited: false } mine || mine.Name != machine.Name || mine.ProcessId == machine.ProcessId);
            // The console's own machines are not heartbeated yet: mid-migration or mid-restore the slot's instance id
            // lags its machine for a moment, and a heartbeat then would fence the console's own new machine.
            if (own)
                continue;

            // A copy of a component's own machine is a copy of its VNF's state, as one of the VNF's machine is.
            vnfs ??= await query.Query<Vnf>().ToListAsync(ct);
            var environment = environments.FirstOrDefault(e => fleet.HostOf(e) == machine.Host);
            if (slot.VnfIn(vnfs) is not { } vnf || environment is null
                || await query.LoadAsync<VnfContinuity>(VnfContinuity.StreamIdFor(vnf.Id), ct) is not { } state)
                continue;

            // Not the console's: an instance of its own, named by host and process so each round reports the same one.
            var foreign = ForeignInstanceId(machine);
            fleet.Foreign[foreign] = machine.ProcessId;
            logger.LogWarning("Lab: machine {Name} (process {Pid}) on {Host} runs VNF {VnfId} but the console did not start it",
                machine.Name, machine.ProcessId, machine.Host.Name, vnf.Id);
            var outcome = await continuity.HeartbeatAsync(new InstanceHeartbeat(foreign, vnf.Id, environment.Id, state.Epoch), ct);
            if (outcome.Verdict != HeartbeatVerdict.ForkDetected)
                fleet.Foreign.TryRemove(foreign, out _);
        }
    }

    /// <summary>
    /// A machine of a VNF, its own or one of its components' (each on a machine of its own), whose process ended
    /// without the console ending it (the console empties or refills a slot before it ends a machine): reported as a
    /// crash of the instance it ran, with an alert, and the slot emptied so it is reported once.
    /// </summary>
    private async Task CrashesAsync(CancellationToken ct)
    {
        var ended = fleet.Slots.Where(s => s.Machine is { HasExited: true }).ToList();
        if (ended.Count == 0)
            return;
        await using var query = store.QuerySession();
        var vnfs = await query.Query<Vnf>().ToListAsync(ct);
        foreach (var slot in ended)
        {
            if (slot.VnfIn(vnfs) is not { } vnf || slot.Machine is not { HasExited: true } gone || fleet.TryLock(vnf.Id) is not { } hold)
                continue;
            using (hold)
            {
                if (slot.Machine != gone)
                    continue;
                var state = await query.LoadAsync<VnfContinuity>(VnfContinuity.StreamIdFor(vnf.Id), ct);
                if (state is null)
                    continue;
                var of = vnf.Components.FirstOrDefault(c => c.Id == slot.Key) is { } component ? $" of component {component.Name}" : "";
                var what = $"Machine '{gone.Name}'{of} (process {gone.ProcessId}) on lab host {gone.Host.Name}";
                await slot.ReplaceAsync(null, ct);
                var instance = slot.InstanceId ?? state.CurrentLease?.InstanceId;
                logger.LogWarning("Lab: machine {Name}{Of} of VNF {VnfId} on {Host} ended without the console ending it", gone.Name, of, vnf.Id, gone.Host.Name);
                if (instance is null)
                    continue;
                var refusal = await continuity.ReportCrashAsync(vnf.Id, instance.Value,
                    $"{what} ended without the console ending it; instance {instance:D} no longer runs.",
                    $"lab host {gone.Host.Name}", ct);
                if (refusal is not null)
                    logger.LogInformation("Lab: the crash of {Name} was not recorded: {Reason}", gone.Name, refusal.Message);
            }
        }
    }

    /// <summary>The QEMU processes whose monitor socket lies in one of <paramref name="hosts"/>' folders.</summary>
    public static IReadOnlyList<HostedMachine> List(IReadOnlyList<QemuHost> hosts)
    {
        var found = new List<HostedMachine>();
        if (!Directory.Exists("/proc"))
            return found;
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var pid))
                continue;
            string[] arguments;
            try
            {
                arguments = File.ReadAllText(Path.Combine(entry, "cmdline")).Split('\0');
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            if (arguments.Length == 0 || !Path.GetFileName(arguments[0]).StartsWith("qemu-system", StringComparison.Ordinal))
                continue;
            var name = After(arguments, "-name");
            var monitor = After(arguments, "-qmp");
            if (name is null || monitor is null)
                continue;
            var host = hosts.FirstOrDefault(h => monitor.Contains(h.Folder + Path.DirectorySeparatorChar, StringComparison.Ordinal));
            if (host is not null)
                found.Add(new HostedMachine(pid, name, host));
        }

        return found;
    }

    internal static void Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static Guid ForeignInstanceId(HostedMachine machine) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"{machine.Host.Name}/{machine.ProcessId}/{machine.Name}"))[..16]);

    private static string? After(string[] arguments, string flag)
    {
        var i = Array.IndexOf(arguments, flag);
        return i >= 0 && i + 1 < arguments.Length ? arguments[i + 1] : null;
    }
}

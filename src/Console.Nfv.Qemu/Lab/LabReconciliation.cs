using Console.Nfv.Qemu.Qmp;
using Console.Nfv.Simulator;
using Console.Workflows.Continuity.Reconciling;
using Console.Workflows.Inventory;
using Console.Workflows.Nfv;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Console.Nfv.Qemu.Lab;

/// <summary>
/// Every <see cref="LabOptions.ReconcileSeconds"/> compares what the lab's hosts actually run and hold with the
/// console's inventory (<see cref="HostInventoryComparison"/>): the QEMU processes on each host against the machines
/// the console runs for its VNFs (where, in which run state, and whether QEMU reports an outgoing state stream the
/// console never started), and the VM state files on the hosts and in the snapshot store against the snapshots the
/// console holds. Each difference is recorded once as an event with a security alert (<see cref="HostDriftRecorder"/>).
/// Machines named after a VNF but not the console's are forks, which <see cref="LabHostWatch"/> fences; they are left
/// to it. A VNF an operation holds right now is looked at the next round.
/// </summary>
public sealed class LabReconciliation(
    LabFleet fleet, SimulatedNfvInfrastructure simulator, HostDriftRecorder recorder, IDocumentStore store, IOptions<LabOptions> options,
    TimeProvider time, ILogger<LabReconciliation> logger) : BackgroundService
{
    private static readonly byte[] QemuStreamMagic = "QEVM"u8.ToArray();
    private static readonly byte[] EncryptedMagic = "VNFSTATE1"u8.ToArray();
    private HashSet<Guid> _seenLastRound = [];

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        LabRounds.RepeatAsync(options.Value.ReconcileSeconds, time, RoundAsync, logger, "lab reconciliation", stoppingToken);

    /// <summary>One comparison of the hosts with the inventory; returns the differences recorded now.</summary>
    public async Task<IReadOnlyList<HostDriftDetected>> RoundAsync(CancellationToken ct)
    {
        await using var query = store.QuerySession();
        var environments = await query.Query<ExecutionEnvironment>().ToListAsync(ct);
        var hostEnvironment = new Dictionary<QemuHost, Guid>();
        foreach (var (_, host) in fleet.Hosts)
            if (environments.FirstOrDefault(e => fleet.HostOf(e) == host) is { } environment)
                hostEnvironment[host] = environment.Id;

        var slots = fleet.Slots.ToDictionary(s => s.Key.ToString("N")[..20], s => s);
        var vnfs = await query.Query<Vnf>().ToListAsync(ct);
        var held = new Dictionary<Guid, IDisposable?>();
        try
        {
            var expected = new List<ExpectedMachine>();
            var observed = new List<ObservedMachine>();
            var looked = new HashSet<string>(StringComparer.Ordinal);
            foreach (var slot in slots.Values)
            {
                if (slot.Machine is not { HasExited: false } machine)
                    continue;
                if (slot.VnfIn(vnfs) is not { } vnf)
                    continue;
                if (!held.TryGetValue(vnf.Id, out var hold))
                    held[vnf.Id] = hold = fleet.TryLock(vnf.Id);
                if (hold is null)
                    continue;
                if (slot.Machine != machine || machine.HasExited)
                    continue;
                var component = vnf.Components.FirstOrDefault(c => c.Id == slot.Key);
                var instance = slot.InstanceId is { } instanceId
                    ? (await simulator.InstancesAsync(vnf.Id, ct)).FirstOrDefault(i => i.InstanceId == instanceId)
                    : null;
                expected.Add(new ExpectedMachine(machine.Name, vnf.Id, component is null ? vnf.Name : $"{component.Name} of {vnf.Name}",
                    component?.EnvironmentId ?? vnf.EnvironmentId, instance?.State != InstanceRunState.Paused));
                if (!hostEnvironment.TryGetValue(machine.Host, out var environmentId))
                    continue;
                try
                {
                    observed.Add(new ObservedMachine(environmentId, machine.Host.Name, machine.Name, machine.ProcessId,
                        await machine.StatusAsync(ct), await machine.UnaccountedStreamAsync(ct)));
                    looked.Add(machine.Name);
                }
                catch (Exception ex) when (ex is QmpException or IOException or ObjectDisposedException)
                {
                    // It ended as it was asked: the host watch reports a crash; here it is not compared.
                    expected.RemoveAt(expected.Count - 1);
                }
            }

            foreach (var machine in LabHostWatch.List([.. hostEnvironment.Keys]))
            {
                var named = machine.Name.Length >= 21 && slots.ContainsKey(machine.Name[1..21]);
                // The console's machines are compared above; other machines under a VNF's name are forks (the host watch's).
                if (looked.Contains(machine.Name) || named || fleet.Started(machine.Name))
                    continue;
                observed.Add(new ObservedMachine(hostEnvironment[machine.Host], machine.Host.Name, machine.Name, machine.ProcessId, "running", null));
            }

            var (expectedFiles, observedFiles) = await FilesAsync(query, hostEnvironment, ct);
            var differences = Settled(HostInventoryComparison.Compare(expected, expectedFiles, observed, observedFiles));
            return differences.Count == 0 ? [] : await recorder.RecordAsync(differences, ct);
        }
        finally
        {
            foreach (var hold in held.Values)
                hold?.Dispose();
        }
    }

    /// <summary>
    /// A placement or run state differs for a moment while the console itself acts (the machine has moved, the
    /// inventory records the move a moment later): such a difference counts when two rounds in a row see it.
    /// </summary>
    private List<HostDifference> Settled(IReadOnlyList<HostDifference> differences)
    {
        var passing = differences.Where(d => d.Kind is HostDriftKind.PlacementDiffers or HostDriftKind.RunStateDiffers).Select(d => d.DriftId).ToHashSet();
        var settled = differences.Where(d => !passing.Contains(d.DriftId) || _seenLastRound.Contains(d.DriftId)).ToList();
        _seenLastRound = passing;
        return settled;
    }

    /// <summary>The snapshot files the console holds, and the VM state files found on the hosts and in the snapshot store.</summary>
    private async Task<(List<ExpectedStateFile> Expected, List<ObservedStateFile> Observed)> FilesAsync(
        IQuerySession query, Dictionary<QemuHost, Guid> hostEnvironment, CancellationToken ct)
    {
        var artefacts = await query.Query<LabSnapshotArtefact>().Where(a => a.DeletedAt == null).ToListAsync(ct);
        var expected = artefacts.SelectMany(a => a.Files.Select(f => new ExpectedStateFile(a.Id, a.VnfId, a.EnvironmentId, f.Path, f.SizeBytes))).ToList();
        var recorded = artefacts.Select(a => a.Folder).ToHashSet(StringComparer.Ordinal);
        var observed = new List<ObservedStateFile>();
        var places = hostEnvironment.Select(h => (Folder: h.Key.Folder, Host: h.Key.Name, Environment: (Guid?)h.Value))
            .Append((Folder: fleet.SnapshotFolder, Host: "snapshot store", Environment: null));
        foreach (var (folder, host, environment) in places)
        {
            if (!Directory.Exists(folder))
                continue;
            foreach (var path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            {
                var parent = Path.GetDirectoryName(path) ?? "";
                // A snapshot the console is writing now is not recorded yet; the host's migration credentials are no state.
                if ((fleet.Wrote(parent) && !recorded.Contains(parent)) || path.StartsWith(Path.Combine(folder, "tls") + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    continue;
                if (await KindOfAsync(path, ct) is not { } plaintext)
                    continue;
                long size;
                try
                {
                    size = new FileInfo(path).Length;
                }
                catch (IOException)
                {
                    continue;
                }

                observed.Add(new ObservedStateFile(environment, host, path, size, plaintext));
            }
        }

        return (expected, observed);
    }

    /// <summary>True: QEMU's plain state stream; false: the console's encrypted state file; null: not VM state (or unreadable).</summary>
    private static async Task<bool?> KindOfAsync(string path, CancellationToken ct)
    {
        var head = new byte[EncryptedMagic.Length];
        int read;
        try
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            read = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A socket or a file that vanished meanwhile.
            return null;
        }

        if (read >= QemuStreamMagic.Length && head.AsSpan(0, QemuStreamMagic.Length).SequenceEqual(QemuStreamMagic))
            return true;
        if (read == EncryptedMagic.Length && head.AsSpan().SequenceEqual(EncryptedMagic))
            return false;
        return null;
    }
}

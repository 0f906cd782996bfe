using System.Security.Cryptography;
using System.Text;
using Console.Nfv.Qemu.Qmp;
using Console.Nfv.Qemu.Snapshots;
using Console.Nfv.Simulator;
using Console.Workflows.Inventory;
using Console.Workflows.Nfv;
using Marten;

namespace Console.Nfv.Qemu.Lab;

// Memory snapshots: each machine's migration stream comes to the console, which encrypts it under the data key of the
// trust domain the machine's components belong to as it writes the file; the host never sees a key. Restore decrypts
// on the console's side into a new machine waiting for its state.
public sealed partial class LabNfvInfrastructure
{
    public async Task<SnapshotArtefact> TakeSnapshotAsync(SnapshotOrder order, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (await DoneAsync(order.OperationId, ct) is { } done)
            return View(await ArtefactAsync(done.SnapshotId!.Value, ct)
                ?? throw new InfrastructureException($"The lab recorded snapshot {done.SnapshotId} but holds no artefact for it."));
        if (await SimulatedOnlyAsync(ct, order.EnvironmentId))
            return await simulator.TakeSnapshotAsync(order, ct);
        if (order.Parts is not { Count: > 0 } parts)
            throw new InfrastructureException("The snapshot order carries no data key; the lab never writes a VNF's memory to disk unencrypted.");

        var (environment, host) = await HostAsync(order.EnvironmentId, ct);
        using var _ = await fleet.LockAsync(order.VnfId, ct);
        var vnf = await VnfAsync(order.VnfId, ct);
        var folder = fleet.Writing(Path.Combine(fleet.SnapshotFolder, order.SnapshotId.ToString("N")));
        // Nothing recorded: whatever an attempt cut short left behind is not this snapshot.
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);

        var files = new List<LabSnapshotFile>();
        foreach (var (key, components) in SnapshotGroups(vnf, order.ComponentIds))
        {
            var part = PartFor(vnf, key, components, parts);
            var slot = fleet.Slot(key);
            var machine = slot.Machine is { HasExited: false } running
                ? running
                : await fleet.BootAsync(slot, key == vnf.Id ? host : await ComponentHostAsync(vnf, key, host, ct), "not running before its snapshot", ct);
            var path = Path.Combine(folder, $"{key:N}.state");
            MemorySnapshotFile file;
            try
            {
                file = await MemorySnapshot.TakeAsync(machine, path, part.KeyId, part.DataKey, ct);
            }
            catch (QmpException ex)
            {
                throw new InfrastructureException($"The memory snapshot of {What(vnf, key)} on {machine.Host.Name} failed: {ex.Message}", ex);
            }

            files.Add(new LabSnapshotFile(key, key == vnf.Id, components, part.TrustDomainId, part.KeyId, file.Path, file.ContentDigest, file.SizeBytes));
        }

        var now = time.GetUtcNow();
        var artefact = new LabSnapshotArtefact(order.SnapshotId, order.VnfId, environment.Id, folder, files, DigestOf(files.Select(f => f.Digest)),
            files.Sum(f => f.SizeBytes), now, null);
        var operation = new LabOperation(order.OperationId, "Snapshot", order.VnfId, null, order.SnapshotId,
            $"{files.Count} machine(s)' memory encrypted on the console's side into {folder}", now);
        var recorded = await RecordAsync(operation, s => s.Store(artefact), ct);
        return View(await ArtefactAsync(recorded.SnapshotId!.Value, ct) ?? artefact);
    }

    /// <summary>The digest of the files as they are on disk now, so a file changed behind the console's back shows.</summary>
    public async Task<SnapshotArtefactState?> InspectSnapshotAsync(Guid snapshotId, CancellationToken ct)
    {
        if (await ArtefactAsync(snapshotId, ct) is not { } artefact)
            return await simulator.InspectSnapshotAsync(snapshotId, ct);
        var digest = artefact.ContentDigest;
        if (artefact.DeletedAt is null)
        {
            var digests = new List<string>();
            foreach (var file in artefact.Files)
                digests.Add(File.Exists(file.Path) ? await FileDigestAsync(file.Path, ct) : "missing");
            digest = DigestOf(digests);
        }

        return new SnapshotArtefactState(artefact.Id, artefact.Folder, digest, artefact.SizeBytes, artefact.DeletedAt, [.. artefact.Files.Select(f => f.KeyId)]);
    }

    /// <summary>Overwrites each file with random bytes, then removes it.</summary>
    public async Task<DeletionReceipt> DeleteSnapshotAsync(SnapshotDeletionOrder order, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (await DoneAsync(order.OperationId, ct) is { } done)
            return new DeletionReceipt(done.Id, order.SnapshotId, done.CompletedAt, done.Detail);

        var artefact = await ArtefactAsync(order.SnapshotId, ct);
        if (artefact is null)
            return await simulator.DeleteSnapshotAsync(order, ct);
        if (artefact.DeletedAt is null)
        {
            foreach (var file in artefact.Files.Where(f => File.Exists(f.Path)))
                await OverwriteAndRemoveAsync(file.Path, ct);
            if (Directory.Exists(artefact.Folder) && !Directory.EnumerateFileSystemEntries(artefact.Folder).Any())
                Directory.Delete(artefact.Folder);
        }

        var now = time.GetUtcNow();
        var detail = artefact.DeletedAt is not null
            ? "The artefact was already gone."
            : $"{artefact.Files.Count} file(s) under {artefact.Folder} overwritten and removed.";
        var recorded = await RecordAsync(new LabOperation(order.OperationId, "SnapshotDeletion", artefact.VnfId, null, order.SnapshotId, detail, now),
            s =>
            {
                if (artefact.DeletedAt is null)
                    s.Store(artefact with { DeletedAt = now });
            }, ct);
        return new DeletionReceipt(recorded.Id, order.SnapshotId, recorded.CompletedAt, recorded.Detail);
    }

    /// <summary>
    /// A new machine on the environment's host takes each file's state, decrypted on the console's side with the data
    /// key unwrapped for it; the machine it replaces is ended. The new instance runs on the order's epoch.
    /// </summary>
    public async Task<VnfInstance> RestoreAsync(RestoreOrder order, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (await DoneAsync(order.OperationId, ct) is not null)
            return await InstanceAsync(order.VnfId, order.InstanceId, ct);
        if (await SimulatedOnlyAsync(ct, order.EnvironmentId))
            return await simulator.RestoreAsync(order, ct);

        var (environment, host) = await HostAsync(order.EnvironmentId, ct);
        var artefact = await ArtefactAsync(order.SnapshotId, ct);
        if (artefact is null || artefact.DeletedAt is not null)
            throw new InfrastructureException($"The lab holds no artefact for snapshot {order.SnapshotId}; it was deleted or never taken here.");

        using var _ = await fleet.LockAsync(order.VnfId, ct);
        foreach (var file in artefact.Files)
        {
            if (!File.Exists(file.Path))
                throw new InfrastructureException($"The snapshot file {file.Path} is missing from the lab's storage; restore from another snapshot.");
            var dataKey = await keys.UnwrapAsync(file.KeyId, file.TrustDomainId, ct);
            QemuMachine machine;
            try
            {
                machine = await MemorySnapshot.RestoreAsync(host, fleet.Starting($"r{file.MachineKey:N}"[..21] + "-" + order.InstanceId.ToString("N")[..8]),
                    fleet.Guest, file.Path, file.KeyId, dataKey.Key, ct);
            }
            catch (Exception ex) when (ex is CryptographicException or QmpException or InvalidDataException or TimeoutException or InvalidOperationException)
            {
                throw new InfrastructureException(
                    $"Restoring snapshot {order.SnapshotId} on {host.Name} failed: {ex.Message} Nothing of it runs; the previous machine is untouched.", ex);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(dataKey.Key);
            }

            await fleet.Slot(file.MachineKey).ReplaceAsync(machine, ct);
        }

        // The VNF runs as the restored instance now, on every machine of it (the old instance is fenced next).
        foreach (var slot in await SlotsOfAsync(order.VnfId, ct))
            slot.InstanceId = order.InstanceId;

        var instance = new SimulatedInstance(order.InstanceId, order.VnfId, environment.Id, order.NewEpoch, InstanceRunState.Running, false,
            time.GetUtcNow(), $"restore of snapshot {order.SnapshotId:D} in the lab");
        await RecordAsync(new LabOperation(order.OperationId, "Restore", order.VnfId, environment.Id, order.SnapshotId,
            $"{artefact.Files.Count} machine(s) restored on {host.Name} on epoch {order.NewEpoch}", time.GetUtcNow()), s => s.Store(instance), ct);
        return await InstanceAsync(order.VnfId, order.InstanceId, ct);
    }

    /// <summary>
    /// The machines a snapshot covers and the ordered components in each: the VNF's own machine for the components
    /// that run with it, a machine per component moved apart.
    /// </summary>
    private static IEnumerable<(Guid Key, IReadOnlyList<Guid> Components)> SnapshotGroups(Vnf vnf, IReadOnlyList<Guid> componentIds)
    {
        var ordered = componentIds.Count == 0 ? vnf.Components : [.. vnf.Components.Where(c => componentIds.Contains(c.Id))];
        var apart = ordered.Where(c => c.EnvironmentId is { } e && e != vnf.EnvironmentId).ToList();
        var withVnf = ordered.Except(apart).Select(c => c.Id).ToList();
        if (withVnf.Count > 0 || apart.Count == 0)
            yield return (vnf.Id, withVnf);
        foreach (var component in apart)
            yield return (component.Id, [component.Id]);
    }

    /// <summary>
    /// The one data key a machine's file is encrypted under. A machine whose memory holds components of several trust
    /// domains cannot be split by domain, so its snapshot is refused rather than put under one domain's key.
    /// </summary>
    private static SnapshotPartKey PartFor(Vnf vnf, Guid key, IReadOnlyList<Guid> components, IReadOnlyList<SnapshotPartKey> parts)
    {
        var candidates = components.Count == 0 ? parts : [.. parts.Where(p => p.ComponentIds.Any(components.Contains))];
        return candidates.Count switch
        {
            1 => candidates[0],
            0 => throw new InfrastructureException($"The snapshot order carries no data key for {What(vnf, key)}; nothing was written."),
            _ => throw new InfrastructureException(
                $"{What(vnf, key)} holds components of {candidates.Count} trust domains in one memory image, which the lab cannot encrypt apart; move those components to machines of their own (a migration of the components) first."),
        };
    }

    private async Task<QemuHost> ComponentHostAsync(Vnf vnf, Guid componentId, QemuHost fallback, CancellationToken ct) =>
        vnf.Components.FirstOrDefault(c => c.Id == componentId)?.EnvironmentId is { } environmentId
            ? (await HostAsync(environmentId, ct)).Host
            : fallback;

    private async Task<LabSnapshotArtefact?> ArtefactAsync(Guid snapshotId, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        return await query.LoadAsync<LabSnapshotArtefact>(snapshotId, ct);
    }

    private static SnapshotArtefact View(LabSnapshotArtefact artefact) =>
        new(artefact.Id, artefact.Folder, artefact.ContentDigest, artefact.SizeBytes, artefact.CreatedAt);

    private static string DigestOf(IEnumerable<string> fileDigests) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', fileDigests))));

    private static async Task<string> FileDigestAsync(string path, CancellationToken ct)
    {
        await using var file = File.OpenRead(path);
        return "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct));
    }

    private static async Task OverwriteAndRemoveAsync(string path, CancellationToken ct)
    {
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None))
        {
            var noise = new byte[64 * 1024];
            for (long written = 0; written < file.Length; written += noise.Length)
            {
                RandomNumberGenerator.Fill(noise);
                await file.WriteAsync(noise.AsMemory(0, (int)Math.Min(noise.Length, file.Length - written)), ct);
            }

            await file.FlushAsync(ct);
            file.Flush(flushToDisk: true);
        }

        File.Delete(path);
    }
}

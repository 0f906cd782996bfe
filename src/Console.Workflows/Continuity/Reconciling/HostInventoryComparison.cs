using System.Globalization;
using Console.Workflows.Common;

namespace Console.Workflows.Continuity.Reconciling;

/// <summary>A machine the console runs for a VNF (or a component moved on its own), as its inventory says it should be.</summary>
/// <param name="ShouldRun">The instance's recorded state: true running, false paused (a stopped instance has no machine).</param>
public sealed record ExpectedMachine(string Name, Guid VnfId, string VnfName, Guid EnvironmentId, bool ShouldRun);

/// <summary>A snapshot file the console wrote and holds.</summary>
public sealed record ExpectedStateFile(Guid SnapshotId, Guid VnfId, Guid EnvironmentId, string Path, long SizeBytes);

/// <summary>
/// A machine seen on a host. <paramref name="UnaccountedTransfer"/> describes an outgoing state stream QEMU reports that
/// the console did not start (null when there is none); <paramref name="Status"/> is QEMU's run state.
/// </summary>
public sealed record ObservedMachine(Guid EnvironmentId, string Host, string Name, int ProcessId, string Status, string? UnaccountedTransfer);

/// <summary>
/// A file of VM memory state seen on a host (its environment) or in the snapshot store (no environment); Plaintext:
/// QEMU's own stream format.
/// </summary>
public sealed record ObservedStateFile(Guid? EnvironmentId, string Host, string Path, long SizeBytes, bool Plaintext);

/// <summary>
/// One difference. <paramref name="Subject"/> names it so that the same difference seen again gives the same
/// <see cref="DriftId"/>, and a new one (another process, another size, another stream) a new id.
/// </summary>
public sealed record HostDifference(HostDriftKind Kind, Guid? VnfId, Guid? EnvironmentId, string Host, string Subject, string Detail)
{
    public Guid DriftId => NameBasedGuid.From("host-drift:" + Subject);

    public HostDriftDetected ToEvent(string by, DateTimeOffset at) => new(DriftId, Kind, VnfId, EnvironmentId, Host, Subject, Detail, by, at);
}

/// <summary>
/// Reconciliation as a pure comparison: what the hosts run and hold against what the console's inventory says they
/// should. Every machine the console did not start, every state stream it did not ask for, every state file it did
/// not write, and every snapshot file or machine that is not as recorded, is a difference naming what differs.
/// </summary>
public static class HostInventoryComparison
{
    public static IReadOnlyList<HostDifference> Compare(
        IReadOnlyList<ExpectedMachine> expectedMachines, IReadOnlyList<ExpectedStateFile> expectedFiles,
        IReadOnlyList<ObservedMachine> observedMachines, IReadOnlyList<ObservedStateFile> observedFiles)
    {
        ArgumentNullException.ThrowIfNull(expectedMachines);
        ArgumentNullException.ThrowIfNull(expectedFiles);
        ArgumentNullException.ThrowIfNull(observedMachines);
        ArgumentNullException.ThrowIfNull(observedFiles);
        var differences = new List<HostDifference>();
        var expectedByName = expectedMachines.ToDictionary(m => m.Name, StringComparer.Ordinal);
        foreach (var seen in observedMachines)
        {
            if (!expectedByName.TryGetValue(seen.Name, out var expected))
            {
                differences.Add(new(HostDriftKind.UnknownMachine, null, seen.EnvironmentId, seen.Host,
                    $"machine:{seen.Host}/{seen.ProcessId}/{seen.Name}",
                    $"Machine '{seen.Name}' (process {seen.ProcessId}) runs on host {seen.Host}, but the console did not start it and its inventory holds no such VM."));
                continue;
            }

            if (seen.UnaccountedTransfer is { } transfer)
                differences.Add(new(HostDriftKind.UnrequestedStateTransfer, expected.VnfId, seen.EnvironmentId, seen.Host,
                    $"transfer:{seen.Name}:{transfer}",
                    $"The state of {expected.VnfName} left its machine '{seen.Name}' on host {seen.Host} without a request ({transfer}): a snapshot or migration was done on the host."));
            if (seen.EnvironmentId != expected.EnvironmentId)
                differences.Add(new(HostDriftKind.PlacementDiffers, expected.VnfId, seen.EnvironmentId, seen.Host,
                    $"placement:{seen.Name}:{seen.EnvironmentId:N}:{expected.EnvironmentId:N}",
                    $"{expected.VnfName}'s machine '{seen.Name}' runs on host {seen.Host}, but the inventory places it in another environment ({expected.EnvironmentId:D})."));
            var paused = seen.Status is "paused" or "postmigrate";
            if (seen.Status == "running" != expected.ShouldRun && (paused || seen.Status == "running"))
                differences.Add(new(HostDriftKind.RunStateDiffers, expected.VnfId, seen.EnvironmentId, seen.Host,
                    $"state:{seen.Name}:{seen.Status}",
                    $"{expected.VnfName}'s machine '{seen.Name}' on host {seen.Host} is {seen.Status}, but its instance is recorded as {(expected.ShouldRun ? "running" : "paused")}."));
        }

        var expectedByPath = expectedFiles.ToDictionary(f => f.Path, StringComparer.Ordinal);
        var seenPaths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in observedFiles)
        {
            seenPaths.Add(file.Path);
            if (!expectedByPath.TryGetValue(file.Path, out var expected))
            {
                var what = file.Plaintext ? "unencrypted memory state of a VM" : "an encrypted VM state file";
                differences.Add(new(HostDriftKind.UnrequestedStateFile, null, file.EnvironmentId, file.Host,
                    // By path alone: a file seen while it is being written grows between rounds.
                    $"file:{file.Path}",
                    string.Create(CultureInfo.InvariantCulture,
                        $"{file.Path} on host {file.Host} holds {what} ({file.SizeBytes} bytes) that no snapshot of the console accounts for: a snapshot taken or copied on the host.")));
            }
            else if (expected.SizeBytes != file.SizeBytes)
            {
                differences.Add(new(HostDriftKind.SnapshotFileChanged, expected.VnfId, expected.EnvironmentId, file.Host,
                    string.Create(CultureInfo.InvariantCulture, $"snapshot:{expected.SnapshotId:N}:{file.Path}:{file.SizeBytes}"),
                    string.Create(CultureInfo.InvariantCulture,
                        $"The file of snapshot {expected.SnapshotId:D}, {file.Path}, is {file.SizeBytes} bytes; the console wrote {expected.SizeBytes}.")));
            }
        }

        foreach (var missing in expectedFiles.Where(f => !seenPaths.Contains(f.Path)))
            differences.Add(new(HostDriftKind.SnapshotFileChanged, missing.VnfId, missing.EnvironmentId, "snapshot store",
                $"snapshot:{missing.SnapshotId:N}:{missing.Path}:missing",
                $"The file of snapshot {missing.SnapshotId:D}, {missing.Path}, is gone from the lab's storage, but the console holds the snapshot."));
        return differences;
    }
}

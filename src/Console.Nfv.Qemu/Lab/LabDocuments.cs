namespace Console.Nfv.Qemu.Lab;

/// <summary>
/// One operation the lab carried out, keyed by the caller's operation id (the primary key): an operation repeated
/// after a crash finds it and returns the first result instead of acting twice.
/// </summary>
public sealed record LabOperation(
    Guid Id, string Kind, Guid VnfId, Guid? TargetEnvironmentId, Guid? SnapshotId, string Detail, DateTimeOffset CompletedAt)
{
    /// <summary>For a migration: the guest's downtime, the bytes sent and the wall time, as QEMU measured them.</summary>
    public long? DowntimeMilliseconds { get; init; }

    public long? TransferredBytes { get; init; }

    public long? TotalMilliseconds { get; init; }
}

/// <summary>A memory snapshot the lab holds: one encrypted file per machine it covered.</summary>
public sealed record LabSnapshotArtefact(
    Guid Id, Guid VnfId, Guid EnvironmentId, string Folder, IReadOnlyList<LabSnapshotFile> Files, string ContentDigest,
    long SizeBytes, DateTimeOffset CreatedAt, DateTimeOffset? DeletedAt);

/// <summary>
/// One machine's state in a snapshot: the file (AES-256-GCM under the data key of the trust domain the machine's
/// components belong to), that key's id and domain (the console unwraps it again for a restore), and the file's digest.
/// </summary>
/// <param name="MachineKey">The VNF (its own machine) or the component moved on its own that the file holds.</param>
public sealed record LabSnapshotFile(
    Guid MachineKey, bool WholeVnf, IReadOnlyList<Guid> ComponentIds, Guid TrustDomainId, string KeyId, string Path, string Digest, long SizeBytes);

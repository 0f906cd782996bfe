namespace Console.Workflows.Snapshots;

/// <summary>Read side of snapshots, for the VNF page and the deletion request form.</summary>
public interface ISnapshotReader
{
    /// <summary>Every snapshot of the VNF, newest first, deleted ones included (their status says so).</summary>
    Task<IReadOnlyList<Snapshot>> ListForVnfAsync(Guid vnfId, CancellationToken ct = default);

    Task<Snapshot?> GetAsync(Guid snapshotId, CancellationToken ct = default);
}

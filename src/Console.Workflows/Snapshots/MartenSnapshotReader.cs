using Marten;

namespace Console.Workflows.Snapshots;

/// <summary>Reads the inline <see cref="Snapshot"/> documents.</summary>
public sealed class MartenSnapshotReader(IQuerySession session) : ISnapshotReader
{
    public async Task<IReadOnlyList<Snapshot>> ListForVnfAsync(Guid vnfId, CancellationToken ct = default) =>
        await session.Query<Snapshot>()
            .Where(x => x.VnfId == vnfId)
            .OrderByDescending(x => x.CompletedAt)
            .ToListAsync(ct);

    public Task<Snapshot?> GetAsync(Guid snapshotId, CancellationToken ct = default) =>
        session.LoadAsync<Snapshot>(snapshotId, ct);
}

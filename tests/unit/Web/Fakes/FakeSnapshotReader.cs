using Console.Workflows.Snapshots;

namespace Console.UnitTests.Web.Fakes;

/// <summary>Snapshots held in a list, read newest first like the real reader.</summary>
public sealed class FakeSnapshotReader : ISnapshotReader
{
    public List<Snapshot> Snapshots { get; } = [];

    public Task<IReadOnlyList<Snapshot>> ListForVnfAsync(Guid vnfId, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<Snapshot>>([.. Snapshots.Where(s => s.VnfId == vnfId).OrderByDescending(s => s.CompletedAt)]);

    public Task<Snapshot?> GetAsync(Guid snapshotId, CancellationToken ct = default) =>
        Task.FromResult(Snapshots.FirstOrDefault(s => s.Id == snapshotId));
}

using Console.Workflows.Inventory;
using Console.Workflows.Nfv;
using Console.Workflows.Policy;
using Console.Workflows.Snapshots;
using Console.Workflows.Snapshots.Protecting;
using Console.Workflows.Snapshots.Retention;

namespace Console.Workflows.Requests.Executing;

/// <summary>
/// Takes a snapshot: one data key per trust domain before it is taken, and its retention and signed manifest recorded
/// with the snapshot itself.
/// </summary>
internal sealed class SnapshotExecution(INfvInfrastructure infrastructure, SnapshotServices snapshots, ContinuityServices states) : IKindExecution
{
    public async Task<KindOperated> OperateAsync(ExecutionRun run, CancellationToken ct)
    {
        var (request, content) = (run.Request, run.Request.Content);
        var snapshotId = ExecutionDecider.SnapshotIdFor(request.Id);
        var components = ExecutionDecider.ComponentsOf(request, run.Vnf ?? throw new InvalidOperationException("A snapshot has a VNF."));
        // The snapshot's manifest records the epoch of the state it holds.
        await states.Continuity.EnsureEstablishedAsync(content.VnfId, ct);
        SnapshotArtefact artefact;
        IReadOnlyList<ManifestKey> snapshotKeys;
        using (var dataKeys = await SnapshotProtection.CreateDataKeysAsync(snapshots.Keys, snapshotId, components, ct))
        {
            artefact = await infrastructure.TakeSnapshotAsync(new SnapshotOrder(
                run.OperationId, snapshotId, content.VnfId, content.ComponentIds, content.SourceEnvironmentId, dataKeys.Parts), ct);
            snapshotKeys = dataKeys.Keys;
        }

        var result = $"Snapshot {artefact.SnapshotId:D} stored at {artefact.Location} ({artefact.SizeBytes / (1024 * 1024)} MiB), "
            + $"encrypted with {snapshotKeys.Count} data key(s), one per trust domain.";
        return new KindOperated(result)
        {
            Record = async (session, current, now, token) =>
            {
                var currentVnf = await session.LoadAsync<Vnf>(content.VnfId, token)
                    ?? throw new InfrastructureException("The VNF disappeared from the inventory while its snapshot was taken.");
                var policy = await session.LoadAsync<ApprovalPolicy>(ApprovalPolicy.StreamId, token)
                    ?? throw new InvalidOperationException("No approval policy is in force.");
                var taken = ExecutionDecider.SnapshotTakenEvent(current, currentVnf, artefact, now);
                var epoch = await SnapshotProtection.StateEpochAsync(session, currentVnf.Id, token);
                // One transaction: the snapshot never exists without its expiry and its signed manifest.
                session.Events.StartStream<Snapshot>(artefact.SnapshotId,
                    taken,
                    RetentionRules.Assign(taken, policy, ExecutionDecider.By, now),
                    SnapshotProtection.Protect(taken, epoch, snapshotKeys, snapshots.Signer, now));
            },
        };
    }
}

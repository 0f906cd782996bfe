using Console.Workflows.Common;
using Console.Workflows.Snapshots;
using Console.Workflows.Snapshots.Sweeping;

namespace Console.Workflows.Requests.Executing;

/// <summary>
/// Deletes a snapshot securely: claims it (a pin, hold or sweep may get there first), destroys its data keys, and
/// records the receipt on the snapshot with the completion.
/// </summary>
internal sealed class SnapshotDeletionExecution(SnapshotServices snapshots, TimeProvider time) : IKindExecution
{
    public async Task<KindOperated> OperateAsync(ExecutionRun run, CancellationToken ct)
    {
        var request = run.Request;
        var snapshotId = request.Content.SnapshotId ?? throw new InvalidOperationException("A deletion names its snapshot.");
        // A pin, hold or sweep landing at the same moment moves the stream on: judge the fresh state again.
        Snapshot? claimed = null;
        Refusal? refusal = null;
        for (var round = 0; round < 3 && claimed is null; round++)
        {
            (claimed, refusal) = await snapshots.Deletion.ClaimAsync(snapshotId, s => DeletionDecider.StartByRequest(
                s, request.Id, $"Deletion request {request.Id:D}: {request.Justification}", ExecutionDecider.By, time.GetUtcNow()), ct);
            if (refusal?.Message != SnapshotGuards.ConflictMessage)
                break;
        }

        // Gone already (expired and swept while the request waited): the request's aim is met.
        if (refusal is { Kind: RefusalKind.NotFound })
            return new KindOperated(refusal.Message + " Nothing was left to delete.");

        if (claimed is null)
            throw new ExecutionRefusedException("The snapshot cannot be deleted: " + refusal?.Message);
        var receipt = await snapshots.Deletion.CarryOutAsync(claimed, ExecutionDecider.By, ct);
        return new KindOperated($"Snapshot deleted: {receipt.DestroyedKeyIds?.Count ?? 0} data key(s) destroyed; {receipt.InfrastructureDetail}")
        {
            Record = async (session, _, now, token) =>
            {
                var snapshotStream = await session.Events.FetchForWriting<Snapshot>(snapshotId, token);
                if (snapshotStream.Aggregate is { Status: SnapshotStatus.Available })
                    snapshotStream.AppendOne(receipt with { At = now });
            },
        };
    }
}

using Console.Workflows.Common;
using Console.Workflows.Keys;
using Console.Workflows.Nfv;
using Console.Workflows.Requests;
using Marten;
using Microsoft.Extensions.Logging;

namespace Console.Workflows.Snapshots.Sweeping;

/// <summary>
/// Deletes a snapshot securely, in three steps each safe to repeat: begin (claim it with optimistic concurrency, so
/// exactly one deleter proceeds), carry out (destroy its data keys, then have the infrastructure delete the artefact
/// under the snapshot's one operation id), record the receipt. A deleter that stops halfway leaves the claim; its
/// message (the sweep's <see cref="DeleteDueSnapshot"/>, or the request's execution) is handled again and finishes it,
/// and so would the next sweep. Carrying out is one deleter's turn at a time.
/// </summary>
public sealed class SecureDeletion(
    IDocumentStore store, IKeyStore keys, INfvInfrastructure infrastructure, TimeProvider time, ILogger<SecureDeletion> logger)
{
    /// <summary>
    /// Runs <paramref name="decide"/> on the current state and appends what it decides against that state's version.
    /// Returns the claimed snapshot (also when the deletion had begun before), or why not.
    /// </summary>
    public async Task<(Snapshot? Claimed, Refusal? Refusal)> ClaimAsync(Guid snapshotId, Func<Snapshot, Decision> decide, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(decide);
        await using var session = store.LightweightSession();
        var stream = await session.Events.FetchForWriting<Snapshot>(snapshotId, ct);
        // Judged on what the snapshot's events say, not on the stored document the fetch starts from: the events are
        // the hash-chained record, while a document row is a copy that whoever can write the table could change (lift
        // a legal hold, back-date the expiry, point the keys elsewhere) to have evidence crypto-shredded.
        if (stream.Aggregate is null
            || await session.Events.AggregateStreamAsync<Snapshot>(snapshotId, token: ct) is not { } snapshot)
            return (null, Refusal.Because("This snapshot does not exist.", RefusalKind.NotFound));

        var decision = decide(snapshot);
        if (decision.Refusal is { } refusal)
            return (null, refusal);
        if (decision.Events.Count == 0)
            return snapshot.Deletion is null
                ? (null, Refusal.Because("Nothing to delete.", RefusalKind.Conflict))
                : (snapshot, null);

        stream.AppendMany(decision.Events);
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception ex) when (Concurrency.LostRace(ex))
        {
            return (null, Refusal.Because(SnapshotGuards.ConflictMessage, RefusalKind.Conflict));
        }

        return (snapshot.Apply((SnapshotDeletionStarted)decision.Events[0]), null);
    }

    /// <summary>
    /// Destroys the data keys (crypto-shredding), then deletes the artefact; returns the receipt to record. Waits while
    /// another deleter carries the same snapshot out (see <see cref="TryCarryOutAsync"/>), then repeats what it did, which
    /// is safe: the key store and the infrastructure answer a repeated deletion with what the first one did.
    /// </summary>
    public Task<SnapshotDeleted> CarryOutAsync(Snapshot claimed, string by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        return StreamTurn.TakeAsync(store, claimed.Id, (_, _) => DestroyAndDeleteAsync(claimed, by, ct), ct);
    }

    /// <summary>
    /// As <see cref="CarryOutAsync"/>, but null at once when another deleter is carrying this snapshot out right now.
    /// Only one deleter at a time carries a snapshot out: each works in the snapshot stream's <see cref="StreamTurn"/>.
    /// Two at once would both run the infrastructure's deletion (the journal of the crash campaign counts that as an
    /// operation performed twice); the turn of a node that dies goes with its connection, so the deleter that takes the
    /// work over is never kept out.
    /// </summary>
    public async Task<SnapshotDeleted?> TryCarryOutAsync(Snapshot claimed, string by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        var (taken, receipt) = await StreamTurn.TryTakeAsync(store, claimed.Id, (_, _) => DestroyAndDeleteAsync(claimed, by, ct), ct);
        return taken ? receipt : null;
    }

    private async Task<SnapshotDeleted> DestroyAndDeleteAsync(Snapshot claimed, string by, CancellationToken ct)
    {
        var deletion = claimed.Deletion ?? throw new InvalidOperationException($"Deletion of snapshot {claimed.Id} was not begun.");
        var destroyed = new List<KeyDestruction>();
        foreach (var key in claimed.Keys)
        {
            var result = await keys.DestroyAsync(key.KeyId, ct);
            if (!result.Existed)
                logger.LogWarning("Data key {KeyId} of snapshot {SnapshotId} was not in the key store", key.KeyId, claimed.Id);
            destroyed.Add(result);
        }

        var receipt = await infrastructure.DeleteSnapshotAsync(new SnapshotDeletionOrder(deletion.OperationId, claimed.Id), ct);
        return DeletionDecider.Receipt(claimed, destroyed, receipt, by, time.GetUtcNow());
    }

    /// <summary>Appends the receipt unless the snapshot is already deleted. True when this call recorded it.</summary>
    public async Task<bool> RecordAsync(SnapshotDeleted receipt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession();
            var stream = await session.Events.FetchForWriting<Snapshot>(receipt.SnapshotId, ct);
            if (stream.Aggregate is not { Status: SnapshotStatus.Available })
                return false;
            stream.AppendOne(receipt);
            try
            {
                await session.SaveChangesAsync(ct);
                return true;
            }
            catch (Exception ex) when (Concurrency.LostRace(ex) && attempt < 5)
            {
                // Another writer moved the stream on (a retention change, or another deleter's receipt): look again.
            }
        }
    }

    /// <summary>
    /// Claim, carry out and record in one go; what happened, for the sweep's report. Leaves the snapshot to the deleter
    /// that is carrying it out right now, if any.
    /// </summary>
    public async Task<DeletionOutcome> DeleteAsync(Guid snapshotId, Func<Snapshot, Decision> decide, string by, CancellationToken ct)
    {
        var (claimed, refusal) = await ClaimAsync(snapshotId, decide, ct);
        if (claimed is null)
            return new DeletionOutcome(snapshotId, false, refusal?.Message);
        if (await TryCarryOutAsync(claimed, by, ct) is not { } receipt)
            return new DeletionOutcome(snapshotId, false, "Another deleter is carrying this deletion out.");
        var recorded = await RecordAsync(receipt, ct);
        if (recorded)
            logger.LogInformation(
                "Snapshot {SnapshotId} deleted ({Trigger}): keys {KeyIds} destroyed, {Detail}",
                snapshotId, receipt.Trigger, string.Join(",", receipt.DestroyedKeyIds ?? []), receipt.InfrastructureDetail);
        return new DeletionOutcome(snapshotId, recorded, recorded ? null : "Another deleter recorded the receipt first.");
    }
}

/// <param name="Failed">The infrastructure or the key store failed; the next sweep tries again.</param>
public sealed record DeletionOutcome(Guid SnapshotId, bool Deleted, string? Why, bool Failed = false);

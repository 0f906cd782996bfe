using Console.Workflows.Policy;
using Marten;
using Microsoft.Extensions.Logging;

namespace Console.Workflows.Snapshots.Retention;

/// <summary>A policy revision came into force: bring every available snapshot's expiry in line with it.</summary>
public sealed record ReassignRetention(int PolicyRevision);

/// <summary>
/// Reacts to <see cref="PolicyRevised"/> (relayed from the event store by a durable subscription) by re-computing the
/// expiry of every available snapshot under the policy in force now, in batches ordered by id, appending
/// <see cref="RetentionAssigned"/> only where the expiry or the governing sensitivity changes. Safe to run twice: a
/// second run finds nothing to change. Snapshots taken before retention existed get their first expiry here.
/// </summary>
public static class ReassignRetentionHandler
{
    public const string By = "system:retention-policy";
    public const int BatchSize = 500;

    public static async Task Handle(
        ReassignRetention message, IDocumentStore store, TimeProvider time, ILogger<ReassignRetention> logger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        var changed = 0;
        var after = Guid.Empty;
        while (true)
        {
            await using var session = store.LightweightSession();
            // The policy in force now, not the one the message names: a late or repeated message never undoes a newer revision.
            var policy = await session.LoadAsync<ApprovalPolicy>(ApprovalPolicy.StreamId, ct);
            if (policy is null)
                return;

            // Keyset paging on the primary key: stable while snapshots are taken and deleted meanwhile.
            var batch = await session.QueryAsync<Snapshot>("where id > ? order by id limit ?", ct, after, BatchSize);
            if (batch.Count == 0)
                break;

            var now = time.GetUtcNow();
            foreach (var snapshot in batch.Where(s => s.Status == SnapshotStatus.Available))
            {
                if (RetentionRules.Reassign(snapshot, policy, By, now) is { } assigned)
                {
                    session.Events.Append(snapshot.Id, assigned);
                    changed++;
                }
            }

            await session.SaveChangesAsync(ct);
            after = batch[^1].Id;
        }

        if (changed > 0)
            logger.LogInformation("Policy revision {Revision}: retention of {Count} snapshots re-assigned", message.PolicyRevision, changed);
    }
}

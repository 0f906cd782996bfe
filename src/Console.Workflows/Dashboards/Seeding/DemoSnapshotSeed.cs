using System.Security.Cryptography;
using System.Text;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.Seeding;
using Console.Workflows.Policy;
using Console.Workflows.Snapshots;
using Marten;

namespace Console.Workflows.Dashboards.Seeding;

/// <summary>
/// A few weeks of snapshot history for the demo inventory, so the dashboards have something to show on a first start:
/// snapshots of different ages and sensitivities, some expiring within a day or a week, some deleted by the retention
/// sweep (with their receipts), one pinned and one under legal hold past its expiry, one marked no longer needed.
/// Written once, as the snapshot lifecycle writes its events; retention follows the policy in force. Nothing in it is
/// overdue: everything past its maximum age is either deleted or kept for a stated reason.
/// </summary>
public static class DemoSnapshotSeed
{
    public const string ActorId = "system:seed";

    /// <summary>Hours before now at which each VNF's snapshots completed, newest first (cycled over the demo VNFs).</summary>
    private static readonly int[][] Histories =
    [
        [5, 50, 170, 500],
        [30, 200],
        [70, 340, 700],
        [2, 120],
        [100, 400],
        [20, 160, 360],
        [300],
    ];

    /// <param name="storeArtefact">Stores the infrastructure's artefact of each seeded snapshot in the same transaction
    /// (the simulator's, given by the host; null when the infrastructure keeps nothing the console writes).</param>
    public static async Task<bool> EnsureSeededAsync(
        IDocumentStore store, TimeProvider time, Action<IDocumentSession, SnapshotTaken, DateTimeOffset?>? storeArtefact, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        await using var session = store.LightweightSession();
        if (await session.Query<Snapshot>().AnyAsync(ct) || !await session.Query<Vnf>().AnyAsync(ct))
            return false;

        var now = time.GetUtcNow();
        var policy = (await session.LoadAsync<ApprovalPolicy>(ApprovalPolicy.StreamId, ct))?.Document ?? DefaultPolicy.Document;
        var revision = (await session.LoadAsync<ApprovalPolicy>(ApprovalPolicy.StreamId, ct))?.Revision ?? 1;
        var vnfs = InventorySeed.Vnfs.Take(21).ToList();
        for (var v = 0; v < vnfs.Count; v++)
        {
            var (vnfName, _, _, _, environment, components) = vnfs[v];
            var vnfId = InventorySeed.VnfId(vnfName);
            var history = Histories[v % Histories.Length];
            for (var n = 0; n < history.Length; n++)
            {
                var id = NameBasedGuid.From($"demo-snapshot/{vnfName}/{n}");
                var completed = now.AddHours(-history[n]).AddMinutes(-(v * 7) % 50);
                var parts = components
                    .Select(c => new SnapshotComponent(InventorySeed.ComponentId(vnfName, c.Name), c.Name, c.Sensitivity, InventorySeed.TrustDomainId(c.TrustDomain)))
                    .ToList();
                // The strictest sensitivity (shortest maximum age) governs the snapshot's retention.
                var governing = parts.Select(p => policy.RuleFor(p.Sensitivity)).OrderBy(r => r.MaxSnapshotAge).First();
                var expires = completed + governing.MaxSnapshotAge;
                var location = $"sim://{Slug(environment)}/snapshots/{id:N}";
                var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(location)));
                var size = 2_000_000_000L + (v * 97_000_000L) + (n * 13_000_000L);
                var taken = new SnapshotTaken(id, vnfId, vnfName, parts, NameBasedGuid.From($"demo-snapshot-request/{vnfName}/{n}"),
                    InventorySeed.EnvironmentId(environment), location, digest, size, "olivia.operator", ["anna.approver"],
                    "system:execution", completed);
                var events = new List<object>
                {
                    taken,
                    new RetentionAssigned(id, expires, governing.Sensitivity, revision, "system:retention", completed),
                };

                var newest = n == 0;
                var deletedAt = (DateTimeOffset?)null;
                if (vnfName == "udm-fra-01" && n == 1)
                {
                    events.Add(new LegalHoldPlaced(id, "Lawful request LR-2026-031: keep subscriber data path state", null, "sam.security", completed.AddHours(6)));
                }
                else if (vnfName == "smf-fra-01" && n == 1)
                {
                    events.Add(new SnapshotPinned(id, "Vendor ticket ERI-88231 needs the pre-patch state", now.AddDays(5), "olivia.operator", completed.AddHours(2)));
                }
                else if (vnfName == "pcf-fra-01" && n == 1)
                {
                    deletedAt = completed.AddHours(30);
                    events.Add(new SnapshotMarkedNotNeeded(id, "Rollback window of the 1.12 upgrade closed", "olivia.operator", completed.AddHours(29)));
                    events.Add(Deleted(id, location, deletedAt.Value, DeletionTrigger.NotNeeded, "Marked no longer needed"));
                }
                else if (!newest && expires <= now)
                {
                    // The sweep deleted it a few minutes after it expired; the newest one stays as the last good snapshot.
                    deletedAt = expires.AddMinutes(3);
                    events.Add(Deleted(id, location, deletedAt.Value, DeletionTrigger.Expired, "Past its maximum age"));
                }

                session.Events.StartStream<Snapshot>(id, events);
                storeArtefact?.Invoke(session, taken, deletedAt);
            }
        }

        try
        {
            await session.SaveChangesAsync(ct);
            return true;
        }
        catch (Exception ex) when (ex is JasperFx.Events.ExistingStreamIdCollisionException or Marten.Exceptions.ExistingStreamIdCollisionException)
        {
            // Another node seeded at the same moment; its seed is identical.
            return false;
        }
    }

    private static SnapshotDeleted Deleted(Guid id, string location, DateTimeOffset at, DeletionTrigger trigger, string reason) =>
        new(id, Guid.Empty, reason, "system:retention", at, trigger,
            [$"dek-{id:N}-1"], location, $"Artefact {location} deleted.");

    private static string Slug(string name) =>
        new([.. name.ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) ? c : '-')]);
}

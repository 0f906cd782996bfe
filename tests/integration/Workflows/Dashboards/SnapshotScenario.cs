using Console.Workflows.Dashboards;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;
using Console.Workflows.Snapshots;
using Marten;

namespace Console.IntegrationTests.Workflows.Dashboards;

/// <summary>
/// Random but repeatable snapshot histories around a fixed moment: completions spread over 45 days (some right at the
/// age-bucket and hour boundaries), expiries from the default maximum ages, pins and legal holds that lapse or not,
/// releases, "no longer needed", deletions, and policy revisions that reassign retention. Events come in batches, as
/// several transactions would append them.
/// </summary>
internal static class SnapshotScenario
{
    public static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 34, 56, 789, TimeSpan.Zero);

    public static readonly Guid[] Domains =
    [
        Guid.Parse("d0000000-0000-4000-8000-000000000001"),
        Guid.Parse("d0000000-0000-4000-8000-000000000002"),
        Guid.Parse("d0000000-0000-4000-8000-000000000003"),
    ];

    public static TimeSpan MaxAge(Sensitivity s) => s switch
    {
        Sensitivity.Public => TimeSpan.FromDays(30),
        Sensitivity.Internal => TimeSpan.FromDays(14),
        Sensitivity.Sensitive => TimeSpan.FromDays(7),
        _ => TimeSpan.FromDays(3),
    };

    /// <summary>Batches of (stream, event) in append order.</summary>
    public static List<List<(Guid Stream, object Event)>> Generate(int seed, int vnfCount, int snapshotCount)
    {
        var rng = new Random(seed);
        var vnfs = Enumerable.Range(0, vnfCount).Select(i => Guid.Parse($"f{seed % 10:0}{i:000000}-0000-4000-8000-000000000000")).ToArray();
        var creation = new List<(DateTimeOffset CompletedAt, List<(Guid Stream, object Event)> Events)>();
        var later = new List<(Guid Stream, object Event)>();
        var boundaries = DashboardRules.AgeBucketStarts.Skip(1).Select(b => Now - b).ToArray();

        for (var i = 0; i < snapshotCount; i++)
        {
            var id = Guid.Parse($"5{seed % 10:0}{i:000000}-0000-4000-8000-{rng.Next():x12}");
            var vnf = vnfs[rng.Next(vnfs.Length)];
            // Unique completions (the last good snapshot is the newest): a millisecond offset per snapshot.
            var completed = (rng.Next(10) switch
            {
                0 => boundaries[rng.Next(boundaries.Length)] + TimeSpan.FromSeconds(rng.Next(-90, 90)),
                1 => DashboardRules.NextHourAfter(Now.AddHours(-rng.Next(1, 1000))),
                2 => Now.AddMinutes(rng.Next(-120, 10)),
                _ => Now - TimeSpan.FromMinutes(rng.Next(0, 45 * 24 * 60)),
            }).AddMilliseconds(i);
            var components = Enumerable.Range(0, rng.Next(1, 4))
                .Select(c => new SnapshotComponent(Guid.NewGuid(), $"c{c}", (Sensitivity)rng.Next(4), Domains[rng.Next(Domains.Length)]))
                .ToList();
            var governing = components.Max(c => c.Sensitivity);
            var first = new List<(Guid Stream, object Event)>
            {
                (id, new SnapshotTaken(id, vnf, $"vnf-{vnf.ToString()[..8]}", components, Guid.NewGuid(), Guid.NewGuid(),
                    $"sim://x/{id:N}", "sha256:00", 1024, "olli.operator", ["anna.approver"], "system:execution", completed)),
            };
            creation.Add((completed, first));
            if (rng.Next(10) > 0)
            {
                var expires = completed + MaxAge(governing);
                if (rng.Next(8) == 0)
                    expires = Now + TimeSpan.FromSeconds(rng.Next(-3600, 8 * 24 * 3600)); // close to the windows' edges
                first.Add((id, new RetentionAssigned(id, expires, governing, 1, "system:retention", completed)));
            }

            if (rng.Next(6) == 0)
            {
                DateTimeOffset? until = rng.Next(3) switch { 0 => null, 1 => Now.AddHours(-rng.Next(1, 200)), _ => Now.AddHours(rng.Next(1, 200)) };
                later.Add((id, new SnapshotPinned(id, "Needed for the vendor case", until, "olli.operator", completed.AddHours(1))));
                if (rng.Next(4) == 0)
                    later.Add((id, new SnapshotUnpinned(id, "Vendor case closed", "olli.operator", Now.AddMinutes(-rng.Next(1, 600)))));
            }

            if (rng.Next(8) == 0)
            {
                DateTimeOffset? until = rng.Next(3) switch { 0 => null, 1 => Now.AddHours(-rng.Next(1, 200)), _ => Now.AddDays(rng.Next(1, 60)) };
                later.Add((id, new LegalHoldPlaced(id, "Investigation 2026-17", until, "sam.security", completed.AddHours(2))));
                if (rng.Next(4) == 0)
                    later.Add((id, new LegalHoldReleased(id, "Investigation closed", "sam.security", Now.AddMinutes(-rng.Next(1, 3000)))));
            }

            if (rng.Next(10) == 0)
                later.Add((id, new SnapshotMarkedNotNeeded(id, "Superseded by the upgrade", "olli.operator", Now.AddMinutes(-rng.Next(0, 5000)))));
            if (rng.Next(12) == 0)
                later.Add((id, new RetentionAssigned(id, completed + MaxAge(governing) / 2, governing, 2, "system:retention", Now.AddDays(-1))));
            if (rng.Next(5) == 0)
            {
                later.Add((id, new SnapshotDeleted(id, Guid.Empty, "Expired", "system:retention", completed + MaxAge(governing),
                    (DeletionTrigger)rng.Next(3), ["key-1"], $"sim://x/{id:N}", "deleted")));
            }
        }

        // Creation in completion order (mostly how snapshots arrive), the rest shuffled: holds, releases and deletions
        // of different snapshots interleave, but each snapshot's own events keep their order.
        var batches = new List<List<(Guid, object)>>();
        batches.AddRange(creation.OrderBy(c => c.CompletedAt).SelectMany(c => c.Events).Chunk(60).Select(c => c.ToList()));
        var shuffled = later.Select((e, index) => (e, key: rng.Next(), index)).GroupBy(x => x.e.Stream)
            .SelectMany(g => g.OrderBy(x => x.index).Select((x, n) => (x.e, key: g.First().key + n)))
            .OrderBy(x => x.key).Select(x => x.e).ToList();
        batches.AddRange(shuffled.Chunk(60).Select(c => c.ToList()));
        return batches;
    }

    /// <summary>Revises the policy, when needed, so that it keeps (or not) each VNF's last good snapshot.</summary>
    public static async Task WithKeepLastGoodAsync(IDocumentStore store, bool keepLastGood, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var current = await session.LoadAsync<ApprovalPolicy>(ApprovalPolicy.StreamId, ct);
        if (current?.Document.KeepLastGoodSnapshot == keepLastGood)
            return;
        var revision = (current?.Revision ?? 0) + 1;
        session.Events.Append(ApprovalPolicy.StreamId, new PolicyRevised(ApprovalPolicy.StreamId, revision,
            DefaultPolicy.Document with { KeepLastGoodSnapshot = keepLastGood }, "test", "admin", Now));
        await session.SaveChangesAsync(ct);
    }

    /// <summary>Appends a generated history through Marten, batch by batch, and folds every event into <paramref name="world"/>.</summary>
    public static async Task AppendAsync(IDocumentStore store, SnapshotWorld world, int seed, int vnfCount, int snapshotCount)
    {
        foreach (var batch in Generate(seed, vnfCount, snapshotCount))
        {
            await using var session = store.LightweightSession();
            foreach (var (stream, e) in batch)
            {
                if (e is SnapshotTaken)
                    session.Events.StartStream<Snapshot>(stream, e);
                else
                    session.Events.Append(stream, e);
                world.Apply(e);
            }

            await session.SaveChangesAsync();
        }
    }
}

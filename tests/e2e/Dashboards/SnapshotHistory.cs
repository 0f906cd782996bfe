using System.Text.Json;
using Console.E2ETests.Infrastructure;
using Console.Workflows;
using Console.Workflows.Dashboards;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;
using Console.Workflows.Snapshots;
using Console.Workflows.Snapshots.Retention;
using JasperFx;
using Marten;
using Npgsql;

namespace Console.E2ETests.Dashboards;

/// <summary>
/// Snapshot history in the console's database, for the dashboard tests: appending snapshot events through Marten as
/// the snapshot lifecycle does (so the console's own projections run), and reading every snapshot back from the raw
/// events, independently of the dashboard's tables, to compute what the dashboard must show.
/// </summary>
internal static class SnapshotHistory
{
    /// <summary>
    /// A snapshot to seed. Its expiry is not chosen by the test: it is the policy's, as the execution assigns it, so a
    /// policy revision elsewhere in the run (which re-assigns every snapshot's retention, asynchronously) leaves it as it is.
    /// </summary>
    public sealed record Seeded(Guid Id, string Vnf, DateTimeOffset CompletedAt, bool LegalHold = false);

    /// <summary>A snapshot as the events tell it: enough to judge it with the retention rule.</summary>
    public sealed record Snapshot(
        Guid Id, Guid VnfId, DateTimeOffset CompletedAt, Sensitivity Governing, IReadOnlyList<(Guid Domain, Sensitivity Sensitivity)> Parts,
        bool Deleted, DateTimeOffset? ExpiresAt, DateTimeOffset? NotNeededAt, Hold? Pin, Hold? LegalHold, DateTimeOffset? ReleasedAt);

    public static async Task SeedAsync(ConsoleApp app, IEnumerable<Seeded> snapshots)
    {
        await using var store = DocumentStore.For(o =>
        {
            o.ConfigureConsoleStore(app.ConnectionString);
            o.AutoCreateSchemaObjects = AutoCreate.None;
        });
        await using var session = store.LightweightSession();
        var policy = await session.LoadAsync<ApprovalPolicy>(ApprovalPolicy.StreamId) ?? throw new InvalidOperationException("No policy.");
        foreach (var s in snapshots)
        {
            var vnf = await SeededInventory.VnfAsync(app, s.Vnf);
            var doc = await session.LoadAsync<Vnf>(vnf.Id) ?? throw new InvalidOperationException($"No VNF {s.Vnf}.");
            var components = doc.Components.Select(c => new SnapshotComponent(c.Id, c.Name, c.Sensitivity, c.TrustDomainId)).ToList();
            var (expiresAt, governing) = RetentionRules.Expiry(components, s.CompletedAt, policy.Document);
            var events = new List<object>
            {
                new SnapshotTaken(s.Id, vnf.Id, s.Vnf, components, Guid.NewGuid(), doc.EnvironmentId, $"sim://e2e/{s.Id:N}", "sha256:e2e",
                    1_000_000, "olivia.operator", ["anna.approver"], "system:execution", s.CompletedAt),
                new RetentionAssigned(s.Id, expiresAt, governing, policy.Revision, "system:retention", s.CompletedAt),
            };
            if (s.LegalHold)
                events.Add(new LegalHoldPlaced(s.Id, "e2e: keep for the audit", null, "sam.security", s.CompletedAt.AddHours(1)));
            session.Events.StartStream<Console.Workflows.Snapshots.Snapshot>(s.Id, events);
        }

        await session.SaveChangesAsync();
    }

    /// <summary>Every snapshot, folded from its events in the order they were appended.</summary>
    public static async Task<IReadOnlyList<Snapshot>> ReadAsync(ConsoleApp app)
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            select stream_id, type, data::text from mt_events
            where type in ('snapshot_taken', 'retention_assigned', 'snapshot_pinned', 'snapshot_unpinned', 'legal_hold_placed',
                           'legal_hold_released', 'snapshot_marked_not_needed', 'snapshot_deleted')
            order by seq_id
            """, conn);
        var snapshots = new Dictionary<Guid, Snapshot>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var id = reader.GetGuid(0);
            using var json = JsonDocument.Parse(reader.GetString(2));
            var e = json.RootElement;
            DateTimeOffset At(string name) => e.GetProperty(name).GetDateTimeOffset();
            DateTimeOffset? Maybe(string name) => e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.GetDateTimeOffset() : null;
            Hold HoldOf() => new(e.GetProperty("Reason").GetString()!, Maybe("Until"), e.GetProperty("By").GetString()!, At("At"));
            switch (reader.GetString(1))
            {
                case "snapshot_taken":
                    var parts = e.GetProperty("Components").EnumerateArray()
                        .Select(c => (c.GetProperty("TrustDomainId").GetGuid(), Enum.Parse<Sensitivity>(c.GetProperty("Sensitivity").GetString()!)))
                        .Distinct().ToList();
                    snapshots[id] = new Snapshot(id, e.GetProperty("VnfId").GetGuid(), At("At"), parts.Max(p => p.Item2), parts,
                        false, null, null, null, null, null);
                    break;
                case "retention_assigned":
                    snapshots[id] = snapshots[id] with
                    {
                        ExpiresAt = At("ExpiresAt"),
                        Governing = Enum.Parse<Sensitivity>(e.GetProperty("GoverningSensitivity").GetString()!),
                    };
                    break;
                case "snapshot_pinned":
                    snapshots[id] = snapshots[id] with { Pin = HoldOf() };
                    break;
                case "legal_hold_placed":
                    snapshots[id] = snapshots[id] with { LegalHold = HoldOf() };
                    break;
                case "snapshot_unpinned":
                    snapshots[id] = snapshots[id] with { Pin = null, ReleasedAt = At("At") };
                    break;
                case "legal_hold_released":
                    snapshots[id] = snapshots[id] with { LegalHold = null, ReleasedAt = At("At") };
                    break;
                case "snapshot_marked_not_needed":
                    snapshots[id] = snapshots[id] with { NotNeededAt = snapshots[id].NotNeededAt ?? At("At") };
                    break;
                case "snapshot_deleted":
                    snapshots[id] = snapshots[id] with { Deleted = true };
                    break;
            }
        }

        return [.. snapshots.Values];
    }

    /// <summary>
    /// The retention facts of each snapshot: the last good one of a VNF is its newest available snapshot, and an older
    /// one stopped being it when the next newer available one completed.
    /// </summary>
    public static IReadOnlyDictionary<Guid, RetentionFacts> Facts(IReadOnlyList<Snapshot> snapshots) =>
        snapshots.ToDictionary(s => s.Id, s =>
        {
            var newer = snapshots.Where(o => o.VnfId == s.VnfId && !o.Deleted && o.CompletedAt > s.CompletedAt).ToList();
            return new RetentionFacts(s.CompletedAt, !s.Deleted, s.ExpiresAt, s.NotNeededAt, s.Pin, s.LegalHold, s.ReleasedAt,
                IsLastGood: !s.Deleted && newer.Count == 0,
                SupersededAt: newer.Count == 0 ? null : newer.Min(o => o.CompletedAt));
        });

    /// <summary>Pending requests' submission times, from the request documents.</summary>
    public static async Task<IReadOnlyList<DateTimeOffset>> PendingSubmissionsAsync(ConsoleApp app)
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select data ->> 'SubmittedAt' from mt_doc_changerequest where data ->> 'Status' = 'PendingApproval'", conn);
        var result = new List<DateTimeOffset>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            result.Add(DateTimeOffset.Parse(reader.GetString(0), System.Globalization.CultureInfo.InvariantCulture));
        return result;
    }
}

using Console.Workflows.Snapshots;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace Console.Workflows.Dashboards.Projections;

/// <summary>
/// Keeps <c>dash_snapshot</c> and its counter tables in step with the snapshot streams, inline (in the transaction
/// that appends the events). An <see cref="EventProjection"/> writing SQL, not a document projection: the figures are
/// aggregates over up to a million snapshots, which need flat rows with partial indexes and counters, and the counters
/// need the row's previous values. Every change is therefore "take the row's contribution out of the counters, change
/// the row, put its contribution back", all in the same batch, so the counters always equal a recount
/// (<see cref="DashboardTables.RecountSql"/>) and replaying an event changes nothing. Snapshot events are rare (a few
/// per snapshot), so the extra statements cost the workflow nothing it would notice.
/// </summary>
public sealed partial class SnapshotDashboardProjection : EventProjection
{
    private readonly DashboardTables _tables;
    private readonly string _contribute;
    private readonly string _refreshLastGood;
    private readonly string _unclassify;
    private readonly string _unclassifyLastGood;

    public SnapshotDashboardProjection(DashboardTables tables)
    {
        _tables = tables;
        Name = ProjectionName;
        foreach (var table in tables.Build().Where(t => t.Identifier.Name.StartsWith("dash_snapshot", StringComparison.Ordinal)
                     || t.Identifier.Name.StartsWith("dash_retention", StringComparison.Ordinal)))
        {
            SchemaObjects.Add(table);
            Options.DeleteDataInTableOnTeardown(table.Identifier.QualifiedName);
        }

        IncludeType<SnapshotTaken>();
        IncludeType<RetentionAssigned>();
        IncludeType<SnapshotPinned>();
        IncludeType<SnapshotUnpinned>();
        IncludeType<LegalHoldPlaced>();
        IncludeType<LegalHoldReleased>();
        IncludeType<SnapshotMarkedNotNeeded>();
        IncludeType<SnapshotDeleted>();

        // Adds (sign 1) or removes (sign -1) one snapshot's row from the four counter tables, as it is right now.
        _contribute =
            $"""
            with r as (select * from {tables.Snapshot} where id = ?),
            a as (
              insert into {tables.SnapshotAge} (completed_hour, sensitivity, n)
              select date_trunc('hour', r.completed_at, 'UTC'), r.governing_sensitivity, ?::bigint from r where r.status = 0
              on conflict (completed_hour, sensitivity) do update set n = {tables.SnapshotAge}.n + excluded.n),
            e as (
              insert into {tables.SnapshotExpiry} (expiry_hour, sensitivity, n)
              select date_trunc('hour', r.expires_at, 'UTC'), r.governing_sensitivity, ?::bigint from r
              where r.status = 0 and r.not_needed_at is null and r.expires_at is not null
              on conflict (expiry_hour, sensitivity) do update set n = {tables.SnapshotExpiry}.n + excluded.n),
            d as (
              insert into {tables.SnapshotDomain} (trust_domain_id, sensitivity, status, n)
              select p.domain_id, p.sensitivity, r.status, ?::bigint
              from r, unnest(r.part_domains, r.part_sensitivities) as p(domain_id, sensitivity)
              on conflict (trust_domain_id, sensitivity, status) do update set n = {tables.SnapshotDomain}.n + excluded.n)
            insert into {tables.SnapshotDomainTotal} (trust_domain_id, status, n)
            select p.domain_id, r.status, ?::bigint
            from r, lateral (select distinct domain_id from unnest(r.part_domains) as u(domain_id)) p
            on conflict (trust_domain_id, status) do update set n = {tables.SnapshotDomainTotal}.n + excluded.n
            """;

        // Takes rows out of their retention bucket and leaves them unclassified, for the clock step to judge again (the
        // reader judges unclassified rows itself meanwhile). The rows are locked first, so a concurrent clock step either
        // judged them before (and this takes out what it counted) or waits and finds them unclassified.
        string Unclassify(string rows) =>
            $"""
            with old as ({rows} for update),
            reset as (
              update {tables.Snapshot} s set ret_keep = 0, ret_free = 0, reclassify_at = '-infinity'
              from old where s.id = old.id)
            insert into {tables.Retention} (keep_last_good, bucket, n)
            select k.keep, k.bucket, -count(*) from old, lateral (values (true, old.ret_keep), (false, old.ret_free)) as k(keep, bucket)
            where k.bucket <> 0 group by 1, 2
            on conflict (keep_last_good, bucket) do update set n = {tables.Retention}.n + excluded.n
            """;
        _unclassify = Unclassify($"select id, ret_keep, ret_free from {tables.Snapshot} where id = ?");
        // The rows whose last-good role a new or deleted snapshot of the VNF can change: the last good one and the newest.
        _unclassifyLastGood = Unclassify(
            $"""
            select s.id, s.ret_keep, s.ret_free from {tables.Snapshot} s
            where s.vnf_id = (select vnf_id from {tables.Snapshot} where id = ?)
              and (s.is_last_good or s.id = (select n.id from {tables.Snapshot} n where n.vnf_id = s.vnf_id and n.status = 0
                                             order by n.completed_at desc, n.id desc limit 1))
            """);

        // The VNF's last good snapshot is its newest available one. The one it displaces remembers when (the newcomer's
        // completion), since from then on only its own expiry keeps it.
        _refreshLastGood =
            $"""
            with v as (select vnf_id from {tables.Snapshot} where id = ?),
            newest as (
              select s.id, s.completed_at from {tables.Snapshot} s, v
              where s.vnf_id = v.vnf_id and s.status = 0 order by s.completed_at desc, s.id desc limit 1),
            demoted as (
              update {tables.Snapshot} s set is_last_good = false, superseded_at = (select completed_at from newest)
              from v where s.vnf_id = v.vnf_id and s.is_last_good and s.id is distinct from (select id from newest)
              returning s.id)
            update {tables.Snapshot} s set is_last_good = true, superseded_at = null
            from newest where s.id = newest.id and not s.is_last_good
            """;
    }

    public const string ProjectionName = "DashboardSnapshots";

    public override ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(e);
        switch (e.Data)
        {
            case SnapshotTaken taken:
                Counted(operations, taken.SnapshotId, () => Insert(operations, taken));
                operations.QueueSqlCommand(_unclassifyLastGood, taken.SnapshotId);
                operations.QueueSqlCommand(_refreshLastGood, taken.SnapshotId);
                break;
            case RetentionAssigned retention:
                operations.QueueSqlCommand(_unclassify, retention.SnapshotId);
                Counted(operations, retention.SnapshotId, () => operations.QueueSqlCommand(
                    $"update {_tables.Snapshot} set expires_at = ?, governing_sensitivity = ?, policy_revision = ? where id = ?",
                    Utc(retention.ExpiresAt), (short)retention.GoverningSensitivity, retention.PolicyRevision, retention.SnapshotId));
                break;
            case SnapshotPinned pinned:
                operations.QueueSqlCommand(_unclassify, pinned.SnapshotId);
                operations.QueueSqlCommand(
                    $"update {_tables.Snapshot} set pinned = true, pin_until = ?::timestamptz, pin_reason = ?, pin_by = ?, pin_at = ? where id = ?",
                    Utc(pinned.Until)!, pinned.Reason, pinned.By, Utc(pinned.At), pinned.SnapshotId);
                break;
            case SnapshotUnpinned unpinned:
                operations.QueueSqlCommand(_unclassify, unpinned.SnapshotId);
                operations.QueueSqlCommand(
                    $"""
                    update {_tables.Snapshot} set pinned = false, pin_until = null, pin_reason = null, pin_by = null, pin_at = null,
                      released_at = greatest(released_at, ?) where id = ?
                    """,
                    Utc(unpinned.At), unpinned.SnapshotId);
                break;
            case LegalHoldPlaced hold:
                operations.QueueSqlCommand(_unclassify, hold.SnapshotId);
                operations.QueueSqlCommand(
                    $"update {_tables.Snapshot} set held = true, hold_until = ?::timestamptz, hold_reason = ?, hold_by = ?, hold_at = ? where id = ?",
                    Utc(hold.Until)!, hold.Reason, hold.By, Utc(hold.At), hold.SnapshotId);
                break;
            case LegalHoldReleased released:
                operations.QueueSqlCommand(_unclassify, released.SnapshotId);
                operations.QueueSqlCommand(
                    $"""
                    update {_tables.Snapshot} set held = false, hold_until = null, hold_reason = null, hold_by = null, hold_at = null,
                      released_at = greatest(released_at, ?) where id = ?
                    """,
                    Utc(released.At), released.SnapshotId);
                break;
            case SnapshotMarkedNotNeeded notNeeded:
                operations.QueueSqlCommand(_unclassify, notNeeded.SnapshotId);
                Counted(operations, notNeeded.SnapshotId, () => operations.QueueSqlCommand(
                    $"update {_tables.Snapshot} set not_needed_at = coalesce(not_needed_at, ?) where id = ?",
                    Utc(notNeeded.At), notNeeded.SnapshotId));
                break;
            case SnapshotDeleted deleted:
                operations.QueueSqlCommand(_unclassify, deleted.SnapshotId);
                Counted(operations, deleted.SnapshotId, () => operations.QueueSqlCommand(
                    $"""
                    update {_tables.Snapshot} set status = {DashboardTables.Deleted}, deleted_at = ?, deletion_trigger = ?
                    where id = ? and status = {DashboardTables.Available}
                    """,
                    Utc(deleted.At), (short)deleted.Trigger, deleted.SnapshotId));
                operations.QueueSqlCommand(_unclassifyLastGood, deleted.SnapshotId);
                operations.QueueSqlCommand(_refreshLastGood, deleted.SnapshotId);
                break;
        }

        return ValueTask.CompletedTask;
    }

    private void Counted(IDocumentOperations operations, Guid snapshotId, Action change)
    {
        operations.QueueSqlCommand(_contribute, snapshotId, -1L, -1L, -1L, -1L);
        change();
        operations.QueueSqlCommand(_contribute, snapshotId, 1L, 1L, 1L, 1L);
    }

    private void Insert(IDocumentOperations operations, SnapshotTaken e)
    {
        // One entry per (trust domain, sensitivity) among the components; the strictest sensitivity governs retention
        // until RetentionAssigned says which one the policy picked.
        var parts = e.Components.Select(c => (c.TrustDomainId, Sensitivity: (short)c.Sensitivity)).Distinct().ToArray();
        var governing = e.Components.Count == 0 ? (short)0 : e.Components.Max(c => (short)c.Sensitivity);
        operations.QueueSqlCommand(
            $"""
            insert into {_tables.Snapshot} (id, vnf_id, vnf_name, completed_at, status, governing_sensitivity, part_domains, part_sensitivities)
            values (?, ?, ?, ?, {DashboardTables.Available}, ?, ?, ?)
            on conflict (id) do nothing
            """,
            e.SnapshotId, e.VnfId, e.VnfName, Utc(e.At), governing,
            parts.Select(p => p.TrustDomainId).ToArray(), parts.Select(p => p.Sensitivity).ToArray());
    }

    // Npgsql writes timestamptz only from UTC offsets.
    private static DateTimeOffset Utc(DateTimeOffset t) => t.ToUniversalTime();

    // Null stays null; the SQL casts such parameters, since an untyped null tells PostgreSQL nothing.
    private static DateTimeOffset? Utc(DateTimeOffset? t) => t?.ToUniversalTime();
}

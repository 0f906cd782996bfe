using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Console.Workflows.Dashboards.Projections;

/// <summary>
/// The dashboard's read tables, in the store's schema. One flat row per snapshot and per component, and small counter
/// tables the projections keep in step with them, so no dashboard figure has to scan a million rows:
/// <list type="bullet">
/// <item><c>dash_snapshot</c>: one row per snapshot with its retention facts; due, deletable and the last-good flag
/// are columns with partial indexes, so "overdue" and "held past expiry" are index range scans.</item>
/// <item><c>dash_snapshot_age</c>: available snapshots per completion hour and governing sensitivity.</item>
/// <item><c>dash_snapshot_expiry</c>: available, not "no longer needed" snapshots per expiry hour and sensitivity.</item>
/// <item><c>dash_snapshot_domain</c>: snapshots per trust domain, sensitivity and status; <c>dash_snapshot_domain_total</c>:
/// per trust domain and status (a snapshot holding several sensitivities of one domain counts there once).</item>
/// <item><c>dash_retention</c>: snapshots per retention bucket (held, pinned, kept as last good, overdue), once for each
/// setting of the policy's last-good rule, counted from the bucket each row stores; <c>dash_retention_clock</c>: the sweep
/// interval the buckets were judged with. Rows whose bucket time has changed (<c>reclassify_at</c> passed, or a change
/// made them unclassified) are few: the scheduled <see cref="RetentionClock"/> step moves them, the reader corrects for them.</item>
/// <item><c>dash_vnf</c>, <c>dash_component</c>: where each component runs; <c>dash_placement</c>: components per
/// trust domain, environment and sensitivity.</item>
/// </list>
/// Status is stored as a number (0 available, 1 deleted), sensitivities as their enum value.
/// </summary>
public sealed class DashboardTables
{
    public const short Available = 0;
    public const short Deleted = 1;

    public DashboardTables(string schema)
    {
        Schema = schema;
        Snapshot = Name("dash_snapshot");
        SnapshotAge = Name("dash_snapshot_age");
        SnapshotExpiry = Name("dash_snapshot_expiry");
        SnapshotDomain = Name("dash_snapshot_domain");
        SnapshotDomainTotal = Name("dash_snapshot_domain_total");
        Retention = Name("dash_retention");
        RetentionClock = Name("dash_retention_clock");
        Vnf = Name("dash_vnf");
        Component = Name("dash_component");
        Placement = Name("dash_placement");
        Trend = Name("dash_trend_day");
    }

    public string Schema { get; }

    public string Snapshot { get; }

    public string SnapshotAge { get; }

    public string SnapshotExpiry { get; }

    public string SnapshotDomain { get; }

    public string SnapshotDomainTotal { get; }

    public string Retention { get; }

    public string RetentionClock { get; }

    public string Vnf { get; }

    public string Component { get; }

    public string Placement { get; }

    /// <summary>One row per day (UTC) of the dashboard's trends (<see cref="Trends.TrendRecorder"/>).</summary>
    public string Trend { get; }

    // The generated columns, written exactly as PostgreSQL renders them back, so the schema comparison at start-up
    // sees no change. due_since: expiry, or earlier when marked not needed (LEAST skips nulls).
    private const string DueSince = "LEAST(expires_at, not_needed_at)";

    // deletable_from: from when nothing but the last-good rule keeps an available snapshot; a pin or hold without an end
    // keeps it for ever, one lifted (released_at) keeps it until then. Null once deleted, so the column's statistics
    // describe only snapshots that still exist and the planner expects few rows past it.
    private const string DeletableFrom =
        """
        CASE
            WHEN ((status <> 0) OR (LEAST(expires_at, not_needed_at) IS NULL)) THEN NULL::timestamp with time zone
            ELSE GREATEST(LEAST(expires_at, not_needed_at),
            CASE
                WHEN pinned THEN COALESCE(pin_until, 'infinity'::timestamp with time zone)
                ELSE NULL::timestamp with time zone
            END,
            CASE
                WHEN held THEN COALESCE(hold_until, 'infinity'::timestamp with time zone)
                ELSE NULL::timestamp with time zone
            END, released_at)
        END
        """;

    // deletable_keep: the same when the policy keeps the last good snapshot: never for the last good one itself, and for
    // the others not before a newer one took that role.
    private const string DeletableKeep =
        """
        CASE
            WHEN ((status <> 0) OR is_last_good OR (LEAST(expires_at, not_needed_at) IS NULL)) THEN NULL::timestamp with time zone
            ELSE GREATEST(LEAST(expires_at, not_needed_at),
            CASE
                WHEN pinned THEN COALESCE(pin_until, 'infinity'::timestamp with time zone)
                ELSE NULL::timestamp with time zone
            END,
            CASE
                WHEN held THEN COALESCE(hold_until, 'infinity'::timestamp with time zone)
                ELSE NULL::timestamp with time zone
            END, released_at, superseded_at)
        END
        """;

    public IReadOnlyList<Table> Build()
    {
        var snapshot = new Table(new PostgresqlObjectName(Schema, "dash_snapshot", SchemaUtils.IdentifierUsage.General));
        snapshot.AddColumn<Guid>("id").AsPrimaryKey();
        snapshot.AddColumn<Guid>("vnf_id").NotNull();
        snapshot.AddColumn("vnf_name", "text").NotNull();
        snapshot.AddColumn("completed_at", "timestamp with time zone").NotNull();
        snapshot.AddColumn("status", "smallint").NotNull();
        snapshot.AddColumn("governing_sensitivity", "smallint").NotNull();
        snapshot.AddColumn("expires_at", "timestamp with time zone");
        snapshot.AddColumn("policy_revision", "integer");
        snapshot.AddColumn("pinned", "boolean").NotNull().DefaultValueByExpression("false");
        snapshot.AddColumn("pin_until", "timestamp with time zone");
        snapshot.AddColumn("pin_reason", "text");
        snapshot.AddColumn("pin_by", "text");
        snapshot.AddColumn("pin_at", "timestamp with time zone");
        snapshot.AddColumn("held", "boolean").NotNull().DefaultValueByExpression("false");
        snapshot.AddColumn("hold_until", "timestamp with time zone");
        snapshot.AddColumn("hold_reason", "text");
        snapshot.AddColumn("hold_by", "text");
        snapshot.AddColumn("hold_at", "timestamp with time zone");
        snapshot.AddColumn("released_at", "timestamp with time zone");
        snapshot.AddColumn("not_needed_at", "timestamp with time zone");
        snapshot.AddColumn("deleted_at", "timestamp with time zone");
        snapshot.AddColumn("deletion_trigger", "smallint");
        snapshot.AddColumn("is_last_good", "boolean").NotNull().DefaultValueByExpression("false");
        snapshot.AddColumn("superseded_at", "timestamp with time zone");
        snapshot.AddColumn("part_domains", "uuid[]").NotNull();
        snapshot.AddColumn("part_sensitivities", "smallint[]").NotNull();
        snapshot.AddColumn("due_since", "timestamp with time zone").GeneratedAs(DueSince);
        snapshot.AddColumn("deletable_from", "timestamp with time zone").GeneratedAs(DeletableFrom);
        snapshot.AddColumn("deletable_keep", "timestamp with time zone").GeneratedAs(DeletableKeep);
        // The retention bucket counted for the row with and without the last-good rule, and when it may change next.
        // '-infinity': unclassified (new, changed, or older than these columns), so the next clock step judges it.
        snapshot.AddColumn("ret_keep", "smallint").NotNull().DefaultValueByExpression("0");
        snapshot.AddColumn("ret_free", "smallint").NotNull().DefaultValueByExpression("0");
        snapshot.AddColumn("reclassify_at", "timestamp with time zone").NotNull().DefaultValueByExpression("'-infinity'::timestamp with time zone");

        // With the governing sensitivity, the age distribution's partial hours are read from the index alone.
        snapshot.Indexes.Add(new IndexDefinition("ix_dash_snapshot_completed")
        {
            Columns = ["completed_at"],
            Predicate = "(status = 0)",
            IncludeColumns = ["governing_sensitivity"],
        });
        Partial(snapshot, "ix_dash_snapshot_expiring", "((status = 0) AND (not_needed_at IS NULL))", "expires_at");
        Partial(snapshot, "ix_dash_snapshot_vnf", "(status = 0)", "vnf_id", "completed_at");
        Partial(snapshot, "ix_dash_snapshot_deletable", "(status = 0)", "deletable_from");
        Partial(snapshot, "ix_dash_snapshot_deletable_keep", "((status = 0) AND (NOT is_last_good))", "deletable_keep");
        // The few pinned or held snapshots carry what judging their guard needs, so counting them reads only the index.
        snapshot.Indexes.Add(new IndexDefinition("ix_dash_snapshot_guarded")
        {
            Columns = ["due_since"],
            Predicate = "((status = 0) AND (pinned OR held))",
            IncludeColumns = ["pinned", "pin_until", "held", "hold_until", "is_last_good"],
        });
        snapshot.Indexes.Add(new IndexDefinition("ix_dash_snapshot_reclassify") { Columns = ["reclassify_at"] });
        Partial(snapshot, "ix_dash_snapshot_last_good", "((status = 0) AND is_last_good)", "due_since");
        // Not partial: a partial index would offer itself to the planner as a way to read every available snapshot.
        snapshot.Indexes.Add(new IndexDefinition("ix_dash_snapshot_domains") { Columns = ["part_domains"], Method = IndexMethod.gin });
        snapshot.Indexes.Add(new IndexDefinition("ix_dash_snapshot_vnf_last_good") { Columns = ["vnf_id"], Predicate = "is_last_good" });
        // The overdue and held-past-expiry lists: per stored bucket set, setting of the last-good rule and sort order, so a
        // page is the first rows of one index range (read backwards for descending) whatever the number of snapshots.
        foreach (var kind in (SnapshotListKind[])[SnapshotListKind.Overdue, SnapshotListKind.ProtectedPastExpiry])
        {
            foreach (var keep in (bool[])[true, false])
            {
                foreach (var field in Enum.GetValues<SnapshotSortField>())
                {
                    var name = $"ix_dash_snapshot_{(kind == SnapshotListKind.Overdue ? "overdue" : "held")}_{(keep ? "keep" : "free")}_{SortColumn(field)}";
                    Partial(snapshot, name, RetentionListPredicate(kind, keep), SortColumn(field), "id");
                }
            }
        }

        var age = new Table(new PostgresqlObjectName(Schema, "dash_snapshot_age", SchemaUtils.IdentifierUsage.General));
        age.AddColumn("completed_hour", "timestamp with time zone").AsPrimaryKey();
        age.AddColumn("sensitivity", "smallint").AsPrimaryKey();
        age.AddColumn("n", "bigint").NotNull();

        var expiry = new Table(new PostgresqlObjectName(Schema, "dash_snapshot_expiry", SchemaUtils.IdentifierUsage.General));
        expiry.AddColumn("expiry_hour", "timestamp with time zone").AsPrimaryKey();
        expiry.AddColumn("sensitivity", "smallint").AsPrimaryKey();
        expiry.AddColumn("n", "bigint").NotNull();

        var domain = new Table(new PostgresqlObjectName(Schema, "dash_snapshot_domain", SchemaUtils.IdentifierUsage.General));
        domain.AddColumn<Guid>("trust_domain_id").AsPrimaryKey();
        domain.AddColumn("sensitivity", "smallint").AsPrimaryKey();
        domain.AddColumn("status", "smallint").AsPrimaryKey();
        domain.AddColumn("n", "bigint").NotNull();

        var domainTotal = new Table(new PostgresqlObjectName(Schema, "dash_snapshot_domain_total", SchemaUtils.IdentifierUsage.General));
        domainTotal.AddColumn<Guid>("trust_domain_id").AsPrimaryKey();
        domainTotal.AddColumn("status", "smallint").AsPrimaryKey();
        domainTotal.AddColumn("n", "bigint").NotNull();

        var retention = new Table(new PostgresqlObjectName(Schema, "dash_retention", SchemaUtils.IdentifierUsage.General));
        retention.AddColumn("keep_last_good", "boolean").AsPrimaryKey();
        retention.AddColumn("bucket", "smallint").AsPrimaryKey();
        retention.AddColumn("n", "bigint").NotNull();

        var clock = new Table(new PostgresqlObjectName(Schema, "dash_retention_clock", SchemaUtils.IdentifierUsage.General));
        clock.AddColumn("id", "integer").AsPrimaryKey();
        clock.AddColumn("sweep_interval", "interval").NotNull();
        clock.AddColumn("advanced_to", "timestamp with time zone").NotNull();

        var vnf = new Table(new PostgresqlObjectName(Schema, "dash_vnf", SchemaUtils.IdentifierUsage.General));
        vnf.AddColumn<Guid>("id").AsPrimaryKey();
        vnf.AddColumn("name", "text").NotNull();
        vnf.AddColumn<Guid>("environment_id").NotNull();

        var component = new Table(new PostgresqlObjectName(Schema, "dash_component", SchemaUtils.IdentifierUsage.General));
        component.AddColumn<Guid>("vnf_id").AsPrimaryKey();
        component.AddColumn<Guid>("id").AsPrimaryKey();
        component.AddColumn("vnf_name", "text").NotNull();
        component.AddColumn("name", "text").NotNull();
        component.AddColumn("sensitivity", "smallint").NotNull();
        component.AddColumn<Guid>("trust_domain_id").NotNull();
        component.AddColumn<Guid>("environment_id").NotNull();
        component.AddColumn("apart", "boolean").NotNull().DefaultValueByExpression("false");
        // Per (environment, sensitivity) and per matrix cell, in the lists' default order, so a page of violations is a
        // merge of short index scans however many components there are.
        component.Indexes.Add(new IndexDefinition("ix_dash_component_placement")
        {
            Columns = ["environment_id", "sensitivity", "vnf_name", "name", "id"],
        });
        component.Indexes.Add(new IndexDefinition("ix_dash_component_cell")
        {
            Columns = ["trust_domain_id", "environment_id", "vnf_name", "name", "id"],
        });

        var placement = new Table(new PostgresqlObjectName(Schema, "dash_placement", SchemaUtils.IdentifierUsage.General));
        placement.AddColumn<Guid>("trust_domain_id").AsPrimaryKey();
        placement.AddColumn<Guid>("environment_id").AsPrimaryKey();
        placement.AddColumn("sensitivity", "smallint").AsPrimaryKey();
        placement.AddColumn("n", "bigint").NotNull();

        return [snapshot, age, expiry, domain, domainTotal, retention, clock, vnf, component, placement];
    }

    /// <summary>
    /// The trends' table: not a projection's (a projection's tables are emptied when it is rebuilt, and the samples of
    /// past days cannot be rebuilt from events), so it is registered with the store on its own.
    /// </summary>
    public Table BuildTrend()
    {
        var trend = new Table(new PostgresqlObjectName(Schema, "dash_trend_day", SchemaUtils.IdentifierUsage.General));
        trend.AddColumn("day", "date").AsPrimaryKey();
        trend.AddColumn("available", "bigint");
        trend.AddColumn("overdue", "bigint");
        trend.AddColumn("pending", "bigint");
        // Null for a day rebuilt from the snapshots (before sampling began, or a day the console was not running).
        trend.AddColumn("sampled_at", "timestamp with time zone");
        return trend;
    }

    /// <summary>
    /// Recomputes every counter table from the flat tables: after a bulk load, and in tests as the reference the
    /// incrementally kept counters must equal.
    /// </summary>
    public string RecountSql() =>
        $"""
        delete from {SnapshotAge};
        insert into {SnapshotAge} (completed_hour, sensitivity, n)
          select date_trunc('hour', completed_at, 'UTC'), governing_sensitivity, count(*) from {Snapshot}
          where status = 0 group by 1, 2;
        delete from {SnapshotExpiry};
        insert into {SnapshotExpiry} (expiry_hour, sensitivity, n)
          select date_trunc('hour', expires_at, 'UTC'), governing_sensitivity, count(*) from {Snapshot}
          where status = 0 and not_needed_at is null and expires_at is not null group by 1, 2;
        delete from {SnapshotDomain};
        insert into {SnapshotDomain} (trust_domain_id, sensitivity, status, n)
          select p.domain_id, p.sensitivity, x.status, count(*)
          from {Snapshot} x, unnest(x.part_domains, x.part_sensitivities) as p(domain_id, sensitivity)
          group by 1, 2, 3;
        delete from {SnapshotDomainTotal};
        insert into {SnapshotDomainTotal} (trust_domain_id, status, n)
          select p.domain_id, x.status, count(*)
          from {Snapshot} x, lateral (select distinct domain_id from unnest(x.part_domains) as u(domain_id)) p
          group by 1, 2;
        delete from {Retention};
        insert into {Retention} (keep_last_good, bucket, n)
          select k.keep, k.bucket, count(*) from {Snapshot} x,
                 lateral (values (true, x.ret_keep), (false, x.ret_free)) as k(keep, bucket)
          where k.bucket <> 0 group by 1, 2;
        delete from {Placement};
        insert into {Placement} (trust_domain_id, environment_id, sensitivity, n)
          select trust_domain_id, environment_id, sensitivity, count(*) from {Component} group by 1, 2, 3;
        """;

    /// <summary>The <c>dash_snapshot</c> column a snapshot list sorts by (then by id).</summary>
    public static string SortColumn(SnapshotSortField field) => field switch
    {
        SnapshotSortField.CompletedAt => "completed_at",
        SnapshotSortField.Vnf => "vnf_name",
        SnapshotSortField.Sensitivity => "governing_sensitivity",
        _ => "expires_at",
    };

    /// <summary>
    /// The rows the clock step stored in the buckets of a retention list (overdue; held by a legal hold, a pin or the
    /// last-good rule), under one setting of the last-good rule, as PostgreSQL renders an index predicate back (so the
    /// schema comparison at start-up sees no change). A list's query uses the same text, so its partial indexes apply.
    /// </summary>
    public static string RetentionListPredicate(SnapshotListKind kind, bool keepLastGood)
    {
        var column = keepLastGood ? "ret_keep" : "ret_free";
        return kind == SnapshotListKind.Overdue
            ? $"({column} = {(int)RetentionBucket.Overdue})"
            : $"(({column} >= {(int)RetentionBucket.LegalHold}) AND ({column} <= {(int)RetentionBucket.LastGood}))";
    }

    private string Name(string table) => $"{Schema}.{table}";

    private static void Partial(Table table, string name, string predicate, params string[] columns) =>
        table.Indexes.Add(new IndexDefinition(name) { Columns = columns, Predicate = predicate });
}

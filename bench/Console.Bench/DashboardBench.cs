using System.Diagnostics;
using System.Globalization;
using Console.Workflows.Dashboards;
using Console.Workflows.Dashboards.Advancing;
using Console.Workflows.Dashboards.Figures;
using Console.Workflows.Dashboards.Lists;
using Console.Workflows.Dashboards.Projections;
using Console.Workflows.Dashboards.Reading;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;
using Console.Workflows.Requests;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Console.Bench;

/// <summary>
/// The dashboard bench (<c>scripts/bench --dashboards</c>): 100,000 VNFs and 1,000,000 snapshots written straight into
/// the dashboard's projection tables (server-side INSERT ... SELECT, then the counters recounted as a rebuild would),
/// then every dashboard query through its reader, each next to a hand-written SQL statement that
/// computes the same figure from the same tables in one round trip, measured alternately in the same run.
/// </summary>
public sealed class DashboardBench(IServiceProvider services, IDocumentStore store, string connectionString, BenchOptions options)
{
    private readonly DashboardTables _tables = new(store.Options.DatabaseSchemaName);

    public async Task RunAsync()
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
        if (options.ReuseDatabase is null)
        {
            var seed = Stopwatch.StartNew();
            await SeedAsync();
            seed.Stop();
            Out($"Seeded database {database} in {seed.Elapsed.TotalSeconds:F0} s");
        }
        else
        {
            // An earlier run left the policy revised (Internal needs Medium); the first measurements are of the default.
            await SetInternalRequirementAsync(Placement.RequiredTrustLevel(Sensitivity.Internal, DefaultPolicy.Document));
            Out($"Reusing database {database}, seeded earlier");
        }

        // As the recurring clock step would have by now: the rows that changed bucket since the seeding are judged.
        var step = Stopwatch.StartNew();
        var moved = await services.GetRequiredService<RetentionClock>().AdvanceAsync(CancellationToken.None);
        Out($"Clock step: {moved.Moved:N0} rows judged in {step.Elapsed.TotalMilliseconds:F0} ms");
        var counts = await CountsAsync();
        Out(counts);

        var now = DateTimeOffset.UtcNow;
        var sweep = services.GetRequiredService<DashboardOptions>().SweepInterval;
        var pairs = await ViolatingPairsAsync();
        var domain = await LargestTrustDomainAsync();
        // The readers as the pages hold them: singletons of the root provider (a page's circuit gets the same instance).
        var age = services.GetRequiredService<AgeDistributionReader>();
        var expiry = services.GetRequiredService<ExpiryReader>();
        var retention = services.GetRequiredService<RetentionReader>();
        var trustDomains = services.GetRequiredService<TrustDomainCountsReader>();
        var placement = services.GetRequiredService<PlacementReader>();
        var pending = services.GetRequiredService<PendingApprovalsReader>();
        var figures = services.GetRequiredService<IDashboardFiguresReader>();
        var snapshots = services.GetRequiredService<ISnapshotListReader>();
        var components = services.GetRequiredService<IComponentListReader>();
        var scenarios = new List<(string Name, Func<Task> Reader, Func<NpgsqlConnection, Task> Sql)>
        {
            ("age distribution", () => age.ReadAsync(), c => ScalarsAsync(c, AgeSql(now))),
            ("expiring 24 h / 7 d", () => expiry.ReadAsync(), c => ScalarsAsync(c, ExpiringSql(now))),
            ("overdue + held past expiry", () => retention.ReadAsync(), c => ScalarsAsync(c, RetentionSql(now, sweep))),
            ("counts by trust domain", () => trustDomains.ReadAsync(), c => ScalarsAsync(c, DomainCountsSql())),
            ("placement matrix + violations", () => placement.ReadAsync(), c => ScalarsAsync(c, PlacementSql())),
            ("pending approvals by age", () => pending.ReadAsync(), c => ScalarsAsync(c, PendingSql(now))),
            ("list: expiring 7 d, page 1", () => snapshots.ListSnapshotsAsync(new SnapshotListRequest(SnapshotListKind.Expiring)),
                c => ScalarsAsync(c, ExpiringListSql(now))),
            ("list: overdue, page 1", () => snapshots.ListSnapshotsAsync(new SnapshotListRequest(SnapshotListKind.Overdue)),
                c => ScalarsAsync(c, RetentionListSql(now, sweep, "= 4"))),
            ("list: held past expiry, page 1", () => snapshots.ListSnapshotsAsync(new SnapshotListRequest(SnapshotListKind.ProtectedPastExpiry)),
                c => ScalarsAsync(c, RetentionListSql(now, sweep, "between 1 and 3"))),
            ("list: age 1-3 d Critical, page 1",
                () => snapshots.ListSnapshotsAsync(new SnapshotListRequest(SnapshotListKind.Age, Age: AgeBucket.OneToThreeDays, Sensitivity: Sensitivity.Critical,
                    SortBy: SnapshotSortField.CompletedAt)),
                c => ScalarsAsync(c, AgeListSql(now))),
            ("list: trust domain, page 1", () => snapshots.ListSnapshotsAsync(new SnapshotListRequest(SnapshotListKind.TrustDomain, TrustDomainId: domain, SortBy: SnapshotSortField.CompletedAt)),
                c => ScalarsAsync(c, DomainListSql(domain))),
            ("list: violations, page 1", () => components.ListComponentsAsync(new ComponentListRequest()), c => ScalarsAsync(c, ViolationListSql(pairs))),
            ("whole dashboard (GetFiguresAsync)", () => figures.GetFiguresAsync(), async c =>
            {
                // The same statements, one after the other on one connection.
                foreach (var sql in new[] { AgeSql(now), ExpiringSql(now), RetentionSql(now, sweep), DomainCountsSql(), PlacementSql(), PendingSql(now) })
                    await ScalarsAsync(c, sql);
            }),
        };

        // The hand-written statements on connections set up as the readers' are (JIT off, no reset between calls), so
        // the comparison is of what the reader adds to its statement, not of connection settings.
        await using var dataSource = NpgsqlDataSource.Create(DashboardDatabase.ReadingSettings(connectionString).ConnectionString);
        var rows = new List<(string Name, Timings Reader, Timings Sql)>();
        await MeasureAsync(dataSource, scenarios, rows);

        // Then a policy revision turns a large share of the components into violations.
        await SetInternalRequirementAsync(TrustLevel.Medium);
        var raisedPairs = await ViolatingPairsAsync();
        await MeasureAsync(dataSource,
        [
            ("after revision: placement + violations", () => placement.ReadAsync(), c => ScalarsAsync(c, PlacementSql())),
            ("after revision: list violations, page 1", () => components.ListComponentsAsync(new ComponentListRequest()), c => ScalarsAsync(c, ViolationListSql(raisedPairs))),
        ], rows);

        // For scale: the age distribution without counters, as one aggregate scanning every available snapshot.
        var naive = new Timings();
        for (var i = 0; i < 10; i++)
        {
            naive.Add(await TimeAsync(async () =>
            {
                await using var conn = await dataSource.OpenConnectionAsync();
                await ScalarsAsync(conn, NaiveAgeSql(now));
            }));
        }

        Print(counts, rows, naive);
    }

    private async Task MeasureAsync(
        NpgsqlDataSource dataSource,
        List<(string Name, Func<Task> Reader, Func<NpgsqlConnection, Task> Sql)> scenarios,
        List<(string Name, Timings Reader, Timings Sql)> rows)
    {
        // Every query warmed up first (statements prepared on the pooled connection, PostgreSQL's plan choice made, pages
        // cached), then the calls in rounds over all queries: a slow spell of the machine (another process, a clock
        // step of the bench's host) falls on every query, not on the one that happened to be measured then.
        foreach (var (_, reader, sql) in scenarios)
        {
            for (var i = 0; i < options.DashboardWarmup; i++)
            {
                await reader();
                await SqlAsync(dataSource, sql);
            }
        }

        var measured = scenarios.Select(s => (s.Name, Reader: new Timings(), Sql: new Timings())).ToList();
        var rounds = Math.Max(1, options.DashboardRounds);
        for (var round = 0; round < rounds; round++)
        {
            var calls = (options.DashboardIterations / rounds) + (round < options.DashboardIterations % rounds ? 1 : 0);
            for (var q = 0; q < scenarios.Count; q++)
            {
                var (_, reader, sql) = scenarios[q];
                // No garbage of the query before is collected during this one's calls.
                GC.Collect();
                GC.WaitForPendingFinalizers();
                for (var i = 0; i < calls; i++)
                {
                    // Reader and SQL call by call, each going first every other time, so a burst of load (or a collection)
                    // falls on both alike and neither always runs on the caches the other just warmed.
                    double r, s;
                    if (i % 2 == 0)
                    {
                        r = await TimeAsync(reader);
                        s = await TimeAsync(() => SqlAsync(dataSource, sql));
                    }
                    else
                    {
                        s = await TimeAsync(() => SqlAsync(dataSource, sql));
                        r = await TimeAsync(reader);
                    }

                    measured[q].Reader.Add(r);
                    measured[q].Sql.Add(s);
                }
            }
        }

        rows.AddRange(measured);
    }

    private void Print(string counts, List<(string Name, Timings Reader, Timings Sql)> rows, Timings naive)
    {
        Out("");
        Out($"Dashboard bench: {counts}; {options.DashboardIterations} calls per query in {options.DashboardRounds} rounds after {options.DashboardWarmup} warm-up, "
            + $"{Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Out("Reader = the page's reader (a singleton, as a page holds it); SQL = one hand-written statement, same tables, pooled connection;");
        Out("called alternately, each first every other call.");
        Out("");
        Out($"{"query",-42} {"reader p50",11} {"reader p95",11} {"SQL p50",9} {"SQL p95",9} {"p95 ratio",10}");
        foreach (var (name, reader, sql) in rows)
        {
            Out(string.Create(CultureInfo.InvariantCulture,
                $"{name,-42} {reader.Percentile(50),9:F2}ms {reader.Percentile(95),9:F2}ms {sql.Percentile(50),7:F2}ms {sql.Percentile(95),7:F2}ms {reader.Percentile(95) / sql.Percentile(95),9:F2}x"));
        }

        Out("");
        Out(string.Create(CultureInfo.InvariantCulture,
            $"For scale, the age distribution as one aggregate scanning every available snapshot (no counters): p50 {naive.Percentile(50):F0} ms, p95 {naive.Percentile(95):F0} ms"));
        var worst = rows.Where(r => !r.Name.StartsWith("whole", StringComparison.Ordinal)).MaxBy(r => r.Reader.Percentile(95));
        var worstRatio = rows.MaxBy(r => r.Reader.Percentile(95) / r.Sql.Percentile(95));
        var whole = rows.Single(r => r.Name.StartsWith("whole", StringComparison.Ordinal));
        Out(string.Create(CultureInfo.InvariantCulture, $"whole dashboard p95: {whole.Reader.Percentile(95):F2} ms   target < 50 ms"));
        Out(string.Create(CultureInfo.InvariantCulture, $"slowest single figure or list p95: {worst.Reader.Percentile(95):F2} ms ({worst.Name})   target < 20 ms"));
        Out(string.Create(CultureInfo.InvariantCulture,
            $"largest reader / SQL p95 ratio: {worstRatio.Reader.Percentile(95) / worstRatio.Sql.Percentile(95):F2}x ({worstRatio.Name})   target <= 1.2x"));
    }

    /// <summary>Latencies of one query, reduced to percentiles.</summary>
    private sealed class Timings
    {
        private readonly List<double> _milliseconds = [];

        public void Add(double milliseconds) => _milliseconds.Add(milliseconds);

        public double Percentile(double p)
        {
            if (_milliseconds.Count == 0)
                return double.NaN;
            var sorted = _milliseconds.Order().ToArray();
            return sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];
        }
    }

    // ---- seeding -------------------------------------------------------------------------------------------------------

    private async Task SeedAsync()
    {
        // The demo inventory's environments and trust domains (seeded as documents) are where the bench VNFs run.
        await using var query = store.QuerySession();
        var seededEnvironments = await query.Query<ExecutionEnvironment>().OrderBy(e => e.Name).ToListAsync();
        var seededDomains = await query.Query<TrustDomain>().OrderBy(d => d.Name).ToListAsync();
        var environments = string.Join(", ", seededEnvironments.Select(e => $"'{e.Id}'::uuid"));
        var trust = string.Join(", ", seededEnvironments.Select(e => ((int)e.TrustLevel).ToString(CultureInfo.InvariantCulture)));
        var domains = string.Join(", ", seededDomains.Select(d => $"'{d.Id}'::uuid"));
        var environmentCount = seededEnvironments.Count;
        var domainCount = seededDomains.Count;
        var t = _tables;
        await ExecuteAsync(
            $"""
            select setseed(0.42);
            -- 100,000 VNFs in the demo environments, three components each; a component's sensitivity mostly fits where it
            -- runs, about one in a thousand does not (placement violations).
            insert into {t.Vnf} (id, name, environment_id)
            select md5('bench-vnf-' || g)::uuid, 'bench-vnf-' || lpad(g::text, 6, '0'), (array[{environments}])[1 + (g % {environmentCount})]
            from generate_series(1, {options.Vnfs}) g;
            insert into {t.Component} (vnf_id, id, vnf_name, name, sensitivity, trust_domain_id, environment_id, apart)
            select v.id, md5(v.id::text || c)::uuid, v.name, 'component-' || c,
                   case when random() < 0.001 then 3
                        else floor(random() * (1 + (array[{trust}])[array_position(array[{environments}], v.environment_id)]))::int end,
                   (array[{domains}])[1 + floor(random() * {domainCount})::int], v.environment_id, false
            from {t.Vnf} v, generate_series(1, 3) c
            where v.name like 'bench-vnf-%';
            """);

        // Loading 10,000,000 rows into a table with its indexes in place costs several times building them afterwards
        // (the GIN index on the domains above all): they are dropped for the load and built again after it.
        var stage = Stopwatch.StartNew();
        void Stage(string what)
        {
            Out($"  {what}: {stage.Elapsed.TotalSeconds:F0} s");
            stage.Restart();
        }

        Stage("VNFs and components");
        var snapshotTable = _tables.Build().Single(x => x.Identifier.Name == "dash_snapshot");
        foreach (var index in snapshotTable.Indexes)
            await ExecuteAsync($"drop index if exists {_tables.Schema}.{index.Name}");

        // 1,000,000 snapshots over 90 days; retention from the default policy's maximum ages; pins, holds, releases and
        // "no longer needed" at realistic rates. What is due and unprotected was deleted by the sweep, except a handful
        // left overdue; each VNF's newest snapshot is always kept (the last good one).
        await ExecuteAsync(
            $"""
            select setseed(0.43);
            create temp table bench_snapshot as
            select g, md5('bench-snapshot-' || g)::uuid as id, vnf_no, completed_at, sensitivity,
                   completed_at + case sensitivity when 0 then interval '30 days' when 1 then interval '14 days'
                                                   when 2 then interval '7 days' else interval '3 days' end as expires_at,
                   pin_r, hold_r, nn_r, d1, d2, s2
            from (select g, 1 + floor(random() * {options.Vnfs})::int as vnf_no, now() - random() * interval '90 days' as completed_at,
                         (case when r < 0.1 then 0 when r < 0.5 then 1 when r < 0.8 then 2 else 3 end)::smallint as sensitivity,
                         random() as pin_r, random() as hold_r, random() as nn_r,
                         floor(random() * {domainCount})::int as d1, floor(random() * {domainCount})::int as d2, floor(random() * 4)::smallint as s2
                  from (select g, random() as r from generate_series(1, {options.Snapshots}) g) x) y;

            insert into {t.Snapshot} (id, vnf_id, vnf_name, completed_at, status, governing_sensitivity, expires_at, policy_revision,
                pinned, pin_until, pin_reason, pin_by, pin_at, held, hold_until, hold_reason, hold_by, hold_at, not_needed_at,
                deleted_at, deletion_trigger, part_domains, part_sensitivities, is_last_good, superseded_at, reclassify_at)
            select id, md5('bench-vnf-' || vnf_no)::uuid, 'bench-vnf-' || lpad(vnf_no::text, 6, '0'), completed_at,
                   status, sensitivity, expires_at, 1,
                   pinned, case when pinned then pin_until end, case when pinned then 'bench pin' end, case when pinned then 'operator' end,
                   case when pinned then completed_at end,
                   held, case when held then hold_until end, case when held then 'bench hold' end, case when held then 'security' end,
                   case when held then completed_at end,
                   not_needed_at,
                   case when status = 1 then due + interval '3 minutes' end,
                   case when status = 1 then (case when not_needed_at is not null then 2 else 1 end)::smallint end,
                   array[(array[{domains}])[1 + d1], (array[{domains}])[1 + d2]], array[sensitivity, least(s2, sensitivity)]::smallint[],
                   -- Each VNF's newest snapshot is available and its last good one; an available older one remembers
                   -- when the next available one completed. Deleted rows need no judging by the clock step.
                   rank = 1,
                   case when status = 0 then min(case when status = 0 then completed_at end)
                        over (partition by vnf_no order by completed_at desc rows between unbounded preceding and 1 preceding) end,
                   case when status = 0 then '-infinity'::timestamptz else 'infinity'::timestamptz end
            from (
              select *, case when rank > 1 and due < now() - interval '15 minutes' and not guarded and g % 40000 <> 0 then 1 else 0 end::smallint as status
              from (
                select b.*, pin_r < 0.003 as pinned, hold_r < 0.001 as held,
                       case when pin_r < 0.001 then null when pin_r < 0.002 then now() - interval '2 days' else now() + interval '5 days' end as pin_until,
                       case when hold_r < 0.0005 then null else now() + interval '30 days' end as hold_until,
                       case when nn_r < 0.003 then completed_at + interval '1 hour' end as not_needed_at,
                       least(expires_at, case when nn_r < 0.003 then completed_at + interval '1 hour' end) as due,
                       (pin_r < 0.003 and (pin_r < 0.001 or pin_r >= 0.002)) or hold_r < 0.001 as guarded,
                       row_number() over (partition by vnf_no order by completed_at desc) as rank
                from bench_snapshot b) r) s;

            drop table bench_snapshot;
            """);
        Stage("snapshots");

        // The clock step judges every available row once (as after a rebuild), then the indexes come back.
        var judged = await services.GetRequiredService<RetentionClock>().AdvanceAsync(int.MaxValue, CancellationToken.None);
        Stage($"clock step judging {judged.Moved:N0} available snapshots");
        foreach (var index in snapshotTable.Indexes)
            await ExecuteAsync(index.ToDDL(snapshotTable));
        Stage("indexes");
        await ExecuteAsync(_tables.RecountSql());
        foreach (var table in new[] { t.Snapshot, t.Component, t.Vnf, t.SnapshotAge, t.SnapshotExpiry, t.SnapshotDomain, t.Retention, t.Placement })
            await ExecuteAsync($"vacuum analyze {table}");
        Stage("counters recounted, vacuum analyze");
        await SeedRequestsAsync();
        Stage("requests");
    }

    // Pending approvals live in the request documents: 20,000 requests, 1,000 of them pending over the last two days.
    private async Task SeedRequestsAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var content = new RequestContent(RequestKind.Snapshot, Guid.NewGuid(), [], Guid.NewGuid(), null, null, 1);
        var requirement = new ApprovalRequirement([], false, "bench");
        var requests = Enumerable.Range(0, 20_000).Select(i =>
        {
            var pending = i % 20 == 0;
            var submitted = pending ? now.AddMinutes(-(i * 7 % 2880)) : now.AddDays(-(i % 60)).AddMinutes(-i % 1440);
            return new ChangeRequest(Guid.NewGuid(), content, "digest", "bench-vnf", "bench", null, requirement, "operator", "Bench Operator",
                submitted, submitted.AddHours(24), pending ? RequestStatus.PendingApproval : RequestStatus.Completed, [], 0, null, submitted);
        }).ToList();
        await store.BulkInsertDocumentsAsync(requests);
        await ExecuteAsync($"vacuum analyze {store.Options.Schema.For<ChangeRequest>()}");
    }

    private async Task<string> CountsAsync()
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"""
            select (select count(*) from {_tables.Vnf}), (select count(*) from {_tables.Component}),
                   (select count(*) from {_tables.Snapshot}), (select count(*) from {_tables.Snapshot} where status = 0)
            """, conn);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return string.Create(CultureInfo.InvariantCulture,
            $"{reader.GetInt64(0):N0} VNFs, {reader.GetInt64(1):N0} components, {reader.GetInt64(2):N0} snapshots ({reader.GetInt64(3):N0} available)");
    }

    // ---- hand-written SQL: each figure in one statement over the same tables ---------------------------------------------

    private string AgeSql(DateTimeOffset now)
    {
        var thresholds = DashboardRules.AgeBucketStarts.Skip(1).Select(s => now - s).ToArray();
        var counters = string.Join(", ", thresholds.Select((t, i) => $"sum(n) filter (where completed_hour >= {Ts(DashboardRules.NextHourAfter(t))})"));
        var edges = thresholds.Select((t, i) =>
            $"select {i}, governing_sensitivity, count(*) from {_tables.Snapshot} where status = 0 and completed_at > {Ts(t)} and completed_at < {Ts(DashboardRules.NextHourAfter(t))} group by 2");
        return $"""
            select -1, sensitivity, sum(n), {counters} from {_tables.SnapshotAge} group by sensitivity
            union all
            {string.Join("\nunion all\n", edges.Select(e => e.Replace("count(*)", "count(*), " + string.Join(", ", thresholds.Select(_ => "0")), StringComparison.Ordinal)))}
            """;
    }

    private string NaiveAgeSql(DateTimeOffset now)
    {
        var columns = string.Join(", ", DashboardRules.AgeBucketStarts.Skip(1).Select(s => $"count(*) filter (where completed_at > {Ts(now - s)})"));
        return $"select governing_sensitivity, count(*), {columns} from {_tables.Snapshot} where status = 0 group by governing_sensitivity";
    }

    private string ExpiringSql(DateTimeOffset now)
    {
        var moments = new[] { now, now.AddHours(24), now.AddDays(7) };
        var counters = string.Join(", ", moments.Select(m => $"sum(n) filter (where expiry_hour >= {Ts(DashboardRules.NextHourAfter(m))})"));
        var edges = string.Join(", ", moments.Select(m =>
            $"(select count(*) from {_tables.Snapshot} where status = 0 and not_needed_at is null and expires_at >= {Ts(m)} and expires_at < {Ts(DashboardRules.NextHourAfter(m))})"));
        return $"""
            select {counters}, {edges} from {_tables.SnapshotExpiry} where expiry_hour >= {Ts(DashboardRules.NextHourAfter(now))}
            """;
    }

    // The bucket a row is in at the moment, under the policy's last-good rule (a CTE "policy" in the statement).
    private static string BucketNow(DateTimeOffset now, TimeSpan sweep)
    {
        var at = Ts(now);
        var cut = Ts(now - sweep);
        string Bucket(string deletable, string lastGood) =>
            $"""
            case when status <> 0 or due_since is null or due_since > {at} then 0
                 when held and (hold_until is null or hold_until > {at}) then 1
                 when pinned and (pin_until is null or pin_until > {at}) then 2
                 {lastGood}
                 when {deletable} < {cut} then 4 else 0 end
            """;
        return $"case when (select keep from policy) then {Bucket("deletable_keep", "when is_last_good then 3")} else {Bucket("deletable_from", "")} end";
    }

    private string PolicyCte =>
        $"""
        policy as (select coalesce((select (data -> 'Document' ->> 'KeepLastGoodSnapshot')::boolean
                                    from {store.Options.Schema.For<ApprovalPolicy>()}), true) as keep)
        """;

    // The counters of the buckets the clock step stored, and the rows it has not judged yet judged here.
    private string RetentionSql(DateTimeOffset now, TimeSpan sweep)
    {
        var at = Ts(now);
        return $"""
            with {PolicyCte},
            stale as materialized (
              select case when (select keep from policy) then ret_keep else ret_free end as was, {BucketNow(now, sweep)} as now
              from {_tables.Snapshot} where reclassify_at <= {at})
            select b.bucket, coalesce(r.n, 0) - (select count(*) from stale where was = b.bucket) + (select count(*) from stale where now = b.bucket)
            from (values (1), (2), (3), (4)) as b(bucket)
            left join {_tables.Retention} r on r.keep_last_good = (select keep from policy) and r.bucket = b.bucket
            """;
    }

    private string DomainCountsSql() =>
        $"""
        select d.id, d.data ->> 'Name', c.sensitivity, c.status, c.n
        from {store.Options.Schema.For<TrustDomain>()} d full join {_tables.SnapshotDomain} c on c.trust_domain_id = d.id and c.n <> 0
        """;

    // Cells and violations in SQL alone: the policy's required levels and the environments' trust from their documents.
    private string PlacementSql() =>
        $"""
        with required as (
          select (array['Public','Internal','Sensitive','Critical'])[s + 1] as name, s::smallint as sensitivity from generate_series(0, 3) s),
        rules as (
          select r.sensitivity, l.rank as needed
          from {store.Options.Schema.For<ApprovalPolicy>()} p, jsonb_array_elements(p.data -> 'Document' -> 'Sensitivities') x,
               required r, (values ('Untrusted', 0), ('Low', 1), ('Medium', 2), ('High', 3)) l(name, rank)
          where x ->> 'Sensitivity' = r.name and x ->> 'RequiredTrustLevel' = l.name),
        environments as (
          select e.id, l.rank from {store.Options.Schema.For<ExecutionEnvironment>()} e,
               (values ('Untrusted', 0), ('Low', 1), ('Medium', 2), ('High', 3)) l(name, rank)
          where e.data ->> 'TrustLevel' = l.name)
        select c.trust_domain_id, c.environment_id, sum(c.n), sum(c.n) filter (where coalesce(e.rank, 0) < r.needed)
        from {_tables.Placement} c left join environments e on e.id = c.environment_id left join rules r on r.sensitivity = c.sensitivity
        where c.n <> 0 group by 1, 2
        """;

    private string PendingSql(DateTimeOffset now) =>
        $"""
        select count(*) filter (where submitted > {Ts(now.AddHours(-1))}),
               count(*) filter (where submitted <= {Ts(now.AddHours(-1))} and submitted > {Ts(now.AddHours(-4))}),
               count(*) filter (where submitted <= {Ts(now.AddHours(-4))} and submitted > {Ts(now.AddHours(-24))}),
               count(*) filter (where submitted <= {Ts(now.AddHours(-24))}), min(submitted)
        from (select (data ->> 'SubmittedAt')::timestamptz as submitted from {store.Options.Schema.For<ChangeRequest>()}
              where data ->> 'Status' = 'PendingApproval') pending
        """;

    // A list page is its rows, the policy's last-good rule (each row shows what keeps it, which depends on the rule) and
    // the total the pager shows.
    private string ExpiringListSql(DateTimeOffset now)
    {
        var window = $"status = 0 and not_needed_at is null and expires_at >= {Ts(now)} and expires_at < {Ts(now.AddDays(7))}";
        return $"""
            with {PolicyCte}
            select s.*, (select keep from policy), (select count(*) from {_tables.Snapshot} where {window}) from {_tables.Snapshot} s
            where {window} order by expires_at, id limit 25
            """;
    }

    private const string ListColumns =
        """
        id, vnf_id, vnf_name, governing_sensitivity, completed_at, expires_at, not_needed_at, due_since, is_last_good, pinned, pin_reason,
        pin_until, pin_by, pin_at, held, hold_reason, hold_until, hold_by, hold_at, released_at, superseded_at
        """;

    // A retention list's first page by expiry and its total: the first 25 rows the clock step left in the buckets under
    // the policy's rule, the rows that moved since it judged here, and the total from the counters corrected for those.
    private string RetentionListSql(DateTimeOffset now, TimeSpan sweep, string buckets)
    {
        var at = Ts(now);
        var keep = buckets == "= 4" ? "ret_keep = 4" : "ret_keep >= 1 and ret_keep <= 3";
        var free = buckets == "= 4" ? "ret_free = 4" : "ret_free >= 1 and ret_free <= 3";
        return $"""
            with {PolicyCte},
            stale as materialized (
              select {ListColumns}, case when (select keep from policy) then ret_keep else ret_free end as was, {BucketNow(now, sweep)} as now
              from {_tables.Snapshot} where reclassify_at <= {at}),
            page as (
              (select {ListColumns} from {_tables.Snapshot} where (select keep from policy) and {keep} and reclassify_at > {at} order by expires_at, id limit 25)
              union all
              (select {ListColumns} from {_tables.Snapshot} where not (select keep from policy) and {free} and reclassify_at > {at} order by expires_at, id limit 25)
              union all
              (select {ListColumns} from stale where now {buckets}))
            select p.*, coalesce((select sum(n) from {_tables.Retention} where keep_last_good = (select keep from policy) and bucket {buckets}), 0)
                        - (select count(*) from stale where was {buckets}) + (select count(*) from stale where now {buckets})
            from page p order by expires_at, id limit 25
            """;
    }

    // The age and trust-domain lists as their pages open them: oldest first (SnapshotListQuery.EffectiveSort).
    private string AgeListSql(DateTimeOffset now)
    {
        var (after, atOrBefore) = DashboardRules.CompletionRange(AgeBucket.OneToThreeDays, now);
        var range = $"status = 0 and governing_sensitivity = {(int)Sensitivity.Critical} and completed_at > {Ts(after!.Value)} and completed_at <= {Ts(atOrBefore!.Value)}";
        return $"""
            with {PolicyCte}
            select s.*, (select keep from policy), (select count(*) from {_tables.Snapshot} where {range}) from {_tables.Snapshot} s
            where {range} order by completed_at, id limit 25
            """;
    }

    private string DomainListSql(Guid domain) =>
        $"""
        with {PolicyCte}
        select s.*, (select keep from policy), (select n from {_tables.SnapshotDomainTotal} where trust_domain_id = '{domain}' and status = 0)
        from {_tables.Snapshot} s
        where status = 0 and part_domains @> array['{domain}'::uuid] order by completed_at, id limit 25
        """;

    private async Task<Guid> LargestTrustDomainAsync()
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select trust_domain_id from {_tables.SnapshotDomainTotal} where status = 0 order by n desc limit 1", conn);
        return await command.ExecuteScalarAsync() is Guid id ? id : Guid.Empty;
    }

    // The same plan the reader uses: one short index scan per violating (environment, sensitivity) pair, merged.
    private string ViolationListSql(IReadOnlyList<(Guid Environment, short Sensitivity)> pairs)
    {
        if (pairs.Count == 0)
            return "select 0";
        var where = pairs.Select(p => $"environment_id = '{p.Environment}' and sensitivity = {p.Sensitivity}").ToList();
        var scans = where.Select(w =>
            $"(select vnf_id, vnf_name, id, name, sensitivity, trust_domain_id, environment_id from {_tables.Component} where {w} order by vnf_name, name, id limit 25)");
        return $"""
            select c.*, (select sum(n) from {_tables.Placement} where ({string.Join(") or (", where)}))
            from ({string.Join(" union all ", scans)}) c order by vnf_name, name, id limit 25
            """;
    }

    private async Task<IReadOnlyList<(Guid Environment, short Sensitivity)>> ViolatingPairsAsync()
    {
        await using var query = store.QuerySession();
        var policy = (await query.LoadAsync<ApprovalPolicy>(ApprovalPolicy.StreamId))?.Document;
        var environments = await query.Query<ExecutionEnvironment>().ToListAsync();
        return [.. environments.SelectMany(e => DashboardRules.Sensitivities
            .Where(sensitivity => e.TrustLevel < Placement.RequiredTrustLevel(sensitivity, policy))
            .Select(sensitivity => (e.Id, (short)sensitivity)))];
    }

    // A policy revision that makes Internal components need Medium trust: every Internal component on a Low or
    // Untrusted environment becomes a violation (a large share of the 300,000).
    private async Task SetInternalRequirementAsync(TrustLevel required)
    {
        await using var session = store.LightweightSession();
        var current = await session.LoadAsync<ApprovalPolicy>(ApprovalPolicy.StreamId)
            ?? throw new InvalidOperationException("No policy in force.");
        var raised = current.Document with
        {
            Sensitivities = [.. current.Document.Sensitivities.Select(r =>
                r.Sensitivity == Sensitivity.Internal ? r with { RequiredTrustLevel = required } : r)],
        };
        if (raised.Sensitivities.SequenceEqual(current.Document.Sensitivities))
            return;
        session.Events.Append(ApprovalPolicy.StreamId,
            new PolicyRevised(ApprovalPolicy.StreamId, current.Revision + 1, raised, $"bench: Internal needs {required}", "bench", DateTimeOffset.UtcNow));
        await session.SaveChangesAsync();
    }

    // ---- plumbing ------------------------------------------------------------------------------------------------------

    private static string Ts(DateTimeOffset t) =>
        $"'{t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)}+00'::timestamptz";

    private static async Task ScalarsAsync(NpgsqlConnection conn, string sql)
    {
        await using var command = new NpgsqlCommand(sql, conn);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            for (var i = 0; i < reader.FieldCount; i++)
                _ = reader.GetValue(i);
        }
    }

    private static async Task SqlAsync(NpgsqlDataSource dataSource, Func<NpgsqlConnection, Task> sql)
    {
        await using var conn = await dataSource.OpenConnectionAsync();
        await sql(conn);
    }

    private static async Task<double> TimeAsync(Func<Task> action)
    {
        var started = Stopwatch.GetTimestamp();
        await action();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var command = new NpgsqlCommand(sql, conn) { CommandTimeout = 1800 };
        await command.ExecuteNonQueryAsync();
    }

    private static void Out(string line) => System.Console.Out.WriteLine(line);
}

using System.Text;
using Console.Workflows.Dashboards.Projections;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;
using Console.Workflows.Requests;
using Marten;
using Npgsql;
using NpgsqlTypes;

namespace Console.Workflows.Dashboards;

/// <summary>
/// Reads the dashboard figures from the projection tables with plain SQL (see <see cref="DashboardTables"/>): counts
/// come from the counter tables for whole hours plus an index range scan of the flat rows for the partial hour at each
/// boundary, so they are exact without scanning every snapshot. Environments, trust domains and the policy in force are
/// read from their documents in the same batch and judge placement as it stands now. Each figure costs one round trip;
/// the whole dashboard too.
/// </summary>
public sealed class MartenDashboardReader(IQuerySession session, DashboardTables tables, DashboardOptions options, TimeProvider time)
    : IDashboardReader
{
    public const int MaxPageSize = 200;

    public async Task<DashboardFigures> GetFiguresAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var batch = new Batch();
        var reference = AddReference(batch);
        var age = AddAge(batch, now);
        var expiring = AddExpiring(batch, now);
        var retention = AddRetention(batch, now);
        var domains = AddTrustDomainCounts(batch);
        var placement = AddPlacement(batch);
        var pending = AddPending(batch, now);
        await RunAsync(batch, ct);
        return new DashboardFigures(now, age(), expiring(), retention(), domains(reference()), placement(reference()), pending());
    }

    public async Task<AgeDistribution> GetAgeDistributionAsync(CancellationToken ct = default)
    {
        var batch = new Batch();
        var age = AddAge(batch, time.GetUtcNow());
        await RunAsync(batch, ct);
        return age();
    }

    public async Task<ExpiryFigures> GetExpiringAsync(CancellationToken ct = default)
    {
        var batch = new Batch();
        var expiring = AddExpiring(batch, time.GetUtcNow());
        await RunAsync(batch, ct);
        return expiring();
    }

    public async Task<RetentionFigures> GetRetentionAsync(CancellationToken ct = default)
    {
        var batch = new Batch();
        var retention = AddRetention(batch, time.GetUtcNow());
        await RunAsync(batch, ct);
        return retention();
    }

    public async Task<TrustDomainCounts> GetTrustDomainCountsAsync(CancellationToken ct = default)
    {
        var batch = new Batch();
        var reference = AddReference(batch, policyAndEnvironments: false);
        var domains = AddTrustDomainCounts(batch);
        await RunAsync(batch, ct);
        return domains(reference());
    }

    public async Task<PlacementFigures> GetPlacementAsync(CancellationToken ct = default)
    {
        var batch = new Batch();
        var reference = AddReference(batch);
        var placement = AddPlacement(batch);
        await RunAsync(batch, ct);
        return placement(reference());
    }

    public async Task<PendingApprovalFigures> GetPendingApprovalsAsync(CancellationToken ct = default)
    {
        var batch = new Batch();
        var pending = AddPending(batch, time.GetUtcNow());
        await RunAsync(batch, ct);
        return pending();
    }

    // ---- age distribution ------------------------------------------------------------------------------------------

    private Func<AgeDistribution> AddAge(Batch batch, DateTimeOffset now)
    {
        // cumulative[i] = available snapshots completed after now - AgeBucketStarts[i + 1]; the buckets are differences.
        var thresholds = DashboardRules.AgeBucketStarts.Skip(1).Select(start => now - start).ToArray();
        var hours = thresholds.Select(DashboardRules.NextHourAfter).ToArray();
        var cumulative = DashboardRules.Sensitivities.ToDictionary(s => s, _ => new long[thresholds.Length]);
        var totals = DashboardRules.Sensitivities.ToDictionary(s => s, _ => 0L);

        var sums = string.Join(", ", hours.Select((_, i) => $"coalesce(sum(n) filter (where completed_hour >= ${i + 1}), 0)::bigint"));
        batch.Add(
            $"select sensitivity, sum(n)::bigint, {sums} from {tables.SnapshotAge} group by sensitivity",
            [.. hours.Select(Timestamp)],
            reader =>
            {
                if (!cumulative.TryGetValue((Sensitivity)reader.GetInt16(0), out var counts))
                    return;
                totals[(Sensitivity)reader.GetInt16(0)] += reader.GetInt64(1);
                for (var i = 0; i < hours.Length; i++)
                    counts[i] += reader.GetInt64(i + 2);
            });

        // The partial hour above each threshold, from the flat rows: one index-only range scan of at most an hour each
        // (one scan per range, not an OR of ranges, which would become a bitmap scan visiting a heap page per row).
        batch.Add(
            string.Join("\nunion all\n", thresholds.Select((_, i) =>
                $"select {i}, governing_sensitivity, count(*) from {tables.Snapshot} where status = 0 and completed_at > ${(2 * i) + 1} and completed_at < ${(2 * i) + 2} group by 2")),
            [.. thresholds.SelectMany((t, i) => new[] { Timestamp(t), Timestamp(hours[i]) })],
            reader =>
            {
                if (cumulative.TryGetValue((Sensitivity)reader.GetInt16(1), out var counts))
                    counts[reader.GetInt32(0)] += reader.GetInt64(2);
            });

        return () =>
        {
            var distribution = new Dictionary<Sensitivity, IReadOnlyList<long>>();
            foreach (var sensitivity in DashboardRules.Sensitivities)
            {
                var c = cumulative[sensitivity];
                var buckets = new long[DashboardRules.AgeBuckets.Count];
                buckets[0] = c[0];
                for (var i = 1; i < c.Length; i++)
                    buckets[i] = c[i] - c[i - 1];
                buckets[^1] = totals[sensitivity] - c[^1];
                distribution[sensitivity] = buckets;
            }

            return new AgeDistribution(now, distribution);
        };
    }

    // ---- expiring ---------------------------------------------------------------------------------------------------

    private Func<ExpiryFigures> AddExpiring(Batch batch, DateTimeOffset now)
    {
        var from = AddExpiringFrom(batch, [now, now + DashboardRules.Length(ExpiryWindow.Within24Hours), now + DashboardRules.Length(ExpiryWindow.Within7Days)]);
        return () =>
        {
            var counts = from();
            return new ExpiryFigures(now, counts[0] - counts[1], counts[0] - counts[2]);
        };
    }

    /// <summary>For each moment t: available, still-needed snapshots expiring at or after t.</summary>
    private Func<long[]> AddExpiringFrom(Batch batch, DateTimeOffset[] moments)
    {
        var hours = moments.Select(DashboardRules.NextHourAfter).ToArray();
        var result = new long[moments.Length];
        var sums = string.Join(", ", hours.Select((_, i) => $"coalesce(sum(n) filter (where expiry_hour >= ${i + 1}), 0)::bigint"));
        batch.Add(
            $"select {sums} from {tables.SnapshotExpiry} where expiry_hour >= ${hours.Length + 1}",
            [.. hours.Select(Timestamp), Timestamp(hours.Min())],
            reader =>
            {
                for (var i = 0; i < hours.Length; i++)
                    result[i] += reader.GetInt64(i);
            });

        // One index-only range scan per partial hour (see the age distribution).
        batch.Add(
            "select " + string.Join(", ", moments.Select((_, i) =>
                $"(select count(*) from {tables.Snapshot} where status = 0 and not_needed_at is null and expires_at >= ${(2 * i) + 1} and expires_at < ${(2 * i) + 2})")),
            [.. moments.SelectMany((m, i) => new[] { Timestamp(m), Timestamp(hours[i]) })],
            reader =>
            {
                for (var i = 0; i < moments.Length; i++)
                    result[i] += reader.GetInt64(i);
            });
        return () => result;
    }

    // ---- retention: overdue and protected past expiry ---------------------------------------------------------------

    private Func<RetentionFigures> AddRetention(Batch batch, DateTimeOffset now)
    {
        // The counters hold each snapshot in the bucket the clock step last judged it in, for both settings of the
        // policy's last-good rule; the rows whose bucket may have changed since (reclassify_at passed, or unclassified by
        // a change) are judged here and counted over. Those are the few rows that moved since the last step, found
        // through their index, so the figure costs the same however many snapshots there are.
        var counts = new long[5];
        var keep = DefaultPolicy.Document.KeepLastGoodSnapshot;
        batch.Add(
            $"""
            with policy as ({KeepLastGoodSql}),
            stale as materialized (
              select ret_keep, ret_free, {RetentionSql.Bucket(true, "$1", "$2")} as now_keep, {RetentionSql.Bucket(false, "$1", "$2")} as now_free
              from {tables.Snapshot} where reclassify_at <= $1)
            select b.bucket,
                   coalesce((select r.n from {tables.Retention} r where r.keep_last_good = p.keep and r.bucket = b.bucket), 0)
                   - (select count(*) from stale where (case when p.keep then ret_keep else ret_free end) = b.bucket)
                   + (select count(*) from stale where (case when p.keep then now_keep else now_free end) = b.bucket),
                   p.keep
            from policy p, (values (1::smallint), (2::smallint), (3::smallint), (4::smallint)) as b(bucket)
            """,
            [Timestamp(now), new NpgsqlParameter { Value = options.SweepInterval, NpgsqlDbType = NpgsqlDbType.Interval }],
            reader =>
            {
                counts[reader.GetInt16(0)] = reader.GetInt64(1);
                keep = reader.GetBoolean(2);
            });
        return () => new RetentionFigures(
            now, counts[(int)RetentionBucket.Overdue], counts[(int)RetentionBucket.LegalHold], counts[(int)RetentionBucket.Pinned],
            counts[(int)RetentionBucket.LastGood], keep, options.SweepInterval);
    }

    // The policy's "keep the last good snapshot of each VNF", as one row (the default policy's when there is none yet).
    private string KeepLastGoodSql =>
        $"""
        select coalesce((select (data -> 'Document' ->> 'KeepLastGoodSnapshot')::boolean
                         from {session.DocumentStore.Options.Schema.For<ApprovalPolicy>()} where id = '{ApprovalPolicy.StreamId}'),
                        {(DefaultPolicy.Document.KeepLastGoodSnapshot ? "true" : "false")}) as keep
        """;

    // ---- counts by trust domain -------------------------------------------------------------------------------------

    private Func<Reference, TrustDomainCounts> AddTrustDomainCounts(Batch batch)
    {
        var available = new Dictionary<Guid, Dictionary<Sensitivity, long>>();
        var totals = new Dictionary<Guid, (long Available, long Deleted)>();
        batch.Add(
            $"select trust_domain_id, sensitivity, n from {tables.SnapshotDomain} where status = 0 and n <> 0",
            [],
            reader =>
            {
                var domain = reader.GetGuid(0);
                if (!available.TryGetValue(domain, out var bySensitivity))
                    available[domain] = bySensitivity = [];
                bySensitivity[(Sensitivity)reader.GetInt16(1)] = reader.GetInt64(2);
            });
        batch.Add(
            $"select trust_domain_id, status, n from {tables.SnapshotDomainTotal} where n <> 0",
            [],
            reader =>
            {
                var domain = reader.GetGuid(0);
                var (a, d) = totals.GetValueOrDefault(domain);
                totals[domain] = reader.GetInt16(1) == DashboardTables.Available ? (a + reader.GetInt64(2), d) : (a, d + reader.GetInt64(2));
            });

        return reference =>
        {
            // Every known domain gets a row (zeros included); a domain only snapshots know of still shows, by id.
            var known = reference.TrustDomains.ToDictionary(d => d.Id);
            var rows = reference.TrustDomains.Select(d => d.Id).Concat(available.Keys).Concat(totals.Keys).Distinct()
                .Select(id => new TrustDomainCountRow(
                    known.GetValueOrDefault(id) ?? new TrustDomainRef(id, "(unknown domain)"),
                    available.TryGetValue(id, out var counts) ? counts : new Dictionary<Sensitivity, long>(),
                    totals.GetValueOrDefault(id).Available,
                    totals.GetValueOrDefault(id).Deleted))
                .OrderBy(r => r.TrustDomain.Name, StringComparer.OrdinalIgnoreCase)
                .ToList();
            return new TrustDomainCounts(rows);
        };
    }

    // ---- placement ---------------------------------------------------------------------------------------------------

    private Func<Reference, PlacementFigures> AddPlacement(Batch batch)
    {
        var groups = new List<(Guid Domain, Guid Environment, Sensitivity Sensitivity, long N)>();
        batch.Add(
            $"select trust_domain_id, environment_id, sensitivity, n from {tables.Placement} where n <> 0",
            [],
            reader => groups.Add((reader.GetGuid(0), reader.GetGuid(1), (Sensitivity)reader.GetInt16(2), reader.GetInt64(3))));

        return reference =>
        {
            var environments = reference.Environments.ToDictionary(e => e.Id);
            var cells = groups
                .GroupBy(g => (g.Domain, g.Environment))
                .Select(cell => new PlacementCell(cell.Key.Domain, cell.Key.Environment, cell.Sum(g => g.N),
                    cell.Where(g => Violates(environments.GetValueOrDefault(g.Environment), g.Sensitivity, reference.Policy)).Sum(g => g.N)))
                .ToList();
            return new PlacementFigures(reference.PolicyRevision, reference.TrustDomains, reference.Environments, cells, cells.Sum(c => c.Violations));
        };
    }

    // An environment the inventory no longer knows cannot be trusted.
    private static bool Violates(EnvironmentRef? environment, Sensitivity sensitivity, PolicyDocument? policy) =>
        (environment?.TrustLevel ?? TrustLevel.Untrusted) < Placement.RequiredTrustLevel(sensitivity, policy);

    // ---- pending approvals --------------------------------------------------------------------------------------------

    private Func<PendingApprovalFigures> AddPending(Batch batch, DateTimeOffset now)
    {
        var starts = DashboardRules.PendingBucketStarts.Skip(1).Select(start => now - start).ToArray();
        var counts = new long[DashboardRules.PendingBuckets.Count];
        DateTimeOffset? oldest = null;
        // The status filter is the expression of Marten's index on Status; the few pending requests are then bucketed.
        batch.Add(
            $"""
            select count(*) filter (where submitted > $2), count(*) filter (where submitted <= $2 and submitted > $3),
                   count(*) filter (where submitted <= $3 and submitted > $4), count(*) filter (where submitted <= $4),
                   min(submitted)
            from (select (data ->> 'SubmittedAt')::timestamptz as submitted
                  from {session.DocumentStore.Options.Schema.For<ChangeRequest>()} where data ->> 'Status' = $1) pending
            """,
            [new NpgsqlParameter { Value = nameof(RequestStatus.PendingApproval), NpgsqlDbType = NpgsqlDbType.Text }, .. starts.Select(Timestamp)],
            reader =>
            {
                for (var i = 0; i < counts.Length; i++)
                    counts[i] = reader.GetInt64(i);
                oldest = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4);
            });
        return () => new PendingApprovalFigures(now, counts, oldest);
    }

    // ---- snapshot lists -----------------------------------------------------------------------------------------------

    public async Task<SnapshotPage> ListSnapshotsAsync(SnapshotListRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        var page = Math.Max(0, request.Page);
        var pageSize = Math.Clamp(request.PageSize, 1, MaxPageSize);

        var batch = new Batch();
        // The policy's last-good rule comes with the rows (it decides what keeps each one).
        var keepLastGood = DefaultPolicy.Document.KeepLastGoodSnapshot;

        var parameters = new List<NpgsqlParameter>();
        string Param(object value, NpgsqlDbType type)
        {
            parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
            return $"${parameters.Count}";
        }

        string Time(DateTimeOffset value) => Param(value.ToUniversalTime(), NpgsqlDbType.TimestampTz);

        // The rows to page through, as a query over dash_snapshot. Totals come from the counters where they hold them.
        string source;
        Func<long> total;
        (string Ctes, string Count)? retentionList = null;
        long countedWithRows = 0;
        switch (request.Kind)
        {
            case SnapshotListKind.Expiring:
            {
                var (from, until) = DashboardRules.ExpiryRange(request.Window, now);
                source = $"select * from {tables.Snapshot} where status = 0 and not_needed_at is null and expires_at >= {Time(from)} and expires_at < {Time(until)}";
                var counts = AddExpiringFrom(batch, [from, until]);
                total = () => counts()[0] - counts()[1];
                break;
            }

            case SnapshotListKind.Overdue:
            case SnapshotListKind.ProtectedPastExpiry:
            {
                // Counted in the page's own statement, as the figure counts: the bucket counters and the moved rows.
                retentionList = RetentionListSource(request, now, (long)page * pageSize + pageSize, Time, Param, out source);
                total = () => countedWithRows;
                break;
            }

            case SnapshotListKind.Age:
            {
                var bucket = request.Age ?? AgeBucket.UnderOneDay;
                var (after, atOrBefore) = DashboardRules.CompletionRange(bucket, now);
                source = $"select * from {tables.Snapshot} where status = 0";
                if (after is { } a)
                    source += $" and completed_at > {Time(a)}";
                if (atOrBefore is { } b)
                    source += $" and completed_at <= {Time(b)}";
                if (request.Sensitivity is { } s)
                    source += $" and governing_sensitivity = {Param((short)s, NpgsqlDbType.Smallint)}";
                var age = AddAge(batch, now);
                total = () => request.Sensitivity is { } only ? age().Count(only, bucket) : age().Count(bucket);
                break;
            }

            case SnapshotListKind.TrustDomain:
            {
                var domain = request.TrustDomainId ?? Guid.Empty;
                source = $"select * from {tables.Snapshot} where status = 0 and part_domains @> {Param(new[] { domain }, NpgsqlDbType.Array | NpgsqlDbType.Uuid)}";
                long counted = 0;
                if (request.Sensitivity is { } s)
                {
                    source += " and exists (select 1 from unnest(part_domains, part_sensitivities) as p(domain_id, sensitivity)"
                        + $" where p.domain_id = {Param(domain, NpgsqlDbType.Uuid)} and p.sensitivity = {Param((short)s, NpgsqlDbType.Smallint)})";
                    batch.Add($"select n from {tables.SnapshotDomain} where trust_domain_id = $1 and sensitivity = $2 and status = 0",
                        [Uuid(domain), new NpgsqlParameter { Value = (short)s, NpgsqlDbType = NpgsqlDbType.Smallint }],
                        reader => counted = reader.GetInt64(0));
                }
                else
                {
                    batch.Add($"select n from {tables.SnapshotDomainTotal} where trust_domain_id = $1 and status = 0",
                        [Uuid(domain)], reader => counted = reader.GetInt64(0));
                }

                total = () => counted;
                break;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(request), request.Kind, "Unknown list.");
        }

        var order = DashboardTables.SortColumn(request.SortBy);
        var direction = request.Descending ? "desc" : "asc";
        var facts = new List<(SnapshotRow Row, RetentionFacts Facts)>(pageSize);
        const string Columns = $"{RowColumns}, (select keep from policy)";
        var pageOf = $"order by {order} {direction} nulls last, id {direction} limit {pageSize} offset {(long)page * pageSize}";
        // A retention list's count comes on every row of the page, and alone on one empty row when the page is empty.
        var statement = retentionList is { } list
            ? $"""
              with policy as ({KeepLastGoodSql}), {list.Ctes}, rows as not materialized ({source})
              select p.*, t.n from (select {list.Count} as n) t left join lateral (select {Columns} from rows {pageOf}) p on true
              order by p.{order} {direction} nulls last, p.id {direction}
              """
            : $"""
              with policy as ({KeepLastGoodSql}), rows as not materialized ({source})
              select {Columns} from rows s {pageOf}
              """;
        batch.Add(
            statement,
            parameters,
            reader =>
            {
                if (reader.FieldCount > 22)
                    countedWithRows = reader.GetInt64(22);
                if (reader.IsDBNull(0))
                    return;
                keepLastGood = reader.GetBoolean(21);
                var pin = reader.GetBoolean(9) ? HoldAt(reader, 10) : null;
                var hold = reader.GetBoolean(14) ? HoldAt(reader, 15) : null;
                var retention = new RetentionFacts(
                    reader.GetFieldValue<DateTimeOffset>(4), true, NullableTime(reader, 5), NullableTime(reader, 6), pin, hold,
                    NullableTime(reader, 19), reader.GetBoolean(8), NullableTime(reader, 20));
                facts.Add((new SnapshotRow(
                    reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), (Sensitivity)reader.GetInt16(3), retention.CompletedAt,
                    retention.ExpiresAt, retention.NotNeededAt, NullableTime(reader, 7), retention.IsLastGood, pin, hold, null), retention));
            });
        await RunAsync(batch, ct);

        // What keeps each one is judged once the policy's rule is known.
        var rows = facts.Select(f => f.Row with { Protection = DashboardRules.ProtectionOf(f.Facts, now, keepLastGood) }).ToList();
        return new SnapshotPage(now, rows, total(), page, pageSize);
    }

    // What a list shows of each snapshot (besides the policy's rule).
    private const string RowColumns = """
        id, vnf_id, vnf_name, governing_sensitivity, completed_at, expires_at, not_needed_at, due_since, is_last_good,
        pinned, pin_reason, pin_until, pin_by, pin_at, held, hold_reason, hold_until, hold_by, hold_at,
        released_at, superseded_at
        """;

    // The overdue or held-past-expiry rows, enough for the page: for each setting of the last-good rule (only the one the
    // policy selects runs) the first rows in the page's order among those the clock step stored in the list's buckets and
    // that have not moved since, each an index range of its partial index, and the rows that moved since the last step,
    // judged here as the figure judges them. So a page costs its offset plus its size plus one step interval of
    // movements, however many rows are overdue or held. The count: the bucket counters, corrected for the moved rows.
    private (string Ctes, string Count) RetentionListSource(
        SnapshotListRequest request, DateTimeOffset now, long limit, Func<DateTimeOffset, string> time, Func<object, NpgsqlDbType, string> param,
        out string source)
    {
        var at = time(now);
        var sweep = param(options.SweepInterval, NpgsqlDbType.Interval);
        var order = DashboardTables.SortColumn(request.SortBy);
        var direction = request.Descending ? "desc" : "asc";
        var branches = new List<string>();
        foreach (var keep in (bool[])[true, false])
        {
            var stored = $"{(keep ? "" : "not ")}(select keep from policy) and {DashboardTables.RetentionListPredicate(request.Kind, keep)} and reclassify_at > {at}";
            // Read backwards, an index puts the rows without an expiry first; the page wants them last in both directions.
            if (request.SortBy == SnapshotSortField.ExpiresAt && request.Descending)
            {
                branches.Add($"(select {RowColumns} from {tables.Snapshot} where {stored} and expires_at is not null order by expires_at {direction}, id {direction} limit {limit})");
                branches.Add($"(select {RowColumns} from {tables.Snapshot} where {stored} and expires_at is null order by id {direction} limit {limit})");
            }
            else
            {
                branches.Add($"(select {RowColumns} from {tables.Snapshot} where {stored} order by {order} {direction}, id {direction} limit {limit})");
            }
        }

        var buckets = request.Kind == SnapshotListKind.Overdue
            ? $"= {(int)RetentionBucket.Overdue}"
            : $"between {(int)RetentionBucket.LegalHold} and {(int)RetentionBucket.LastGood}";
        branches.Add($"(select {RowColumns} from moved where now_bucket {buckets})");
        source = string.Join("\nunion all\n", branches);
        var ctes =
            $"""
            moved as materialized (
              select {RowColumns}, case when (select keep from policy) then ret_keep else ret_free end as was,
                     (case when (select keep from policy) then {RetentionSql.Bucket(true, at, sweep)} else {RetentionSql.Bucket(false, at, sweep)} end) as now_bucket
              from {tables.Snapshot} where reclassify_at <= {at})
            """;
        var count =
            $"""
            coalesce((select sum(n) from {tables.Retention} where keep_last_good = (select keep from policy) and bucket {buckets}), 0)::bigint
              - (select count(*) from moved where was {buckets}) + (select count(*) from moved where now_bucket {buckets})
            """;
        return (ctes, count);
    }

    private static Hold HoldAt(NpgsqlDataReader reader, int first) =>
        new(reader.IsDBNull(first) ? "" : reader.GetString(first), NullableTime(reader, first + 1),
            reader.IsDBNull(first + 2) ? "" : reader.GetString(first + 2), NullableTime(reader, first + 3) ?? DateTimeOffset.MinValue);

    private static DateTimeOffset? NullableTime(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);

    // ---- component lists ----------------------------------------------------------------------------------------------

    public async Task<ComponentPage> ListComponentsAsync(ComponentListRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var page = Math.Max(0, request.Page);
        var pageSize = Math.Clamp(request.PageSize, 1, MaxPageSize);

        var batch = new Batch();
        var load = AddReference(batch);
        var parameters = new List<NpgsqlParameter>();
        string Param(object value, NpgsqlDbType type)
        {
            parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
            return $"${parameters.Count}";
        }

        var filters = new List<string>();
        if (request.TrustDomainId is { } domain)
            filters.Add($"c.trust_domain_id = {Param(domain, NpgsqlDbType.Uuid)}");
        if (request.EnvironmentId is { } environment)
            filters.Add($"c.environment_id = {Param(environment, NpgsqlDbType.Uuid)}");
        var filter = string.Concat(filters.Select(f => " and " + f));
        var direction = request.Descending ? "desc" : "asc";
        var byVnf = $"vnf_name {direction}, name {direction}, id {direction}";
        const string Columns = "c.vnf_id, c.vnf_name, c.id, c.name, c.sensitivity, c.trust_domain_id, c.environment_id";

        // Placement is judged per (environment, sensitivity) against the documents as they are now, in SQL, so a page
        // costs one round trip. The counters hold the same (domain, environment, sensitivity) groups: the total needs
        // no scan of components.
        string violating, source, countSql;
        if (request.ViolationsOnly)
        {
            violating = $"violating as materialized ({ViolatingPairsSql}), ";
            countSql = $"""
                with violating as materialized ({ViolatingPairsSql}) select coalesce(sum(c.n), 0)::bigint
                from violating v join {tables.Placement} c on c.environment_id = v.environment_id and c.sensitivity = v.sensitivity
                where true{filter}
                """;
            // Sorted by VNF, a page is a merge of one short index scan per violating pair however many components
            // violate; other orders sort the violating components.
            source = request.SortBy == ComponentSortField.Vnf
                ? $"""
                    violating v cross join lateral (
                      select {Columns} from {tables.Component} c
                      where c.environment_id = v.environment_id and c.sensitivity = v.sensitivity{filter}
                      order by {byVnf} limit {((long)page + 1) * pageSize}) c
                    """
                : $"violating v join {tables.Component} c on c.environment_id = v.environment_id and c.sensitivity = v.sensitivity{filter}";
        }
        else
        {
            violating = "";
            countSql = $"select coalesce(sum(c.n), 0)::bigint from {tables.Placement} c where true{filter}";
            source = $"{tables.Component} c where true{filter}";
        }

        long total = 0;
        batch.Add(countSql, [.. parameters.Select(p => p.Clone())], reader => total = reader.GetInt64(0));

        var schema = session.DocumentStore.Options.Schema;
        var order = request.SortBy switch
        {
            ComponentSortField.Component => $"c.name {direction}, c.vnf_name, c.id",
            ComponentSortField.Sensitivity => $"c.sensitivity {direction}, c.vnf_name, c.name, c.id",
            ComponentSortField.Environment => $"e.data ->> 'Name' {direction}, c.vnf_name, c.name, c.id",
            ComponentSortField.TrustDomain => $"d.data ->> 'Name' {direction}, c.vnf_name, c.name, c.id",
            _ => $"c.vnf_name {direction}, c.name {direction}, c.id {direction}",
        };
        var raw = new List<(Guid Vnf, string VnfName, Guid Id, string Name, Sensitivity Sensitivity, Guid Domain, Guid Environment)>(pageSize);
        batch.Add(
            $"""
            with {violating}rows as {(request.ViolationsOnly ? "materialized" : "not materialized")} (select {Columns} from {source})
            select c.vnf_id, c.vnf_name, c.id, c.name, c.sensitivity, c.trust_domain_id, c.environment_id
            from rows c
            left join {schema.For<ExecutionEnvironment>()} e on e.id = c.environment_id
            left join {schema.For<TrustDomain>()} d on d.id = c.trust_domain_id
            order by {order}
            limit {pageSize} offset {(long)page * pageSize}
            """,
            parameters,
            reader => raw.Add((reader.GetGuid(0), reader.GetString(1), reader.GetGuid(2), reader.GetString(3), (Sensitivity)reader.GetInt16(4),
                reader.GetGuid(5), reader.GetGuid(6))));
        await RunAsync(batch, ct);

        var reference = load();
        var environments = reference.Environments.ToDictionary(e => e.Id);
        var domains = reference.TrustDomains.ToDictionary(d => d.Id);
        var rows = raw.Select(r => new ComponentRow(
                r.Vnf, r.VnfName, r.Id, r.Name, r.Sensitivity,
                domains.GetValueOrDefault(r.Domain) ?? new TrustDomainRef(r.Domain, "(unknown)"),
                environments.GetValueOrDefault(r.Environment) ?? new EnvironmentRef(r.Environment, "(unknown)", TrustLevel.Untrusted),
                Placement.RequiredTrustLevel(r.Sensitivity, reference.Policy)))
            .ToList();
        return new ComponentPage(reference.PolicyRevision, rows, total, page, pageSize);
    }

    /// <summary>
    /// (environment_id, sensitivity) pairs whose environment is trusted less than the policy in force requires for the
    /// sensitivity (the fixed table of <see cref="Placement"/> where the policy has no rule), from the documents.
    /// </summary>
    private string ViolatingPairsSql
    {
        get
        {
            static string Rank<TEnum>(string json) where TEnum : struct, Enum =>
                $"case {json} {string.Join(" ", Enum.GetValues<TEnum>().Select(v => $"when '{v}' then {Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture)}"))} else null end";
            var defaults = string.Join(", ", DashboardRules.Sensitivities.Select(s => $"({(int)s}, {(int)Placement.RequiredTrustLevel(s)})"));
            var schema = session.DocumentStore.Options.Schema;
            return $"""
                select e.id as environment_id, r.sensitivity::smallint as sensitivity
                from (select id, coalesce({Rank<TrustLevel>("data ->> 'TrustLevel'")}, 0) as level from {schema.For<ExecutionEnvironment>()}) e,
                     (select f.sensitivity, coalesce(p.needed, f.needed) as needed
                      from (values {defaults}) as f(sensitivity, needed)
                      left join (select {Rank<Sensitivity>("x ->> 'Sensitivity'")} as sensitivity, {Rank<TrustLevel>("x ->> 'RequiredTrustLevel'")} as needed
                                 from {schema.For<ApprovalPolicy>()} a, jsonb_array_elements(a.data -> 'Document' -> 'Sensitivities') x
                                 where a.id = '{ApprovalPolicy.StreamId}') p on p.sensitivity = f.sensitivity) r
                where e.level < r.needed
                """;
        }
    }

    // ---- reference data: the policy in force, environments and trust domains, from their documents ----------------------

    private sealed record Reference(
        PolicyDocument? Policy, int PolicyRevision, IReadOnlyList<TrustDomainRef> TrustDomains, IReadOnlyList<EnvironmentRef> Environments);

    private Func<Reference> AddReference(Batch batch, bool policyAndEnvironments = true)
    {
        var schema = session.DocumentStore.Options.Schema;
        PolicyDocument? policy = null;
        var revision = 0;
        var environments = new List<EnvironmentRef>();
        var domains = new List<TrustDomainRef>();
        var serializer = session.DocumentStore.Options.Serializer();
        if (policyAndEnvironments)
        {
            batch.Add(
                $"select (data ->> 'Revision')::int, (data -> 'Document')::text from {schema.For<ApprovalPolicy>()} where id = $1",
                [Uuid(ApprovalPolicy.StreamId)],
                reader =>
                {
                    revision = reader.GetInt32(0);
                    using var json = new MemoryStream(Encoding.UTF8.GetBytes(reader.GetString(1)));
                    policy = serializer.FromJson<PolicyDocument>(json);
                });
            batch.Add(
                $"select id, data ->> 'Name', data ->> 'TrustLevel' from {schema.For<ExecutionEnvironment>()} order by data ->> 'Name', id",
                [],
                reader => environments.Add(new EnvironmentRef(reader.GetGuid(0), reader.GetString(1),
                    Enum.TryParse<TrustLevel>(reader.GetString(2), out var level) ? level : TrustLevel.Untrusted)));
        }

        batch.Add(
            $"select id, data ->> 'Name' from {schema.For<TrustDomain>()} order by data ->> 'Name', id",
            [],
            reader => domains.Add(new TrustDomainRef(reader.GetGuid(0), reader.GetString(1))));
        return () => new Reference(policy, revision, domains, environments);
    }

    // ---- plumbing -------------------------------------------------------------------------------------------------------

    /// <summary>Statements sent in one round trip; each reads the rows of its own result set.</summary>
    private sealed class Batch
    {
        public List<(string Sql, IReadOnlyList<NpgsqlParameter> Parameters, Action<NpgsqlDataReader> ReadRow)> Statements { get; } = [];

        public void Add(string sql, IReadOnlyList<NpgsqlParameter> parameters, Action<NpgsqlDataReader> readRow) =>
            Statements.Add((sql, parameters, readRow));
    }

    private async Task RunAsync(Batch batch, CancellationToken ct)
    {
        await using var conn = session.Database.CreateConnection();
        await conn.OpenAsync(ct);
        await using var command = new NpgsqlBatch(conn);
        // The figures are small index reads; PostgreSQL's row estimates for the document lookups can be far too high and
        // make it compile a plan that runs in a millisecond (JIT). Session settings are reset when the connection
        // goes back to the pool.
        command.BatchCommands.Add(new NpgsqlBatchCommand("select set_config('jit', 'off', false)"));
        foreach (var (sql, parameters, _) in batch.Statements)
        {
            var statement = new NpgsqlBatchCommand(sql);
            foreach (var parameter in parameters)
                statement.Parameters.Add(parameter);
            command.BatchCommands.Add(statement);
        }

        // The same few statements run every refresh: prepared once per pooled connection, PostgreSQL plans them once
        // instead of on every call (planning cost more than running most of them).
        await command.PrepareAsync(ct);
        await using var reader = await command.ExecuteReaderAsync(ct);
        for (var i = 0; i < batch.Statements.Count; i++)
        {
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
                batch.Statements[i].ReadRow(reader);
        }
    }

    private static NpgsqlParameter Uuid(Guid value) => new() { Value = value, NpgsqlDbType = NpgsqlDbType.Uuid };

    private static NpgsqlParameter Timestamp(DateTimeOffset value) =>
        new() { Value = value.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz };
}

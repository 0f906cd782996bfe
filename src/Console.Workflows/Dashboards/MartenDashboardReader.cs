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
/// come from the counter tables for whole hours plus an index range scan of the flat rows for the partial hour at
/// each boundary, so they are exact without scanning every snapshot. Environments, trust domains and the policy
/// in force are read as documents (there are few) and judge placement as it stands now.
/// </summary>
public sealed class MartenDashboardReader(IQuerySession session, DashboardTables tables, DashboardOptions options, TimeProvider time)
    : IDashboardReader
{
    public const int MaxPageSize = 200;

    public async Task<DashboardFigures> GetFiguresAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var reference = await ReferenceAsync(ct);
        await using var conn = await OpenAsync(ct);
        return new DashboardFigures(
            now,
            await AgeAsync(conn, now, ct),
            await ExpiringAsync(conn, now, ct),
            await RetentionAsync(conn, now, reference, ct),
            await TrustDomainCountsAsync(conn, reference, ct),
            await PlacementAsync(conn, reference, ct),
            await PendingAsync(conn, now, ct));
    }

    public async Task<AgeDistribution> GetAgeDistributionAsync(CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return await AgeAsync(conn, time.GetUtcNow(), ct);
    }

    public async Task<ExpiryFigures> GetExpiringAsync(CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return await ExpiringAsync(conn, time.GetUtcNow(), ct);
    }

    public async Task<RetentionFigures> GetRetentionAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var keepLastGood = await KeepLastGoodAsync(ct);
        await using var conn = await OpenAsync(ct);
        return await RetentionAsync(conn, now, keepLastGood, ct);
    }

    public async Task<TrustDomainCounts> GetTrustDomainCountsAsync(CancellationToken ct = default)
    {
        var domains = await TrustDomainsAsync(ct);
        await using var conn = await OpenAsync(ct);
        return await TrustDomainCountsAsync(conn, domains, ct);
    }

    public async Task<PlacementFigures> GetPlacementAsync(CancellationToken ct = default)
    {
        var reference = await ReferenceAsync(ct);
        await using var conn = await OpenAsync(ct);
        return await PlacementAsync(conn, reference, ct);
    }

    public async Task<PendingApprovalFigures> GetPendingApprovalsAsync(CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return await PendingAsync(conn, time.GetUtcNow(), ct);
    }

    // ---- age distribution ------------------------------------------------------------------------------------------

    private async Task<AgeDistribution> AgeAsync(NpgsqlConnection conn, DateTimeOffset now, CancellationToken ct)
    {
        // cumulative[i] = available snapshots completed after now - AgeBucketStarts[i + 1]; the buckets are differences.
        var thresholds = DashboardRules.AgeBucketStarts.Skip(1).Select(start => now - start).ToArray();
        var hours = thresholds.Select(DashboardRules.NextHourAfter).ToArray();
        var cumulative = DashboardRules.Sensitivities.ToDictionary(s => s, _ => new long[thresholds.Length]);
        var totals = DashboardRules.Sensitivities.ToDictionary(s => s, _ => 0L);

        var filters = string.Join(", ", hours.Select((_, i) => $"coalesce(sum(n) filter (where completed_hour >= ${i + 1}), 0)"));
        await using (var counters = Command(conn, $"select sensitivity, sum(n), {filters} from {tables.SnapshotAge} group by sensitivity"))
        {
            foreach (var hour in hours)
                counters.Parameters.Add(Timestamp(hour));
            await using var reader = await counters.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var sensitivity = (Sensitivity)reader.GetInt16(0);
                if (!totals.ContainsKey(sensitivity))
                    continue;
                totals[sensitivity] += reader.GetInt64(1);
                for (var i = 0; i < hours.Length; i++)
                    cumulative[sensitivity][i] += reader.GetInt64(i + 2);
            }
        }

        // The partial hour above each threshold, from the flat rows (an index range scan of at most an hour each).
        var ranges = thresholds.Select((_, i) => $"(completed_at > ${(2 * i) + 1} and completed_at < ${(2 * i) + 2})").ToArray();
        var partial = string.Join(", ", ranges.Select(r => $"count(*) filter (where {r})"));
        await using (var edges = Command(conn,
            $"select governing_sensitivity, {partial} from {tables.Snapshot} where status = 0 and ({string.Join(" or ", ranges)}) group by 1"))
        {
            for (var i = 0; i < thresholds.Length; i++)
            {
                edges.Parameters.Add(Timestamp(thresholds[i]));
                edges.Parameters.Add(Timestamp(hours[i]));
            }

            await using var reader = await edges.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var sensitivity = (Sensitivity)reader.GetInt16(0);
                if (!cumulative.TryGetValue(sensitivity, out var counts))
                    continue;
                for (var i = 0; i < thresholds.Length; i++)
                    counts[i] += reader.GetInt64(i + 1);
            }
        }

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
    }

    // ---- expiring ---------------------------------------------------------------------------------------------------

    private async Task<ExpiryFigures> ExpiringAsync(NpgsqlConnection conn, DateTimeOffset now, CancellationToken ct)
    {
        var from = await ExpiringFromAsync(conn, [now, now + DashboardRules.Length(ExpiryWindow.Within24Hours), now + DashboardRules.Length(ExpiryWindow.Within7Days)], ct);
        return new ExpiryFigures(now, from[0] - from[1], from[0] - from[2]);
    }

    /// <summary>For each moment t: available, still-needed snapshots expiring at or after t.</summary>
    private async Task<long[]> ExpiringFromAsync(NpgsqlConnection conn, DateTimeOffset[] moments, CancellationToken ct)
    {
        var hours = moments.Select(DashboardRules.NextHourAfter).ToArray();
        var result = new long[moments.Length];
        var sums = string.Join(", ", hours.Select((_, i) => $"coalesce(sum(n) filter (where expiry_hour >= ${i + 1}), 0)"));
        await using (var counters = Command(conn, $"select {sums} from {tables.SnapshotExpiry} where expiry_hour >= ${hours.Length + 1}"))
        {
            foreach (var hour in hours)
                counters.Parameters.Add(Timestamp(hour));
            counters.Parameters.Add(Timestamp(hours.Min()));
            await using var reader = await counters.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                for (var i = 0; i < hours.Length; i++)
                    result[i] += reader.GetInt64(i);
            }
        }

        var ranges = moments.Select((_, i) => $"(expires_at >= ${(2 * i) + 1} and expires_at < ${(2 * i) + 2})").ToArray();
        await using (var edges = Command(conn,
            $"""
            select {string.Join(", ", ranges.Select(r => $"count(*) filter (where {r})"))}
            from {tables.Snapshot} where status = 0 and not_needed_at is null and ({string.Join(" or ", ranges)})
            """))
        {
            for (var i = 0; i < moments.Length; i++)
            {
                edges.Parameters.Add(Timestamp(moments[i]));
                edges.Parameters.Add(Timestamp(hours[i]));
            }

            await using var reader = await edges.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                for (var i = 0; i < moments.Length; i++)
                    result[i] += reader.GetInt64(i);
            }
        }

        return result;
    }

    // ---- retention: overdue and protected past expiry ---------------------------------------------------------------

    private Task<RetentionFigures> RetentionAsync(NpgsqlConnection conn, DateTimeOffset now, Reference reference, CancellationToken ct) =>
        RetentionAsync(conn, now, reference.KeepLastGood, ct);

    private async Task<RetentionFigures> RetentionAsync(NpgsqlConnection conn, DateTimeOffset now, bool keepLastGood, CancellationToken ct)
    {
        long overdue;
        await using (var command = Command(conn, $"select count(*) from {tables.Snapshot} where {OverdueWhere(keepLastGood)}"))
        {
            command.Parameters.Add(Timestamp(now - options.SweepInterval));
            overdue = (long)(await command.ExecuteScalarAsync(ct))!;
        }

        long held = 0, pinned = 0, lastGood = 0;
        await using (var command = Command(conn,
            $"""
            select count(*) filter (where hold_active), count(*) filter (where pin_active and not hold_active)
            from (
              select held and (hold_until is null or hold_until > $1) as hold_active,
                     pinned and (pin_until is null or pin_until > $1) as pin_active
              from {tables.Snapshot} where status = 0 and (pinned or held) and due_since <= $1) guarded
            """))
        {
            command.Parameters.Add(Timestamp(now));
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                held = reader.GetInt64(0);
                pinned = reader.GetInt64(1);
            }
        }

        if (keepLastGood)
        {
            await using var command = Command(conn,
                $"""
                select count(*) from {tables.Snapshot}
                where status = 0 and is_last_good and due_since <= $1 and not ({ActiveGuard})
                """);
            command.Parameters.Add(Timestamp(now));
            lastGood = (long)(await command.ExecuteScalarAsync(ct))!;
        }

        return new RetentionFigures(now, overdue, held, pinned, lastGood, keepLastGood, options.SweepInterval);
    }

    // A pin or hold that keeps the snapshot at $1.
    private const string ActiveGuard =
        "(held and (hold_until is null or hold_until > $1)) or (pinned and (pin_until is null or pin_until > $1))";

    // Overdue at $1 = now - sweep interval: deletable (nothing keeps it) since before that. The deletable columns already
    // take the lapse of pins, holds and, when the policy keeps the last good snapshot, being superseded into account.
    private static string OverdueWhere(bool keepLastGood) => keepLastGood
        ? "status = 0 and not is_last_good and deletable_keep < $1"
        : "status = 0 and deletable_from < $1";

    // ---- counts by trust domain -------------------------------------------------------------------------------------

    private Task<TrustDomainCounts> TrustDomainCountsAsync(NpgsqlConnection conn, Reference reference, CancellationToken ct) =>
        TrustDomainCountsAsync(conn, reference.TrustDomains, ct);

    private async Task<TrustDomainCounts> TrustDomainCountsAsync(
        NpgsqlConnection conn, IReadOnlyList<TrustDomainRef> domains, CancellationToken ct)
    {
        var available = new Dictionary<Guid, Dictionary<Sensitivity, long>>();
        var deleted = new Dictionary<Guid, long>();
        await using (var command = Command(conn,
            $"select trust_domain_id, sensitivity, status, n from {tables.SnapshotDomain} where n <> 0"))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var domain = reader.GetGuid(0);
                var n = reader.GetInt64(3);
                if (reader.GetInt16(2) == DashboardTables.Available)
                {
                    if (!available.TryGetValue(domain, out var bySensitivity))
                        available[domain] = bySensitivity = [];
                    bySensitivity[(Sensitivity)reader.GetInt16(1)] = bySensitivity.GetValueOrDefault((Sensitivity)reader.GetInt16(1)) + n;
                }
                else
                {
                    deleted[domain] = deleted.GetValueOrDefault(domain) + n;
                }
            }
        }

        // Every known domain gets a row (zeros included); a domain only snapshots know of still shows, by id.
        var known = domains.ToDictionary(d => d.Id);
        var ids = domains.Select(d => d.Id).Concat(available.Keys).Concat(deleted.Keys).Distinct();
        var rows = ids
            .Select(id => new TrustDomainCountRow(
                known.GetValueOrDefault(id) ?? new TrustDomainRef(id, "(unknown domain)"),
                available.TryGetValue(id, out var counts) ? counts : new Dictionary<Sensitivity, long>(),
                deleted.GetValueOrDefault(id)))
            .OrderBy(r => r.TrustDomain.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
        return new TrustDomainCounts(rows);
    }

    // ---- placement ---------------------------------------------------------------------------------------------------

    private async Task<PlacementFigures> PlacementAsync(NpgsqlConnection conn, Reference reference, CancellationToken ct)
    {
        var environments = reference.Environments.ToDictionary(e => e.Id);
        var cells = new Dictionary<(Guid Domain, Guid Environment), (long Components, long Violations)>();
        await using (var command = Command(conn,
            $"select trust_domain_id, environment_id, sensitivity, n from {tables.Placement} where n <> 0"))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var key = (reader.GetGuid(0), reader.GetGuid(1));
                var sensitivity = (Sensitivity)reader.GetInt16(2);
                var n = reader.GetInt64(3);
                var violates = Violates(environments.GetValueOrDefault(key.Item2), sensitivity, reference.Policy);
                var (components, violations) = cells.GetValueOrDefault(key);
                cells[key] = (components + n, violations + (violates ? n : 0));
            }
        }

        return new PlacementFigures(
            reference.PolicyRevision,
            reference.TrustDomains,
            reference.Environments,
            [.. cells.Select(c => new PlacementCell(c.Key.Domain, c.Key.Environment, c.Value.Components, c.Value.Violations))],
            cells.Values.Sum(c => c.Violations));
    }

    // An environment the inventory no longer knows cannot be trusted.
    private static bool Violates(EnvironmentRef? environment, Sensitivity sensitivity, PolicyDocument? policy) =>
        (environment?.TrustLevel ?? TrustLevel.Untrusted) < Placement.RequiredTrustLevel(sensitivity, policy);

    // ---- pending approvals --------------------------------------------------------------------------------------------

    private async Task<PendingApprovalFigures> PendingAsync(NpgsqlConnection conn, DateTimeOffset now, CancellationToken ct)
    {
        var requests = session.DocumentStore.Options.Schema.For<ChangeRequest>();
        var starts = DashboardRules.PendingBucketStarts.Skip(1).Select(start => now - start).ToArray();
        // The status filter is the expression of Marten's index on Status; the few pending requests are then bucketed.
        await using var command = Command(conn,
            $"""
            select count(*) filter (where submitted > $2), count(*) filter (where submitted <= $2 and submitted > $3),
                   count(*) filter (where submitted <= $3 and submitted > $4), count(*) filter (where submitted <= $4),
                   min(submitted)
            from (select (data ->> 'SubmittedAt')::timestamptz as submitted from {requests} where data ->> 'Status' = $1) pending
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = nameof(RequestStatus.PendingApproval), NpgsqlDbType = NpgsqlDbType.Text });
        foreach (var start in starts)
            command.Parameters.Add(Timestamp(start));
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var counts = Enumerable.Range(0, DashboardRules.PendingBuckets.Count).Select(reader.GetInt64).ToArray();
        DateTimeOffset? oldest = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4);
        return new PendingApprovalFigures(now, counts, oldest);
    }

    // ---- snapshot lists -----------------------------------------------------------------------------------------------

    public async Task<SnapshotPage> ListSnapshotsAsync(SnapshotListRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        var page = Math.Max(0, request.Page);
        var pageSize = Math.Clamp(request.PageSize, 1, MaxPageSize);
        var keepLastGood = await KeepLastGoodAsync(ct);
        await using var conn = await OpenAsync(ct);

        var parameters = new List<NpgsqlParameter>();
        string Param(DateTimeOffset value)
        {
            parameters.Add(Timestamp(value));
            return $"${parameters.Count}";
        }

        string ParamOf(object value, NpgsqlDbType type)
        {
            parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
            return $"${parameters.Count}";
        }

        string where;
        long total;
        switch (request.Kind)
        {
            case SnapshotListKind.Expiring:
            {
                var (from, until) = DashboardRules.ExpiryRange(request.Window, now);
                where = $"status = 0 and not_needed_at is null and expires_at >= {Param(from)} and expires_at < {Param(until)}";
                var counts = await ExpiringFromAsync(conn, [from, until], ct);
                total = counts[0] - counts[1];
                break;
            }

            case SnapshotListKind.Overdue:
            {
                var cut = Param(now - options.SweepInterval);
                where = OverdueWhere(keepLastGood).Replace("$1", cut, StringComparison.Ordinal);
                total = -1;
                break;
            }

            case SnapshotListKind.ProtectedPastExpiry:
            {
                var at = Param(now);
                var guarded = ActiveGuard.Replace("$1", at, StringComparison.Ordinal);
                where = keepLastGood
                    ? $"status = 0 and due_since <= {at} and (({guarded}) or is_last_good)"
                    : $"status = 0 and due_since <= {at} and ({guarded})";
                var figures = await RetentionAsync(conn, now, keepLastGood, ct);
                total = figures.ProtectedPastExpiry;
                break;
            }

            case SnapshotListKind.Age:
            {
                var bucket = request.Age ?? AgeBucket.UnderOneDay;
                var (after, atOrBefore) = DashboardRules.CompletionRange(bucket, now);
                where = "status = 0";
                if (after is { } a)
                    where += $" and completed_at > {Param(a)}";
                if (atOrBefore is { } b)
                    where += $" and completed_at <= {Param(b)}";
                if (request.Sensitivity is { } s)
                    where += $" and governing_sensitivity = {ParamOf((short)s, NpgsqlDbType.Smallint)}";
                var age = await AgeAsync(conn, now, ct);
                total = request.Sensitivity is { } only ? age.Count(only, bucket) : age.Count(bucket);
                break;
            }

            case SnapshotListKind.TrustDomain:
            {
                var domain = request.TrustDomainId ?? Guid.Empty;
                var d = ParamOf(new[] { domain }, NpgsqlDbType.Array | NpgsqlDbType.Uuid);
                where = $"status = 0 and part_domains @> {d}";
                if (request.Sensitivity is { } s)
                {
                    where += $" and exists (select 1 from unnest(part_domains, part_sensitivities) as p(domain_id, sensitivity)"
                        + $" where p.domain_id = {ParamOf(domain, NpgsqlDbType.Uuid)} and p.sensitivity = {ParamOf((short)s, NpgsqlDbType.Smallint)})";
                }

                total = -1;
                break;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(request), request.Kind, "Unknown list.");
        }

        if (total < 0)
        {
            await using var count = Command(conn, $"select count(*) from {tables.Snapshot} where {where}");
            count.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
            total = (long)(await count.ExecuteScalarAsync(ct))!;
        }

        var order = request.SortBy switch
        {
            SnapshotSortField.CompletedAt => "completed_at",
            SnapshotSortField.Vnf => "vnf_name",
            SnapshotSortField.Sensitivity => "governing_sensitivity",
            _ => "expires_at",
        };
        var direction = request.Descending ? "desc" : "asc";
        await using var list = Command(conn,
            $"""
            select id, vnf_id, vnf_name, governing_sensitivity, completed_at, expires_at, not_needed_at, due_since, is_last_good,
                   pinned, pin_reason, pin_until, pin_by, pin_at, held, hold_reason, hold_until, hold_by, hold_at,
                   released_at, superseded_at
            from {tables.Snapshot} where {where}
            order by {order} {direction} nulls last, id {direction}
            limit {pageSize} offset {(long)page * pageSize}
            """);
        list.Parameters.AddRange(parameters.ToArray());
        var rows = new List<SnapshotRow>(pageSize);
        await using (var reader = await list.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var pin = reader.GetBoolean(9) ? HoldAt(reader, 10) : null;
                var hold = reader.GetBoolean(14) ? HoldAt(reader, 15) : null;
                var facts = new RetentionFacts(
                    reader.GetFieldValue<DateTimeOffset>(4), true, NullableTime(reader, 5), NullableTime(reader, 6), pin, hold,
                    NullableTime(reader, 19), reader.GetBoolean(8), NullableTime(reader, 20));
                rows.Add(new SnapshotRow(
                    reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), (Sensitivity)reader.GetInt16(3), facts.CompletedAt,
                    facts.ExpiresAt, facts.NotNeededAt, NullableTime(reader, 7), facts.IsLastGood, pin, hold,
                    DashboardRules.ProtectionOf(facts, now, keepLastGood)));
            }
        }

        return new SnapshotPage(now, rows, total, page, pageSize);
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
        var reference = await ReferenceAsync(ct);

        // Placement is judged per (environment, sensitivity): the pairs below the policy's required trust level.
        var pairs = request.ViolationsOnly
            ? reference.Environments
                .SelectMany(e => DashboardRules.Sensitivities.Where(s => Violates(e, s, reference.Policy)).Select(s => (e.Id, s)))
                .ToList()
            : null;
        if (pairs is { Count: 0 })
            return new ComponentPage(reference.PolicyRevision, [], 0, page, pageSize);

        var parameters = new List<NpgsqlParameter>();
        string Param(object value, NpgsqlDbType type)
        {
            parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
            return $"${parameters.Count}";
        }

        var conditions = new List<string>();
        if (pairs is not null)
        {
            conditions.Add($"(c.environment_id, c.sensitivity) in (select * from unnest({Param(pairs.Select(p => p.Id).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Uuid)}, "
                + $"{Param(pairs.Select(p => (short)p.s).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Smallint)}))");
        }

        if (request.TrustDomainId is { } domain)
            conditions.Add($"c.trust_domain_id = {Param(domain, NpgsqlDbType.Uuid)}");
        if (request.EnvironmentId is { } environment)
            conditions.Add($"c.environment_id = {Param(environment, NpgsqlDbType.Uuid)}");
        var where = conditions.Count == 0 ? "true" : string.Join(" and ", conditions);

        await using var conn = await OpenAsync(ct);
        long total;
        // The counters hold the same (domain, environment, sensitivity) groups, so the total needs no scan of components.
        await using (var count = Command(conn, $"select coalesce(sum(n), 0)::bigint from {tables.Placement} c where {where}"))
        {
            count.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
            total = (long)(await count.ExecuteScalarAsync(ct))!;
        }

        var environmentNames = Param(reference.Environments.Select(e => e.Id).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Uuid);
        var environmentLabels = Param(reference.Environments.Select(e => e.Name).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
        var domainIds = Param(reference.TrustDomains.Select(d => d.Id).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Uuid);
        var domainLabels = Param(reference.TrustDomains.Select(d => d.Name).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
        var order = request.SortBy switch
        {
            ComponentSortField.Component => "c.name",
            ComponentSortField.Sensitivity => "c.sensitivity",
            ComponentSortField.Environment => "en.name",
            ComponentSortField.TrustDomain => "dn.name",
            _ => "v.name",
        };
        var direction = request.Descending ? "desc" : "asc";
        await using var list = Command(conn,
            $"""
            select c.vnf_id, coalesce(v.name, ''), c.id, c.name, c.sensitivity, c.trust_domain_id, c.environment_id
            from {tables.Component} c
            left join {tables.Vnf} v on v.id = c.vnf_id
            left join unnest({environmentNames}, {environmentLabels}) as en(id, name) on en.id = c.environment_id
            left join unnest({domainIds}, {domainLabels}) as dn(id, name) on dn.id = c.trust_domain_id
            where {where}
            order by {order} {direction}, v.name, c.name, c.id
            limit {pageSize} offset {(long)page * pageSize}
            """);
        list.Parameters.AddRange(parameters.ToArray());

        var environments = reference.Environments.ToDictionary(e => e.Id);
        var domains = reference.TrustDomains.ToDictionary(d => d.Id);
        var rows = new List<ComponentRow>(pageSize);
        await using (var reader = await list.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var sensitivity = (Sensitivity)reader.GetInt16(4);
                var domainId = reader.GetGuid(5);
                var environmentId = reader.GetGuid(6);
                rows.Add(new ComponentRow(
                    reader.GetGuid(0), reader.GetString(1), reader.GetGuid(2), reader.GetString(3), sensitivity,
                    domains.GetValueOrDefault(domainId) ?? new TrustDomainRef(domainId, "(unknown)"),
                    environments.GetValueOrDefault(environmentId) ?? new EnvironmentRef(environmentId, "(unknown)", TrustLevel.Untrusted),
                    Placement.RequiredTrustLevel(sensitivity, reference.Policy)));
            }
        }

        return new ComponentPage(reference.PolicyRevision, rows, total, page, pageSize);
    }

    // ---- reference data -----------------------------------------------------------------------------------------------

    private sealed record Reference(
        PolicyDocument? Policy, int PolicyRevision, IReadOnlyList<TrustDomainRef> TrustDomains, IReadOnlyList<EnvironmentRef> Environments)
    {
        public bool KeepLastGood => Policy?.KeepLastGoodSnapshot ?? DefaultPolicy.Document.KeepLastGoodSnapshot;
    }

    private async Task<Reference> ReferenceAsync(CancellationToken ct)
    {
        var policy = await session.LoadAsync<ApprovalPolicy>(ApprovalPolicy.StreamId, ct);
        var environments = await session.Query<ExecutionEnvironment>().OrderBy(e => e.Name).ToListAsync(ct);
        return new Reference(
            policy?.Document,
            policy?.Revision ?? 0,
            await TrustDomainsAsync(ct),
            [.. environments.Select(e => new EnvironmentRef(e.Id, e.Name, e.TrustLevel))]);
    }

    private async Task<IReadOnlyList<TrustDomainRef>> TrustDomainsAsync(CancellationToken ct) =>
        [.. (await session.Query<TrustDomain>().OrderBy(t => t.Name).ToListAsync(ct)).Select(t => new TrustDomainRef(t.Id, t.Name))];

    private async Task<bool> KeepLastGoodAsync(CancellationToken ct) =>
        (await session.LoadAsync<ApprovalPolicy>(ApprovalPolicy.StreamId, ct))?.Document.KeepLastGoodSnapshot
        ?? DefaultPolicy.Document.KeepLastGoodSnapshot;

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var conn = session.Database.CreateConnection();
        await conn.OpenAsync(ct);
        return conn;
    }

    private static NpgsqlCommand Command(NpgsqlConnection conn, string sql) => new(sql, conn);

    private static NpgsqlParameter Timestamp(DateTimeOffset value) =>
        new() { Value = value.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz };
}

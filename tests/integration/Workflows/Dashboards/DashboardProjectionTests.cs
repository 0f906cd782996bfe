using Console.IntegrationTests.Infrastructure;
using Console.Workflows.Dashboards;
using Console.Workflows.Dashboards.Lists;
using Console.Workflows.Dashboards.Projections;
using Console.Workflows.Inventory;
using Marten;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Dashboards;

/// <summary>
/// The snapshot projection on real PostgreSQL: random histories are appended through Marten, as the lifecycle's
/// handlers append them, and the flat rows, the counters and every figure and list of the reader must equal what the
/// events say, folded in memory and judged with <see cref="DashboardRules"/>.
/// </summary>
public sealed class DashboardProjectionTests(DashboardProjectionTests.WithRandomHistory fixture) : IClassFixture<DashboardProjectionTests.WithRandomHistory>
{
    /// <summary>A database holding one random history of 400 snapshots of 40 VNFs, appended once for the class.</summary>
    public sealed class WithRandomHistory : IAsyncLifetime
    {
        private const int Seed = 20260310;

        public PostgresDatabase Database { get; } = new();

        internal SnapshotWorld World { get; } = new();

        public async ValueTask InitializeAsync()
        {
            await Database.InitializeAsync();
            await SnapshotScenario.AppendAsync(Database.Store, World, Seed, vnfCount: 40, snapshotCount: 400);
        }

        public ValueTask DisposeAsync() => Database.DisposeAsync();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly PostgresDatabase _database = fixture.Database;
    private readonly SnapshotWorld _world = fixture.World;
    private readonly DashboardOptions _options = new() { SweepInterval = TimeSpan.FromMinutes(10) };

    private DashboardTables Tables => new(_database.Store.Options.DatabaseSchemaName);

    [Fact]
    public async Task SnapshotEvents_ProjectIntoOneRowPerSnapshot_WithTheRetentionFactsTheEventsSay()
    {
        var rows = await ReadRowsAsync();

        rows.Keys.ShouldBe(_world.Entries.Select(e => e.Taken.SnapshotId), ignoreOrder: true);
        foreach (var entry in _world.Entries)
        {
            var row = rows[entry.Taken.SnapshotId];
            var expected = entry.Facts;
            row.Facts.ShouldBe(expected, $"snapshot {entry.Taken.SnapshotId}");
            row.Governing.ShouldBe(entry.Governing);
            row.DueSince.ShouldBe(DashboardRules.DueSince(expected));
        }
    }

    [Fact]
    public async Task Counters_AfterEveryKindOfChange_EqualTheSnapshotsTheyCount()
    {
        var available = _world.Entries.Where(e => !e.Deleted).ToList();
        var expectedAge = available
            .GroupBy(e => (Hour(e.Taken.At), (short)e.Governing)).ToDictionary(g => g.Key, g => (long)g.Count());
        var expectedExpiry = available.Where(e => e.NotNeededAt is null && e.ExpiresAt is not null)
            .GroupBy(e => (Hour(e.ExpiresAt!.Value), (short)e.Governing)).ToDictionary(g => g.Key, g => (long)g.Count());
        var expectedDomains = _world.Entries
            .SelectMany(e => e.Parts.Select(p => (p.Domain, (short)p.Sensitivity, e.Deleted ? (short)1 : (short)0)))
            .GroupBy(k => k).ToDictionary(g => g.Key, g => (long)g.Count());

        (await CountersAsync<(DateTimeOffset, short)>(
            $"select completed_hour, sensitivity, n from {Tables.SnapshotAge} where n <> 0", r => (r.GetFieldValue<DateTimeOffset>(0), r.GetInt16(1))))
            .ShouldBe(expectedAge, ignoreOrder: true);
        (await CountersAsync<(DateTimeOffset, short)>(
            $"select expiry_hour, sensitivity, n from {Tables.SnapshotExpiry} where n <> 0", r => (r.GetFieldValue<DateTimeOffset>(0), r.GetInt16(1))))
            .ShouldBe(expectedExpiry, ignoreOrder: true);
        (await CountersAsync<(Guid, short, short)>(
            $"select trust_domain_id, sensitivity, status, n from {Tables.SnapshotDomain} where n <> 0", r => (r.GetGuid(0), r.GetInt16(1), r.GetInt16(2))))
            .ShouldBe(expectedDomains, ignoreOrder: true);
        var expectedDomainTotals = _world.Entries
            .SelectMany(e => e.Parts.Select(p => p.Domain).Distinct().Select(d => (d, e.Deleted ? (short)1 : (short)0)))
            .GroupBy(k => k).ToDictionary(g => g.Key, g => (long)g.Count());
        (await CountersAsync<(Guid, short)>(
            $"select trust_domain_id, status, n from {Tables.SnapshotDomainTotal} where n <> 0", r => (r.GetGuid(0), r.GetInt16(1))))
            .ShouldBe(expectedDomainTotals, ignoreOrder: true);
    }

    public static TheoryData<int, bool> Moments => new()
    {
        { 0, true }, { 0, false }, { 17, true }, { 3 * 24 * 60 + 5, true }, { -9 * 24 * 60 - 33, false },
    };

    [Theory]
    [MemberData(nameof(Moments))]
    public async Task Figures_AtAnyMoment_EqualTheRetentionRuleAppliedToEverySnapshot(int minutesFromNow, bool keepLastGood)
    {
        var now = SnapshotScenario.Now.AddMinutes(minutesFromNow);
        var facts = _world.Entries.Select(e => (Entry: e, Facts: e.Facts)).ToList();
        var available = facts.Where(f => f.Facts.Available).ToList();

        var readers = Readers(now);
        await SnapshotScenario.WithKeepLastGoodAsync(_database.Store, keepLastGood, Ct);

        var age = await readers.Age.ReadAsync(Ct);
        foreach (var sensitivity in DashboardRules.Sensitivities)
        {
            foreach (var bucket in DashboardRules.AgeBuckets)
            {
                age.Count(sensitivity, bucket).ShouldBe(
                    available.Count(f => f.Entry.Governing == sensitivity && DashboardRules.AgeBucketOf(f.Facts.CompletedAt, now) == bucket),
                    $"{sensitivity}, {bucket}");
            }
        }

        var expiring = await readers.Expiry.ReadAsync(Ct);
        expiring.Within24Hours.ShouldBe(facts.Count(f => DashboardRules.ExpiresWithin(f.Facts, ExpiryWindow.Within24Hours, now)));
        expiring.Within7Days.ShouldBe(facts.Count(f => DashboardRules.ExpiresWithin(f.Facts, ExpiryWindow.Within7Days, now)));

        var retention = await readers.Retention.ReadAsync(Ct);
        retention.Overdue.ShouldBe(facts.Count(f => DashboardRules.IsOverdue(f.Facts, now, keepLastGood, _options.SweepInterval)));
        var protections = facts.Where(f => DashboardRules.IsDue(f.Facts, now))
            .Select(f => DashboardRules.ProtectionOf(f.Facts, now, keepLastGood)?.Kind).ToList();
        retention.UnderLegalHold.ShouldBe(protections.Count(k => k == ProtectionKind.LegalHold));
        retention.Pinned.ShouldBe(protections.Count(k => k == ProtectionKind.Pinned));
        retention.KeptAsLastGood.ShouldBe(protections.Count(k => k == ProtectionKind.LastGoodSnapshot));
        (retention.Overdue + retention.ProtectedPastExpiry).ShouldBeGreaterThan(0, "the scenario should exercise the retention figures");

        var domains = await readers.TrustDomains.ReadAsync(Ct);
        foreach (var domain in SnapshotScenario.Domains)
        {
            var row = domains.Rows.Single(r => r.TrustDomain.Id == domain);
            foreach (var sensitivity in DashboardRules.Sensitivities)
                row.Count(sensitivity).ShouldBe(available.Count(f => f.Entry.Parts.Contains((domain, sensitivity))), $"{domain} {sensitivity}");
            row.TotalAvailable.ShouldBe(available.Count(f => f.Entry.Parts.Any(p => p.Domain == domain)));
            row.Deleted.ShouldBe(facts.Count(f => !f.Facts.Available && f.Entry.Parts.Any(p => p.Domain == domain)));
        }
    }

    [Theory]
    [MemberData(nameof(Moments))]
    public async Task Lists_PageThroughExactlyTheSnapshotsBehindEachFigure(int minutesFromNow, bool keepLastGood)
    {
        var now = SnapshotScenario.Now.AddMinutes(minutesFromNow);
        var facts = _world.Entries.Select(e => (Id: e.Taken.SnapshotId, Entry: e, Facts: e.Facts)).ToList();
        var reader = Readers(now).Snapshots;
        await SnapshotScenario.WithKeepLastGoodAsync(_database.Store, keepLastGood, Ct);

        await ExpectListAsync(reader, new SnapshotListRequest(SnapshotListKind.Expiring, ExpiryWindow.Within7Days),
            facts.Where(f => DashboardRules.ExpiresWithin(f.Facts, ExpiryWindow.Within7Days, now)).Select(f => f.Id));
        await ExpectListAsync(reader, new SnapshotListRequest(SnapshotListKind.Expiring, ExpiryWindow.Within24Hours, Descending: true),
            facts.Where(f => DashboardRules.ExpiresWithin(f.Facts, ExpiryWindow.Within24Hours, now)).Select(f => f.Id));
        await ExpectListAsync(reader, new SnapshotListRequest(SnapshotListKind.Overdue, SortBy: SnapshotSortField.CompletedAt, Descending: true),
            facts.Where(f => DashboardRules.IsOverdue(f.Facts, now, keepLastGood, _options.SweepInterval)).Select(f => f.Id));
        await ExpectListAsync(reader, new SnapshotListRequest(SnapshotListKind.ProtectedPastExpiry),
            facts.Where(f => DashboardRules.IsProtectedPastExpiry(f.Facts, now, keepLastGood)).Select(f => f.Id));
        await ExpectListAsync(reader, new SnapshotListRequest(SnapshotListKind.Age, Age: AgeBucket.OneToThreeDays, Sensitivity: Sensitivity.Critical, SortBy: SnapshotSortField.CompletedAt, Descending: true),
            facts.Where(f => f.Facts.Available && f.Entry.Governing == Sensitivity.Critical
                && DashboardRules.AgeBucketOf(f.Facts.CompletedAt, now) == AgeBucket.OneToThreeDays).Select(f => f.Id));
        await ExpectListAsync(reader, new SnapshotListRequest(SnapshotListKind.Age, Age: AgeBucket.OverThirtyDays, SortBy: SnapshotSortField.CompletedAt),
            facts.Where(f => f.Facts.Available && DashboardRules.AgeBucketOf(f.Facts.CompletedAt, now) == AgeBucket.OverThirtyDays).Select(f => f.Id));
        var domain = SnapshotScenario.Domains[1];
        await ExpectListAsync(reader, new SnapshotListRequest(SnapshotListKind.TrustDomain, TrustDomainId: domain, Sensitivity: Sensitivity.Internal, SortBy: SnapshotSortField.CompletedAt),
            facts.Where(f => f.Facts.Available && f.Entry.Parts.Contains((domain, Sensitivity.Internal))).Select(f => f.Id));
    }

    [Fact]
    public async Task ProtectedList_SaysWhyEachSnapshotIsKept()
    {
        await SnapshotScenario.WithKeepLastGoodAsync(_database.Store, keepLastGood: true, Ct);
        var page = await Readers(SnapshotScenario.Now).Snapshots.ListSnapshotsAsync(new SnapshotListRequest(SnapshotListKind.ProtectedPastExpiry, PageSize: 200), Ct);

        page.Items.ShouldNotBeEmpty();
        foreach (var row in page.Items)
        {
            var protection = row.Protection.ShouldNotBeNull();
            var entry = _world[row.Id];
            protection.ShouldBe(DashboardRules.ProtectionOf(entry.Facts, SnapshotScenario.Now, keepLastGood: true));
            if (protection.Kind == ProtectionKind.LegalHold)
                protection.Explanation.ShouldStartWith($"Legal hold by sam.security: Investigation 2026-17");
        }
    }

    [Fact]
    public async Task Rebuild_FromTheEvents_GivesTheSameRowsAndCounters()
    {
        var before = await SnapshotTablesAsync();
        await using (var conn = new NpgsqlConnection(_database.ConnectionString))
        {
            await conn.OpenAsync(Ct);
            await using var wipe = new NpgsqlCommand(
                $"delete from {Tables.Snapshot}; delete from {Tables.SnapshotAge}; delete from {Tables.SnapshotExpiry}; delete from {Tables.SnapshotDomain}; delete from {Tables.SnapshotDomainTotal}", conn);
            await wipe.ExecuteNonQueryAsync(Ct);
        }

        using var daemon = await _database.Store.BuildProjectionDaemonAsync();
        await daemon.RebuildProjectionAsync("DashboardSnapshots", TimeSpan.FromMinutes(2), Ct);

        (await SnapshotTablesAsync()).ShouldBe(before);
    }

    [Theory]
    [InlineData(SnapshotListKind.Expiring, SnapshotSortField.Vnf, "The expiring list can be sorted by expiry only, not by VNF.")]
    [InlineData(SnapshotListKind.Expiring, SnapshotSortField.CompletedAt, "The expiring list can be sorted by expiry only, not by completion.")]
    [InlineData(SnapshotListKind.Age, SnapshotSortField.Sensitivity, "The age list can be sorted by completion only, not by sensitivity.")]
    [InlineData(SnapshotListKind.TrustDomain, SnapshotSortField.ExpiresAt, "The trust domain list can be sorted by completion only, not by expiry.")]
    public async Task Lists_InAnOrderThatWouldSortTheWholeWindow_AreRefusedWithTheOrdersOffered(SnapshotListKind kind, SnapshotSortField sort, string message)
    {
        var reader = Readers(SnapshotScenario.Now).Snapshots;

        var refusal = await Should.ThrowAsync<ArgumentException>(() =>
            reader.ListSnapshotsAsync(new SnapshotListRequest(kind, TrustDomainId: SnapshotScenario.Domains[0], SortBy: sort), Ct));

        refusal.Message.ShouldStartWith(message);
    }

    private static async Task ExpectListAsync(SnapshotListReader reader, SnapshotListRequest request, IEnumerable<Guid> expected)
    {
        var expectedIds = expected.ToList();
        var seen = new List<SnapshotRow>();
        for (var page = 0; ; page++)
        {
            var result = await reader.ListSnapshotsAsync(request with { Page = page, PageSize = 7 }, Ct);
            result.TotalCount.ShouldBe(expectedIds.Count, $"{request.Kind} total");
            seen.AddRange(result.Items);
            if (result.Items.Count < 7)
                break;
        }

        // A page past the end is empty and still knows the total.
        var beyond = await reader.ListSnapshotsAsync(request with { Page = 1000, PageSize = 7 }, Ct);
        beyond.Items.ShouldBeEmpty();
        beyond.TotalCount.ShouldBe(expectedIds.Count, $"{request.Kind} total past the end");

        seen.Select(r => r.Id).ShouldBe(expectedIds, ignoreOrder: true, $"{request.Kind} rows");
        var keys = seen.Select(r => request.SortBy switch
        {
            SnapshotSortField.CompletedAt => (IComparable)r.CompletedAt,
            SnapshotSortField.Vnf => r.VnfName,
            SnapshotSortField.Sensitivity => (int)r.GoverningSensitivity,
            _ => r.ExpiresAt ?? DateTimeOffset.MaxValue,
        }).ToList();
        var sorted = request.Descending ? keys.OrderByDescending(k => k).ToList() : keys.OrderBy(k => k).ToList();
        keys.ShouldBe(sorted, $"{request.Kind} order");
    }

    private DashboardReaders Readers(DateTimeOffset now) => new(_database.Store, _options, new FakeTimeProvider(now));

    private sealed record Row(RetentionFacts Facts, Sensitivity Governing, DateTimeOffset? DueSince);

    private async Task<Dictionary<Guid, Row>> ReadRowsAsync()
    {
        await using var conn = new NpgsqlConnection(_database.ConnectionString);
        await conn.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            $"""
            select id, completed_at, status, expires_at, not_needed_at, pinned, pin_reason, pin_until, pin_by, pin_at,
                   held, hold_reason, hold_until, hold_by, hold_at, released_at, is_last_good, superseded_at, governing_sensitivity, due_since
            from {Tables.Snapshot}
            """, conn);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new Dictionary<Guid, Row>();
        DateTimeOffset? Time(int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<DateTimeOffset>(i);
        Hold? HoldAt(int flag) => reader.GetBoolean(flag)
            ? new Hold(reader.GetString(flag + 1), Time(flag + 2), reader.GetString(flag + 3), Time(flag + 4)!.Value)
            : null;
        while (await reader.ReadAsync(Ct))
        {
            rows[reader.GetGuid(0)] = new Row(
                new RetentionFacts(reader.GetFieldValue<DateTimeOffset>(1), reader.GetInt16(2) == 0, Time(3), Time(4), HoldAt(5), HoldAt(10),
                    Time(15), reader.GetBoolean(16), Time(17)),
                (Sensitivity)reader.GetInt16(18),
                Time(19));
        }

        return rows;
    }

    private async Task<Dictionary<TKey, long>> CountersAsync<TKey>(string sql, Func<NpgsqlDataReader, TKey> key)
        where TKey : notnull
    {
        await using var conn = new NpgsqlConnection(_database.ConnectionString);
        await conn.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, conn);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var result = new Dictionary<TKey, long>();
        while (await reader.ReadAsync(Ct))
            result[key(reader)] = reader.GetInt64(reader.FieldCount - 1);
        return result;
    }

    private async Task<string> SnapshotTablesAsync()
    {
        await using var conn = new NpgsqlConnection(_database.ConnectionString);
        await conn.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            $"""
            select (select string_agg(t::text, E'\n' order by t.id) from {Tables.Snapshot} t)
              || (select string_agg(a::text, E'\n' order by a.completed_hour, a.sensitivity) from {Tables.SnapshotAge} a where n <> 0)
              || (select string_agg(e::text, E'\n' order by e.expiry_hour, e.sensitivity) from {Tables.SnapshotExpiry} e where n <> 0)
              || (select string_agg(d::text, E'\n' order by d.trust_domain_id, d.sensitivity, d.status) from {Tables.SnapshotDomain} d where n <> 0)
              || (select string_agg(d::text, E'\n' order by d.trust_domain_id, d.status) from {Tables.SnapshotDomainTotal} d where n <> 0)
            """, conn);
        return (string)(await command.ExecuteScalarAsync(Ct))!;
    }

    private static DateTimeOffset Hour(DateTimeOffset t) => DashboardRules.NextHourAfter(t).AddHours(-1);
}

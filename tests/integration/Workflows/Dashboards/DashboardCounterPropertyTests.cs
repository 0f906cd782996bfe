using Console.IntegrationTests.Infrastructure;
using Console.Workflows.Dashboards;
using Console.Workflows.Dashboards.Advancing;
using Console.Workflows.Dashboards.Projections;
using Console.Workflows.Inventory;
using Console.Workflows.Snapshots;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Dashboards;

/// <summary>
/// The dashboard's counters against a full recount, on real PostgreSQL: random sequences of snapshots taken, time
/// advancing (with and without the clock step), pins, holds, releases, "no longer needed" and deletions are appended
/// through Marten as the lifecycle appends them and folded in memory by <see cref="SnapshotWorld"/>. After each sequence
/// every counter must equal what <see cref="DashboardRules"/> says of every snapshot the class has appended so far, and
/// the reader's figures must too, before the clock step (judging the rows that moved itself) and after it.
/// </summary>
public sealed class DashboardCounterPropertyTests(DashboardCounterPropertyTests.WithAccumulatingHistory fixture)
    : IClassFixture<DashboardCounterPropertyTests.WithAccumulatingHistory>
{
    /// <summary>One database and one clock for the class: every sequence adds to the history of the ones before.</summary>
    public sealed class WithAccumulatingHistory : IAsyncLifetime
    {
        public PostgresDatabase Database { get; } = new();

        internal SnapshotWorld World { get; } = new();

        public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));

        public int Sequence { get; set; }

        public ValueTask InitializeAsync() => Database.InitializeAsync();

        public ValueTask DisposeAsync() => Database.DisposeAsync();
    }

    private static readonly Guid[] Vnfs = [.. Enumerable.Range(1, 4).Select(i => Guid.Parse($"7e000000-0000-4000-8000-00000000000{i}"))];
    private static readonly Guid Domain = Guid.Parse("d0000000-0000-4000-8000-00000000000a");

    private readonly WithAccumulatingHistory _fixture = fixture;
    private readonly DashboardOptions _options = new() { SweepInterval = TimeSpan.FromMinutes(10) };

    private SnapshotWorld World => _fixture.World;

    private FakeTimeProvider Time => _fixture.Time;

    private DashboardTables Tables => new(_fixture.Database.Store.Options.DatabaseSchemaName);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Property(MaxTest = 60)]
    public async Task DashboardCounters_AfterRandomLifecycles_EqualAFullRecount(byte[] script)
    {
        var sequence = ++_fixture.Sequence;
        var bytes = script is { Length: > 0 } ? script : [0];
        var next = 0;
        int Pick(int n) => bytes[next++ % bytes.Length] % n;
        var steps = Math.Min(bytes.Length * 2, 30);
        var clock = new RetentionClock(_fixture.Database.Store, Tables, _options, Time);

        for (var step = 0; step < steps; step++)
        {
            var now = Time.GetUtcNow();
            var available = World.Entries.Where(e => !e.Deleted).ToList();
            object? e = null;
            Guid stream = Guid.Empty;
            switch (Pick(available.Count == 0 ? 2 : 9))
            {
                case 0:
                    await TakeAsync(sequence, step, Pick, now);
                    break;
                case 1:
                    // Time passes: minutes to days, across due times, lapsing pins and holds and the sweep interval.
                    Time.Advance(Pick(4) switch
                    {
                        0 => TimeSpan.FromMinutes(1 + Pick(20)),
                        1 => TimeSpan.FromHours(1 + Pick(30)),
                        2 => TimeSpan.FromDays(1 + Pick(10)),
                        _ => TimeSpan.FromSeconds(1),
                    });
                    if (Pick(2) == 0)
                        await clock.AdvanceAsync(batchSize: 1 + Pick(50), Ct);
                    break;
                default:
                {
                    var target = available[Pick(available.Count)].Taken.SnapshotId;
                    stream = target;
                    var until = Until(Pick, now);
                    e = Pick(7) switch
                    {
                        0 => new SnapshotPinned(target, "vendor case", until, "olli.operator", now),
                        1 => new SnapshotUnpinned(target, "closed", "olli.operator", now),
                        2 => new LegalHoldPlaced(target, "investigation", until, "sam.security", now),
                        3 => new LegalHoldReleased(target, "closed", "sam.security", now),
                        4 => new SnapshotMarkedNotNeeded(target, "superseded", "olli.operator", now),
                        5 => new RetentionAssigned(target, now + TimeSpan.FromHours(Pick(200) - 100), (Sensitivity)Pick(4), 2, "system:retention", now),
                        _ => new SnapshotDeleted(target, Guid.Empty, "Expired", "system:retention", now, DeletionTrigger.Expired, ["key-1"],
                            $"sim://x/{target:N}", "deleted"),
                    };
                    break;
                }
            }

            if (e is not null)
                await AppendAsync((stream, e));
        }

        // The reader first, before any clock step: the rows that moved since the last one are judged by the reader.
        await FiguresShouldEqualRecountAsync("before the clock step");
        await clock.AdvanceAsync(batchSize: 1 + Pick(200), Ct);
        await CountersShouldEqualRecountAsync();
        await FiguresShouldEqualRecountAsync("after the clock step");
    }

    private async Task TakeAsync(int sequence, int step, Func<int, int> pick, DateTimeOffset now)
    {
        var id = Guid.Parse($"5a{sequence:000000}-{step:0000}-4000-8000-000000000000");
        var vnf = Vnfs[pick(Vnfs.Length)];
        // Unique completion times (the newest is the last good one): whole seconds plus a distinct millisecond.
        var completed = now - TimeSpan.FromHours(pick(24 * 40)) - TimeSpan.FromMilliseconds((sequence * 100) + step);
        var sensitivity = (Sensitivity)pick(4);
        var components = new List<SnapshotComponent> { new(Guid.NewGuid(), "c0", sensitivity, Domain) };
        var events = new List<(Guid, object)>
        {
            (id, new SnapshotTaken(id, vnf, $"vnf-{vnf.ToString()[..8]}", components, Guid.NewGuid(), Guid.NewGuid(),
                $"sim://x/{id:N}", "sha256:00", 1024, "olli.operator", ["anna.approver"], "system:execution", completed)),
        };
        if (pick(6) > 0)
        {
            var expires = pick(3) == 0 ? now + TimeSpan.FromMinutes(pick(600) - 300) : completed + SnapshotScenario.MaxAge(sensitivity);
            events.Add((id, new RetentionAssigned(id, expires, sensitivity, 1, "system:retention", completed)));
        }

        await AppendAsync([.. events]);
    }

    private static DateTimeOffset? Until(Func<int, int> pick, DateTimeOffset now) => pick(3) switch
    {
        0 => null,
        1 => now - TimeSpan.FromMinutes(1 + pick(600)),
        _ => now + TimeSpan.FromMinutes(1 + pick(3000)),
    };

    private async Task AppendAsync(params (Guid Stream, object Event)[] events)
    {
        await using var session = _fixture.Database.Store.LightweightSession();
        foreach (var (stream, e) in events)
        {
            if (e is SnapshotTaken)
                session.Events.StartStream<Snapshot>(stream, e);
            else
                session.Events.Append(stream, e);
        }

        await session.SaveChangesAsync(Ct);
        foreach (var (_, e) in events)
            World.Apply(e);
    }

    private async Task FiguresShouldEqualRecountAsync(string when)
    {
        var now = Time.GetUtcNow();
        var facts = World.Entries.Select(e => e.Facts).ToList();
        await using var readers = new DashboardReaders(_fixture.Database.Store, _options, Time);
        var retention = await readers.Retention.ReadAsync(Ct);
        var keep = retention.KeepLastGoodSnapshot;
        long Count(RetentionBucket bucket) => facts.Count(f => DashboardRules.RetentionBucketOf(f, now, keep, _options.SweepInterval) == bucket);

        retention.Overdue.ShouldBe(facts.Count(f => DashboardRules.IsOverdue(f, now, keep, _options.SweepInterval)), $"overdue {when}");
        retention.UnderLegalHold.ShouldBe(Count(RetentionBucket.LegalHold), $"legal hold {when}");
        retention.Pinned.ShouldBe(Count(RetentionBucket.Pinned), $"pinned {when}");
        retention.KeptAsLastGood.ShouldBe(Count(RetentionBucket.LastGood), $"last good {when}");
        retention.ProtectedPastExpiry.ShouldBe(facts.Count(f => DashboardRules.IsProtectedPastExpiry(f, now, keep)), $"held past expiry {when}");

        var expiring = await readers.Expiry.ReadAsync(Ct);
        expiring.Within24Hours.ShouldBe(facts.Count(f => DashboardRules.ExpiresWithin(f, ExpiryWindow.Within24Hours, now)), $"24 h {when}");
        expiring.Within7Days.ShouldBe(facts.Count(f => DashboardRules.ExpiresWithin(f, ExpiryWindow.Within7Days, now)), $"7 d {when}");
        var age = await readers.Age.ReadAsync(Ct);
        foreach (var bucket in DashboardRules.AgeBuckets)
            age.Count(bucket).ShouldBe(facts.Count(f => f.Available && DashboardRules.AgeBucketOf(f.CompletedAt, now) == bucket), $"{bucket} {when}");
    }

    private async Task CountersShouldEqualRecountAsync()
    {
        var now = Time.GetUtcNow();
        var sweep = _options.SweepInterval;
        var expectedRetention = new Dictionary<(bool, short), long>();
        foreach (var keep in new[] { true, false })
        {
            foreach (var group in World.Entries.GroupBy(e => DashboardRules.RetentionBucketOf(e.Facts, now, keep, sweep)).Where(g => g.Key != RetentionBucket.None))
                expectedRetention[(keep, (short)group.Key)] = group.Count();
        }

        (await CountersAsync<(bool, short)>($"select keep_last_good, bucket, n from {Tables.Retention} where n <> 0",
            r => (r.GetBoolean(0), r.GetInt16(1)))).ShouldBe(expectedRetention, ignoreOrder: true);

        // Each row: its stored buckets and the moment its bucket may change next, as the pure rule says.
        var stored = await CountersAsync<Guid>(
            $"select id, case when reclassify_at = 'infinity' then 0 else extract(epoch from reclassify_at) * 1000000 end::bigint from {Tables.Snapshot}",
            r => r.GetGuid(0));
        foreach (var entry in World.Entries)
        {
            var expected = DashboardRules.NextRetentionChange(entry.Facts, now, sweep) is { } t
                ? (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10
                : 0;
            stored[entry.Taken.SnapshotId].ShouldBe(expected, $"next change of {entry.Taken.SnapshotId}");
        }

        var available = World.Entries.Where(e => !e.Deleted).ToList();
        (await CountersAsync<(DateTimeOffset, short)>($"select completed_hour, sensitivity, n from {Tables.SnapshotAge} where n <> 0",
            r => (r.GetFieldValue<DateTimeOffset>(0), r.GetInt16(1))))
            .ShouldBe(available.GroupBy(e => (Hour(e.Taken.At), (short)e.Governing)).ToDictionary(g => g.Key, g => (long)g.Count()), ignoreOrder: true);
        (await CountersAsync<(DateTimeOffset, short)>($"select expiry_hour, sensitivity, n from {Tables.SnapshotExpiry} where n <> 0",
            r => (r.GetFieldValue<DateTimeOffset>(0), r.GetInt16(1))))
            .ShouldBe(available.Where(e => e.NotNeededAt is null && e.ExpiresAt is not null)
                .GroupBy(e => (Hour(e.ExpiresAt!.Value), (short)e.Governing)).ToDictionary(g => g.Key, g => (long)g.Count()), ignoreOrder: true);
        (await CountersAsync<short>($"select status, n from {Tables.SnapshotDomainTotal} where n <> 0", r => r.GetInt16(0)))
            .ShouldBe(World.Entries.GroupBy(e => e.Deleted ? (short)1 : (short)0).ToDictionary(g => g.Key, g => (long)g.Count()), ignoreOrder: true);
    }

    private async Task<Dictionary<TKey, long>> CountersAsync<TKey>(string sql, Func<NpgsqlDataReader, TKey> key)
        where TKey : notnull
    {
        await using var conn = new NpgsqlConnection(_fixture.Database.ConnectionString);
        await conn.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, conn);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var result = new Dictionary<TKey, long>();
        while (await reader.ReadAsync(Ct))
            result[key(reader)] = reader.GetInt64(reader.FieldCount - 1);
        return result;
    }

    private static DateTimeOffset Hour(DateTimeOffset t) => DashboardRules.NextHourAfter(t).AddHours(-1);
}

using Console.IntegrationTests.Infrastructure;
using Console.Workflows.Dashboards;
using Console.Workflows.Dashboards.Advancing;
using Console.Workflows.Dashboards.Projections;
using Marten;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Dashboards.Lists;

/// <summary>
/// The overdue and held-past-expiry lists read the buckets the clock step stored (a bounded index range per sort order)
/// plus the rows that moved since the step. Whatever the moment after the step, the sort and the direction, paging
/// through them must give exactly the snapshots <see cref="DashboardRules"/> finds in a full recount, in the list's order
/// (the sort key, then the id), each page full up to its size and no row on two pages.
/// </summary>
public sealed class RetentionSnapshotListTests(RetentionSnapshotListTests.WithClockStepTaken fixture) : IClassFixture<RetentionSnapshotListTests.WithClockStepTaken>
{
    /// <summary>A random history of 600 snapshots of 30 VNFs, then one clock step at <see cref="SnapshotScenario.Now"/>.</summary>
    public sealed class WithClockStepTaken : IAsyncLifetime
    {
        public PostgresDatabase Database { get; } = new();

        internal SnapshotWorld World { get; } = new();

        public async ValueTask InitializeAsync()
        {
            await Database.InitializeAsync();
            await SnapshotScenario.AppendAsync(Database.Store, World, 20261203, vnfCount: 30, snapshotCount: 600);

            var clock = new RetentionClock(Database.Store, new DashboardTables(Database.Store.Options.DatabaseSchemaName), Options,
                new FakeTimeProvider(SnapshotScenario.Now));
            (await clock.AdvanceAsync()).Moved.ShouldBeGreaterThan(0);
        }

        public ValueTask DisposeAsync() => Database.DisposeAsync();
    }

    private const int PageSize = 7;

    private static readonly DashboardOptions Options = new() { SweepInterval = TimeSpan.FromMinutes(10) };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<SnapshotListKind, SnapshotSortField, bool> Lists()
    {
        var data = new TheoryData<SnapshotListKind, SnapshotSortField, bool>();
        foreach (var kind in (SnapshotListKind[])[SnapshotListKind.Overdue, SnapshotListKind.ProtectedPastExpiry])
        {
            foreach (var sort in Enum.GetValues<SnapshotSortField>())
            {
                data.Add(kind, sort, false);
                data.Add(kind, sort, true);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task RetentionList_AfterAClockStep_PagesThroughExactlyTheRecountInOrder(SnapshotListKind kind, SnapshotSortField sort, bool descending)
    {
        // At the step (every row judged and stored), and later when more and more rows have moved since it.
        foreach (var minutes in (int[])[0, 17, 3 * 24 * 60 + 5, 20 * 24 * 60])
        {
            foreach (var keepLastGood in (bool[])[true, false])
            {
                var now = SnapshotScenario.Now.AddMinutes(minutes);
                await SnapshotScenario.WithKeepLastGoodAsync(fixture.Database.Store, keepLastGood, Ct);
                var expected = Ordered(
                    fixture.World.Entries.Where(e => kind == SnapshotListKind.Overdue
                        ? DashboardRules.IsOverdue(e.Facts, now, keepLastGood, Options.SweepInterval)
                        : DashboardRules.IsProtectedPastExpiry(e.Facts, now, keepLastGood)),
                    sort, descending);
                var context = $"{kind} by {sort} {(descending ? "desc" : "asc")}, {minutes} min after the step, keep last good {keepLastGood}";

                await using var readers = new DashboardReaders(fixture.Database.Store, Options, new FakeTimeProvider(now));
                var reader = readers.Snapshots;
                var seen = new List<Guid>();
                for (var page = 0; page <= expected.Count / PageSize; page++)
                {
                    var result = await reader.ListSnapshotsAsync(
                        new SnapshotListRequest(kind, SortBy: sort, Descending: descending, Page: page, PageSize: PageSize), Ct);
                    result.TotalCount.ShouldBe(expected.Count, context);
                    result.Items.Count.ShouldBe(Math.Min(PageSize, expected.Count - (page * PageSize)), $"{context}, page {page}");
                    seen.AddRange(result.Items.Select(r => r.Id));
                }

                seen.ShouldBe(expected, context);
                var beyond = await reader.ListSnapshotsAsync(new SnapshotListRequest(kind, SortBy: sort, Descending: descending, Page: 500, PageSize: PageSize), Ct);
                beyond.Items.ShouldBeEmpty(context);
                beyond.TotalCount.ShouldBe(expected.Count, context);
            }
        }
    }

    [Fact]
    public void RetentionLists_InTheScenario_SpanSeveralPagesAndRowsThatMovedSinceTheStep()
    {
        // The theory above proves little on lists that fit one page or that no moved row joins: the scenario has both.
        var later = SnapshotScenario.Now.AddDays(3).AddMinutes(5);
        var overdue = fixture.World.Entries.Where(e => DashboardRules.IsOverdue(e.Facts, later, true, Options.SweepInterval)).ToList();
        var held = fixture.World.Entries.Where(e => DashboardRules.IsProtectedPastExpiry(e.Facts, later, true)).ToList();
        overdue.Count.ShouldBeGreaterThan(3 * PageSize);
        held.Count.ShouldBeGreaterThan(3 * PageSize);
        var atStep = fixture.World.Entries.Where(e => DashboardRules.IsOverdue(e.Facts, SnapshotScenario.Now, true, Options.SweepInterval))
            .Select(e => e.Taken.SnapshotId).ToHashSet();
        overdue.Count(e => !atStep.Contains(e.Taken.SnapshotId)).ShouldBeGreaterThan(0, "some rows become overdue after the step");
        overdue.Count(e => e.ExpiresAt is null).ShouldBeGreaterThan(0, "some overdue rows have no expiry (sorted last)");
    }

    // The list's order: the sort key (expiry: those without one last, in either direction), then the id as PostgreSQL
    // orders uuids (byte by byte, which is the ordinal order of their text).
    private static List<Guid> Ordered(IEnumerable<SnapshotWorld.Entry> entries, SnapshotSortField sort, bool descending)
    {
        int Directed(int c) => descending ? -c : c;
        int Compare(SnapshotWorld.Entry a, SnapshotWorld.Entry b)
        {
            var c = sort switch
            {
                SnapshotSortField.CompletedAt => Directed(a.Taken.At.CompareTo(b.Taken.At)),
                SnapshotSortField.Vnf => Directed(string.CompareOrdinal(a.Taken.VnfName, b.Taken.VnfName)),
                SnapshotSortField.Sensitivity => Directed(a.Governing.CompareTo(b.Governing)),
                _ => (a.ExpiresAt, b.ExpiresAt) switch
                {
                    (null, null) => 0,
                    (null, _) => 1,
                    (_, null) => -1,
                    var (x, y) => Directed(x.Value.CompareTo(y.Value)),
                },
            };
            return c != 0 ? c : Directed(string.CompareOrdinal(a.Taken.SnapshotId.ToString(), b.Taken.SnapshotId.ToString()));
        }

        var list = entries.ToList();
        list.Sort(Compare);
        return list.Select(e => e.Taken.SnapshotId).ToList();
    }
}

using Console.Workflows.Dashboards;
using Console.Workflows.Dashboards.Figures;
using Console.Workflows.Dashboards.Lists;
using Console.Workflows.Dashboards.Trends;
using Console.Workflows.Inventory;

namespace Console.UnitTests.Web.Components.Pages.Dashboards;

/// <summary>
/// Hands the pages whatever figures and pages a test sets, and records what they asked for. The figures' arithmetic is
/// tested against PostgreSQL elsewhere; here only what the pages make of them counts.
/// </summary>
public sealed class FakeDashboardReader : IDashboardFiguresReader, ISnapshotListReader, IComponentListReader, ITrendReader
{
    /// <summary>Thirty days with nothing recorded, unless a test sets some.</summary>
    public TrendWindow Trends { get; set; } = new(DashboardFixtures.Now, TrendRules.Window(DashboardFixtures.Now, []));

    public DashboardFigures Figures { get; set; } = DashboardFixtures.Figures();

    public SnapshotPage SnapshotPage { get; set; } = new(DashboardFixtures.Now, [], 0, 0, 25);

    public ComponentPage ComponentPage { get; set; } = new(2, [], 0, 0, 25);

    /// <summary>When set, every call throws it, as a broken database would.</summary>
    public Exception? Failure { get; set; }

    public int FigureReads { get; private set; }

    public List<SnapshotListRequest> SnapshotRequests { get; } = [];

    public List<ComponentListRequest> ComponentRequests { get; } = [];

    public Task<DashboardFigures> GetFiguresAsync(CancellationToken ct = default)
    {
        FigureReads++;
        return Failure is { } failure ? Task.FromException<DashboardFigures>(failure) : Task.FromResult(Figures);
    }

    public Task<SnapshotPage> ListSnapshotsAsync(SnapshotListRequest request, CancellationToken ct = default)
    {
        SnapshotRequests.Add(request);
        return Failure is { } failure ? Task.FromException<SnapshotPage>(failure) : Task.FromResult(SnapshotPage);
    }

    public Task<TrendWindow> ReadAsync(CancellationToken ct = default) =>
        Failure is { } failure ? Task.FromException<TrendWindow>(failure) : Task.FromResult(Trends);

    public Task<ComponentPage> ListComponentsAsync(ComponentListRequest request, CancellationToken ct = default)
    {
        ComponentRequests.Add(request);
        return Failure is { } failure ? Task.FromException<ComponentPage>(failure) : Task.FromResult(ComponentPage);
    }
}

/// <summary>Figures with every number distinct, so a test can tell which one landed where.</summary>
public static class DashboardFixtures
{
    public static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    public static readonly TrustDomainRef Core = new(Guid.Parse("d0000000-0000-4000-8000-00000000000c"), "Operator Core");
    public static readonly TrustDomainRef Subscriber = new(Guid.Parse("d0000000-0000-4000-8000-00000000005d"), "Subscriber Data");
    public static readonly EnvironmentRef DcA = new(Guid.Parse("e0000000-0000-4000-8000-0000000000a1"), "Frankfurt Core DC A", TrustLevel.High);
    public static readonly EnvironmentRef Edge = new(Guid.Parse("e0000000-0000-4000-8000-0000000000e7"), "Hamburg Edge Site 07", TrustLevel.Low);

    public static DashboardFigures Figures(long overdue = 0, long violations = 0, DateTimeOffset? at = null, long expiring24h = 3) =>
        new(
            at ?? Now,
            new AgeDistribution(at ?? Now, new Dictionary<Sensitivity, IReadOnlyList<long>>
            {
                [Sensitivity.Public] = [1, 0, 0, 0, 0, 0],
                [Sensitivity.Internal] = [2, 3, 0, 0, 4, 0],
                [Sensitivity.Sensitive] = [5, 0, 6, 0, 0, 0],
                [Sensitivity.Critical] = [7, 8, 0, 0, 0, 9],
            }),
            new ExpiryFigures(at ?? Now, expiring24h, 11),
            new RetentionFigures(at ?? Now, overdue, 2, 1, 4, KeepLastGoodSnapshot: true, TimeSpan.FromMinutes(10)),
            new TrustDomainCounts(
            [
                new TrustDomainCountRow(Core, new Dictionary<Sensitivity, long> { [Sensitivity.Internal] = 12, [Sensitivity.Sensitive] = 13 }, 20, 14),
                new TrustDomainCountRow(Subscriber, new Dictionary<Sensitivity, long> { [Sensitivity.Critical] = 15 }, 15, 16),
            ]),
            new PlacementFigures(2, [Core, Subscriber], [DcA, Edge],
            [
                new PlacementCell(Core.Id, DcA.Id, 17, 0),
                new PlacementCell(Core.Id, Edge.Id, 18, violations),
                new PlacementCell(Subscriber.Id, DcA.Id, 19, 0),
            ], violations),
            new PendingApprovalFigures(at ?? Now, [21, 22, 23, 24], Now.AddHours(-30)));
}

using Console.Workflows.Dashboards;
using Console.Workflows.Dashboards.Figures;
using Console.Workflows.Dashboards.Lists;
using Console.Workflows.Dashboards.Projections;
using Console.Workflows.Dashboards.Reading;
using Marten;

namespace Console.IntegrationTests.Workflows.Dashboards;

/// <summary>
/// The dashboard's readers over one test database, wired as the console's registration wires them, at a clock the test
/// sets. Disposed after use: the readers' database holds a connection pool of its own.
/// </summary>
internal sealed class DashboardReaders : IAsyncDisposable
{
    public DashboardReaders(IDocumentStore store, DashboardOptions options, TimeProvider time)
    {
        var db = Database = new DashboardDatabase(store, new DashboardTables(store.Options.DatabaseSchemaName));
        Age = new AgeDistributionReader(db, time);
        Expiry = new ExpiryReader(db, time);
        Retention = new RetentionReader(db, options, time);
        TrustDomains = new TrustDomainCountsReader(db);
        Placement = new PlacementReader(db);
        Pending = new PendingApprovalsReader(db, time);
        Figures = new DashboardFiguresReader(db, Age, Expiry, Retention, TrustDomains, Placement, Pending, time);
        Snapshots = new SnapshotListReader(
            new ExpiringSnapshotList(db, Expiry, time), new RetentionSnapshotList(db, options, time), new AgeSnapshotList(db, Age, time),
            new TrustDomainSnapshotList(db, time));
        Components = new ComponentListReader(db);
    }

    public DashboardDatabase Database { get; }

    public AgeDistributionReader Age { get; }

    public ExpiryReader Expiry { get; }

    public RetentionReader Retention { get; }

    public TrustDomainCountsReader TrustDomains { get; }

    public PlacementReader Placement { get; }

    public PendingApprovalsReader Pending { get; }

    public DashboardFiguresReader Figures { get; }

    public SnapshotListReader Snapshots { get; }

    public ComponentListReader Components { get; }

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}

using Console.Workflows.Dashboards;
using Console.Workflows.Dashboards.Figures;
using Console.Workflows.Dashboards.Lists;
using Console.Workflows.Dashboards.Projections;
using Console.Workflows.Dashboards.Reading;
using Marten;

namespace Console.UnitTests.Workflows.Dashboards;

/// <summary>The dashboard's readers over one test database, wired as the console's registration wires them, at a clock the test sets.</summary>
internal sealed class DashboardReaders
{
    public DashboardReaders(IDocumentStore store, DashboardOptions options, TimeProvider time)
    {
        var db = new DashboardDatabase(store, new DashboardTables(store.Options.DatabaseSchemaName));
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

    public AgeDistributionReader Age { get; }

    public ExpiryReader Expiry { get; }

    public RetentionReader Retention { get; }

    public TrustDomainCountsReader TrustDomains { get; }

    public PlacementReader Placement { get; }

    public PendingApprovalsReader Pending { get; }

    public DashboardFiguresReader Figures { get; }

    public SnapshotListReader Snapshots { get; }

    public ComponentListReader Components { get; }
}

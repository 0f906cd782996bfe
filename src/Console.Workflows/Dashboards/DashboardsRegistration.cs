using Console.Workflows.Dashboards.Advancing;
using Console.Workflows.Dashboards.Figures;
using Console.Workflows.Dashboards.Lists;
using Console.Workflows.Dashboards.Projections;
using Console.Workflows.Dashboards.Reading;
using Console.Workflows.Dashboards.Trends;
using Console.Workflows.Inventory;
using Console.Workflows.Snapshots;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Wolverine;

namespace Console.Workflows.Dashboards;

public static class DashboardsRegistration
{
    /// <summary>
    /// The dashboard's read tables and the inline projections that keep them: snapshot streams into
    /// <c>dash_snapshot</c> and its counters, VNF streams into where each component runs.
    /// </summary>
    public static StoreOptions AddDashboards(this StoreOptions opts)
    {
        ArgumentNullException.ThrowIfNull(opts);
        var tables = new DashboardTables(opts.DatabaseSchemaName);
        opts.Projections.Add(new SnapshotDashboardProjection(tables), ProjectionLifecycle.Inline);
        opts.Projections.Add(new PlacementDashboardProjection(tables), ProjectionLifecycle.Inline);
        opts.Storage.ExtendedSchemaObjects.Add(tables.BuildTrend());
        return opts;
    }

    /// <summary>
    /// The dashboard's readers, one per part (figures, lists), and their settings. Singletons: they hold no session, and
    /// each read takes a pooled connection of the store's data source for its one round trip.
    /// </summary>
    public static IServiceCollection AddDashboardServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(DashboardOptions.From(configuration));
        services.AddSingleton(sp => new DashboardTables(sp.GetRequiredService<IDocumentStore>().Options.DatabaseSchemaName));
        services.AddSingleton<DashboardDatabase>();
        services.AddSingleton<AgeDistributionReader>();
        services.AddSingleton<ExpiryReader>();
        services.AddSingleton<RetentionReader>();
        services.AddSingleton<TrustDomainCountsReader>();
        services.AddSingleton<PlacementReader>();
        services.AddSingleton<PendingApprovalsReader>();
        services.AddSingleton<IDashboardFiguresReader, DashboardFiguresReader>();
        services.AddSingleton<ExpiringSnapshotList>();
        services.AddSingleton<RetentionSnapshotList>();
        services.AddSingleton<AgeSnapshotList>();
        services.AddSingleton<TrustDomainSnapshotList>();
        services.AddSingleton<ISnapshotListReader, SnapshotListReader>();
        services.AddSingleton<IComponentListReader, ComponentListReader>();
        services.AddSingleton<ITrendReader, TrendReader>();
        services.TryAddSingleton<RetentionClock>();
        services.TryAddSingleton<TrendRecorder>();
        services.AddSingleton<IWolverineExtension, RetentionClockSchedule>();
        return services;
    }

    /// <summary>
    /// Start-up step: inline projections only see events appended after they exist, so a database that had VNFs or
    /// snapshots before the dashboards came gets their tables rebuilt from the events once. Returns the projections it
    /// rebuilt.
    /// </summary>
    public static async Task<IReadOnlyList<string>> EnsureDashboardProjectionsAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        var store = services.GetRequiredService<IDocumentStore>();
        var tables = services.GetRequiredService<DashboardTables>();
        var stale = new List<string>();
        await using (var session = store.QuerySession())
        {
            if (await session.Query<Vnf>().AnyAsync(ct) && !await AnyRowAsync(session, tables.Vnf, ct))
                stale.Add(PlacementDashboardProjection.ProjectionName);
            if (await session.Query<Snapshot>().AnyAsync(ct) && !await AnyRowAsync(session, tables.Snapshot, ct))
                stale.Add(SnapshotDashboardProjection.ProjectionName);
        }

        if (stale.Count == 0)
            return stale;
        using var daemon = await store.BuildProjectionDaemonAsync();
        foreach (var name in stale)
            await daemon.RebuildProjectionAsync(name, TimeSpan.FromMinutes(5), ct);
        return stale;
    }

    private static async Task<bool> AnyRowAsync(IQuerySession session, string table, CancellationToken ct) =>
        (await session.AdvancedSql.QueryAsync<bool>($"select exists (select 1 from {table})", ct)).Single();
}

/// <summary>
/// The clock step's handler and its recurring schedule on the workflow's Wolverine runtime (durable: the schedule is
/// kept in PostgreSQL, and one node runs each occurrence), on a sequential queue of its own, so a long retention sweep
/// does not hold it up.
/// </summary>
internal sealed class RetentionClockSchedule(DashboardOptions options) : IWolverineExtension
{
    public const string Schedule = "dashboard-retention-clock";

    public const string Queue = "dashboard-clock";

    public void Configure(WolverineOptions opts)
    {
        opts.Discovery.IncludeType(typeof(AdvanceRetentionClockHandler));
        opts.PublishMessage<AdvanceRetentionClock>().ToLocalQueue(Queue);
        opts.LocalQueue(Queue).Sequential();
        opts.Schedules.ScheduleRecurring(Schedule, options.ClockCron(), occurrence => new AdvanceRetentionClock(occurrence));
    }
}

using Console.Workflows.Dashboards.Projections;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
        return opts;
    }

    /// <summary><see cref="IDashboardReader"/> (scoped, on the request's query session) and its settings.</summary>
    public static IServiceCollection AddDashboardServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(DashboardOptions.From(configuration));
        services.AddSingleton(sp => new DashboardTables(sp.GetRequiredService<IDocumentStore>().Options.DatabaseSchemaName));
        services.AddScoped<IDashboardReader, MartenDashboardReader>();
        return services;
    }
}

using JasperFx.Events.Projections;
using Marten;
using Marten.Schema;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Console.Workflows.Inventory;

public static class InventoryRegistration
{
    /// <summary>
    /// Inventory streams and their inline snapshots (the documents every query reads). Relies on the store-wide
    /// options of <see cref="ConsoleStore"/> (rich appends, enums by name, so sorting by type is alphabetical).
    /// </summary>
    public static StoreOptions AddInventory(this StoreOptions opts)
    {
        opts.Projections.Snapshot<TrustDomain>(SnapshotLifecycle.Inline);
        opts.Projections.Snapshot<ExecutionEnvironment>(SnapshotLifecycle.Inline);
        opts.Projections.Snapshot<Vnf>(SnapshotLifecycle.Inline);

        opts.Schema.For<TrustDomain>()
            .Index(x => x.Name, i => { i.IsUnique = true; i.Casing = ComputedIndex.Casings.Lower; });
        opts.Schema.For<ExecutionEnvironment>()
            .Index(x => x.Name, i => { i.IsUnique = true; i.Casing = ComputedIndex.Casings.Lower; });
        opts.Schema.For<Vnf>()
            .Index(x => x.Name, i => { i.IsUnique = true; i.Casing = ComputedIndex.Casings.Lower; })
            .Index(x => x.Type)
            .Index(x => x.EnvironmentId)
            .Index(x => x.HighestSensitivityRank)
            // Component filters (trust domain, sensitivity) become `data -> 'Components' @> ...`; this index serves them.
            .GinIndexJsonDataMember(x => x.Components);
        return opts;
    }

    /// <summary>The inventory's read and write services (scoped, on the request's Marten sessions).</summary>
    public static IServiceCollection AddInventoryServices(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<IInventoryReader, MartenInventoryReader>();
        services.AddScoped<IInventoryCommands, MartenInventoryCommands>();
        return services;
    }
}

using Console.Workflows.Inventory.ChangingEnvironment;
using Console.Workflows.Inventory.ChangingTrustDomain;
using Console.Workflows.Inventory.ChangingVnf;
using Console.Workflows.Inventory.RegisteringEnvironment;
using Console.Workflows.Inventory.RegisteringTrustDomain;
using Console.Workflows.Inventory.RegisteringVnf;
using JasperFx.Events.Projections;
using Marten;
using Marten.Schema;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Console.Workflows.Inventory;

public static class InventoryRegistration
{
    /// <summary>The inventory's command handlers, run by the workflow's Wolverine runtime.</summary>
    internal static readonly Type[] Handlers =
    [
        typeof(RegisterTrustDomainHandler), typeof(ChangeTrustDomainHandler), typeof(RegisterEnvironmentHandler),
        typeof(ChangeEnvironmentHandler), typeof(RegisterVnfHandler), typeof(ChangeVnfHandler),
    ];

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

    /// <summary>The inventory's reader (scoped); its commands are issued through the workflow's <see cref="Common.IConsoleCommandBus"/>.</summary>
    public static IServiceCollection AddInventoryServices(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<IInventoryReader, MartenInventoryReader>();
        services.AddScoped<Locating.IVnfLocationReader, Locating.VnfLocationReader>();
        return services;
    }
}

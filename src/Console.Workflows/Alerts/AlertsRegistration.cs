using Console.Workflows.Alerts.Handling;
using Console.Workflows.Alerts.Upgrading;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace Console.Workflows.Alerts;

public static class AlertsRegistration
{
    public static StoreOptions AddAlertHandling(this StoreOptions opts)
    {
        ArgumentNullException.ThrowIfNull(opts);
        opts.Projections.Snapshot<AlertHandling>(SnapshotLifecycle.Inline);
        opts.Schema.For<AlertHandling>().DocumentAlias("alert_handling").Index(x => x.State);
        return opts;
    }

    public static IServiceCollection AddAlertHandling(this IServiceCollection services)
    {
        services.AddSingleton<IWolverineExtension, AlertHandlingWolverine>();
        services.AddScoped<IAlertReader, MartenAlertReader>();
        services.AddSingleton<AlertUpgrade>();
        services.AddSingleton<AlertNotifications>();
        services.AddSingleton<IConfigureMarten, AlertNotificationsConfiguration>();
        return services;
    }
}

internal sealed class AlertHandlingWolverine : IWolverineExtension
{
    public void Configure(WolverineOptions opts) => opts.Discovery.IncludeType(typeof(AlertHandlingHandler));
}

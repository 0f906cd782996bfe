using Console.Workflows.Accounts;
using Console.Workflows.Alerts;
using Console.Workflows.Attestation;
using Console.Workflows.Audit.History;
using Console.Workflows.Continuity;
using Console.Workflows.Dashboards;
using Console.Workflows.Audit.Integrity;
using Console.Workflows.Inventory;
using Console.Workflows.Keys;
using Console.Workflows.Notifications;
using Console.Workflows.Policy;
using Console.Workflows.Requests;
using Console.Workflows.Snapshots;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Weasel.Core;

namespace Console.Workflows;

/// <summary>
/// The console's Marten store: options that hold for every capability, then each capability's own registration.
/// The web host and the integration tests both configure the store through this, so tests run what production runs.
/// </summary>
public static class ConsoleStore
{
    public static StoreOptions ConfigureConsoleStore(this StoreOptions opts, string connectionString)
    {
        opts.Connection(connectionString);

        // Enums by name: events written today still read correctly when an enum gains members.
        opts.UseSystemTextJsonForSerialization(EnumStorage.AsString);

        // Rich appends: inline snapshots carry the stream version that optimistic concurrency checks against, and
        // failed transactions leave tombstones the tamper-evident chain relies on. (Quick mode was tried for the
        // approve path's latency; the integrity and status code written on Rich did not hold under it.)
        opts.Events.AppendMode = EventAppendMode.Rich;

        opts.AddInventory();
        opts.AddPolicy();
        opts.AddRequests();
        opts.AddSnapshots();
        opts.AddKeyStore();
        opts.AddHistory();
        opts.AddDashboards();
        opts.AddAuditIntegrity();
        opts.AddAttestation();
        opts.AddContinuity();
        opts.AddAccounts();
        opts.AddNotifications();
        opts.AddAlertHandling();
        return opts;
    }

    /// <summary>
    /// Everything a host of the console needs from the workflow layer: the Marten store (configured by
    /// <paramref name="configureStore"/>, which calls <see cref="ConfigureConsoleStore"/>), Wolverine on it, and the
    /// inventory and workflow services. The web host, the bench and the integration tests all register through this.
    /// </summary>
    public static IServiceCollection AddConsoleWorkflowHost(
        this IServiceCollection services, IConfiguration configuration, Action<StoreOptions> configureStore)
    {
        services.AddMarten(configureStore)
            .IntegrateWithConsoleWorkflow(configuration)
            .RelayEventsToNotifications(configuration)
            .UseLightweightSessions();
        services.AddInventoryServices();
        services.AddConsoleWorkflow(configuration);
        services.AddStepUp(configuration);
        services.AddSecurityHistory();
        services.AddDashboardServices(configuration);
        services.AddAuditIntegrity(configuration);
        services.AddAttestationServices(configuration);
        services.AddContinuityServices();
        services.AddNotificationServices(configuration);
        services.AddAlertHandling();
        return services;
    }
}

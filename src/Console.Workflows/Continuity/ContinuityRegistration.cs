using Console.Workflows.Continuity.Reconciling;
using Console.Workflows.Continuity.Tracking;
using Console.Workflows.Continuity.Viewing;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Console.Workflows.Continuity;

/// <summary>
/// State continuity: one stream per VNF (<see cref="VnfContinuity.StreamIdFor"/>) with its inline document, the
/// security officers' alerts, the service execution and heartbeats use, the read side, and the start-up and heartbeat
/// background work.
/// </summary>
public static class ContinuityRegistration
{
    public static StoreOptions AddContinuity(this StoreOptions opts)
    {
        ArgumentNullException.ThrowIfNull(opts);
        opts.Projections.Snapshot<VnfContinuity>(SnapshotLifecycle.Inline);
        opts.Schema.For<VnfContinuity>().Index(x => x.VnfId);
        // The alert is its SecurityAlertRaised's snapshot, so verification covers it; its stream also holds its handling.
        opts.Projections.Snapshot<SecurityAlert>(SnapshotLifecycle.Inline);
        opts.Schema.For<SecurityAlert>().DocumentAlias("security_alert").Index(x => x.At).Index(x => x.VnfId);
        foreach (var type in new[]
                 {
                     typeof(ContinuityEstablished), typeof(StateSealed), typeof(MigrationCommitted), typeof(MigrationAborted),
                     typeof(StateRestored), typeof(InstanceInterrupted), typeof(InstanceReattested), typeof(ForkDetected),
                     typeof(TrustRelationshipDeclared), typeof(HostDriftDetected),
                 })
            opts.Events.AddEventType(type);
        return opts;
    }

    public static IServiceCollection AddContinuityServices(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IContinuityService, ContinuityService>();
        services.AddSingleton<HostDriftRecorder>();
        services.AddScoped<IContinuityReader, MartenContinuityReader>();
        services.AddHostedService<ContinuityStartup>();
        return services;
    }
}

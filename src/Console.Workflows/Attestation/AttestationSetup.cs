using Console.Workflows.Attestation.Verifying;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Console.Workflows.Attestation;

/// <summary>Attestation: one stream per subject (environment or VNF instance) with its inline <see cref="AttestationSubject"/>.</summary>
public static class AttestationSetup
{
    public static StoreOptions AddAttestation(this StoreOptions opts)
    {
        ArgumentNullException.ThrowIfNull(opts);
        opts.Projections.Snapshot<AttestationSubject>(SnapshotLifecycle.Inline);
        opts.Events.AddEventType<AttestationKeyRegistered>();
        opts.Events.AddEventType<ReferenceValuesRegistered>();
        opts.Events.AddEventType<EvidenceVerified>();
        return opts;
    }

    public static IServiceCollection AddAttestationServices(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IAttestationService, AttestationService>();
        return services;
    }
}

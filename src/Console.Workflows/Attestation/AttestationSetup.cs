using Console.Workflows.Attestation.Enrolling;
using Console.Workflows.Attestation.Verifying;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Console.Workflows.Attestation;

/// <summary>Attestation: one stream per subject (environment or VNF instance) with its inline <see cref="AttestationSubject"/>.</summary>
public static class AttestationSetup
{
    /// <summary>The enrolment command handlers, run by the workflow's Wolverine runtime.</summary>
    internal static readonly Type[] Handlers = [typeof(EnrolmentHandler)];

    public static StoreOptions AddAttestation(this StoreOptions opts)
    {
        ArgumentNullException.ThrowIfNull(opts);
        opts.Projections.Snapshot<AttestationSubject>(SnapshotLifecycle.Inline);
        opts.Events.AddEventType<AttestationKeyRegistered>();
        opts.Events.AddEventType<ReferenceValuesRegistered>();
        opts.Events.AddEventType<EvidenceVerified>();
        opts.Events.AddEventType<EnrolmentProposed>();
        opts.Events.AddEventType<EnrolmentApproved>();
        opts.Events.AddEventType<EnrolmentRejected>();
        opts.Events.AddEventType<AttestationKeyRevoked>();
        return opts;
    }

    public static IServiceCollection AddAttestationServices(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(configuration.GetSection("Attestation:Enrolment").Get<EnrolmentOptions>() ?? new EnrolmentOptions());
        services.AddScoped<IEnrolmentReader, MartenEnrolmentReader>();
        services.AddSingleton<IAttestationService, AttestationService>();
        return services;
    }
}

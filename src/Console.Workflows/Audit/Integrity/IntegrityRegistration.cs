using Console.Workflows.Audit.Integrity.Chaining;
using Console.Workflows.Audit.Integrity.Checkpoints;
using Console.Workflows.Audit.Integrity.Proofs;
using Console.Workflows.Audit.Integrity.Schema;
using Console.Workflows.Audit.Integrity.Verifying;
using Console.Workflows.Keys;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Console.Workflows.Audit.Integrity;

public static class IntegrityRegistration
{
    /// <summary>The Wolverine handler of the one command on the log (the request workflow's registration includes it).</summary>
    internal static readonly Type[] Handlers = [typeof(Acknowledging.AcknowledgeIntegrityAlertHandler)];

    /// <summary>
    /// The chain's tables, the guard that refuses rewrites of stored events, and the integrity stream's inline snapshot.
    /// </summary>
    public static StoreOptions AddAuditIntegrity(this StoreOptions opts)
    {
        ArgumentNullException.ThrowIfNull(opts);
        opts.Storage.Add(new AuditSchema(opts));
        opts.Projections.Snapshot<IntegrityStatus>(SnapshotLifecycle.Inline);
        return opts;
    }

    /// <summary>
    /// The chain writer and the scheduled verification (hosted services), the verifier, the proof exporter, the signing
    /// keys and <see cref="IIntegrityService"/>. Settings from the <c>Audit</c> section (<see cref="AuditIntegrityOptions"/>).
    /// </summary>
    public static IServiceCollection AddAuditIntegrity(this IServiceCollection services, IConfiguration configuration)
    {
        var options = AuditIntegrityOptions.From(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton<AuditDatabase>();
        services.AddSingleton(CheckpointKeys.KeyFile(options));
        services.AddSigningKeys();
        services.AddSingleton<CheckpointKeyring>();
        services.AddSingleton<EventChainer>();
        services.AddSingleton<IntegrityVerifier>();
        services.AddSingleton<IntegrityVerificationRunner>();
        services.AddSingleton<ProofExporter>();
        services.AddSingleton<ILogProofs, LogProofs>();
        services.AddSingleton<IEvidenceBundles, EvidenceBundles>();
        services.AddSingleton<ChainSignal>();
        services.AddSingleton<IntegrityNotifications>();
        services.AddSingleton<IConfigureMarten, AuditListenerConfiguration>();
        services.AddScoped<IIntegrityService, IntegrityService>();
        services.AddHostedService<ChainingService>();
        services.AddHostedService<ScheduledVerification>();
        return services;
    }
}

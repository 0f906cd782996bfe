using Console.Nfv.Simulator.Tpm;
using Console.Workflows.Nfv;
using Console.Workflows.Snapshots;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Console.Nfv.Simulator;

/// <summary>
/// Plugs the built-in simulator in as the console's <see cref="INfvInfrastructure"/>. A host (the web console, the
/// bench, the integration tests) chooses its adapter: it calls both methods, the store one inside its Marten
/// configuration. A real orchestrator adapter offers the same pair from its own project.
/// </summary>
public static class NfvRegistration
{
    /// <summary>The simulated infrastructure's own tables (placements, operations, artefacts).</summary>
    public static StoreOptions AddNfvSimulator(this StoreOptions opts)
    {
        ArgumentNullException.ThrowIfNull(opts);
        opts.Schema.For<SimulatedOperation>().DocumentAlias("nfv_sim_operation");
        opts.Schema.For<SimulatedOperationLogEntry>().DocumentAlias("nfv_sim_operation_log").Index(x => x.OperationId);
        opts.Schema.For<SimulatedPlacement>().DocumentAlias("nfv_sim_placement").Index(x => x.VnfId);
        opts.Schema.For<SimulatedSnapshotArtefact>().DocumentAlias("nfv_sim_artefact");
        opts.Schema.For<SimulatedInstance>().DocumentAlias("nfv_sim_instance").Index(x => x.VnfId);
        opts.Schema.For<SimulatedSubjectKeys>().DocumentAlias("nfv_sim_subject_keys");
        opts.Schema.For<SimulatedSealedState>().DocumentAlias("nfv_sim_sealed_state");
        opts.Schema.For<SimulatedLifecycleOperation>().DocumentAlias("nfv_sim_lifecycle_operation");
        return opts;
    }

    /// <summary>
    /// The simulator as the infrastructure port, its options (<c>Nfv:Simulator</c>), its heartbeats, and the TPMs of
    /// the environments <c>Attestation:Tpm</c> maps to one.
    /// </summary>
    public static IServiceCollection AddNfvSimulator(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.Configure<NfvSimulatorOptions>(configuration.GetSection(NfvSimulatorOptions.Section));
        services.Configure<TpmAttestationOptions>(configuration.GetSection(TpmAttestationOptions.Section));
        services.AddSingleton<Tpm2ToolsAttester>();
        services.AddSingleton<INfvInfrastructure, SimulatedNfvInfrastructure>();
        services.AddHostedService<SimulatedHeartbeats>();
        return services;
    }

    /// <summary>The artefact the simulator holds for a demo snapshot seeded straight into the store (deleted ones too).</summary>
    public static void StoreDemoArtefact(IDocumentSession session, SnapshotTaken taken, DateTimeOffset? deletedAt)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(taken);
        session.Store(new SimulatedSnapshotArtefact(taken.SnapshotId, taken.VnfId, [.. taken.Components.Select(c => c.ComponentId)],
            taken.EnvironmentId, taken.ArtefactLocation, taken.ContentDigest, taken.SizeBytes, taken.At, deletedAt));
    }
}

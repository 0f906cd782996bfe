using Marten;

namespace Console.Workflows.Nfv;

public static class NfvRegistration
{
    /// <summary>The simulated infrastructure's own tables (placements, operations, artefacts).</summary>
    public static StoreOptions AddNfvSimulator(this StoreOptions opts)
    {
        opts.Schema.For<SimulatedOperation>().DocumentAlias("nfv_sim_operation");
        opts.Schema.For<SimulatedPlacement>().DocumentAlias("nfv_sim_placement").Index(x => x.VnfId);
        opts.Schema.For<SimulatedSnapshotArtefact>().DocumentAlias("nfv_sim_artefact");
        opts.Schema.For<SimulatedInstance>().DocumentAlias("nfv_sim_instance").Index(x => x.VnfId);
        opts.Schema.For<SimulatedSubjectKeys>().DocumentAlias("nfv_sim_subject_keys");
        opts.Schema.For<SimulatedSealedState>().DocumentAlias("nfv_sim_sealed_state");
        opts.Schema.For<SimulatedLifecycleOperation>().DocumentAlias("nfv_sim_lifecycle_operation");
        return opts;
    }
}

using JasperFx.Events.Projections;
using Marten;

namespace Console.Workflows.Snapshots;

public static class SnapshotsRegistration
{
    /// <summary>Snapshot streams (one per artefact) and their inline documents, listed per VNF.</summary>
    public static StoreOptions AddSnapshots(this StoreOptions opts)
    {
        opts.Projections.Snapshot<Snapshot>(SnapshotLifecycle.Inline);
        opts.Schema.For<Snapshot>().Index(x => x.VnfId).Index(x => x.RequestId);
        return opts;
    }
}

using Console.UnitTests.Web.Fakes;
using Console.Workflows.Snapshots;

namespace Console.UnitTests.Web.Components.Pages.Requests;

/// <summary>Snapshots of the scenario's UDM, as the workflow would have recorded them.</summary>
public static class VnfSnapshots
{
    public static Snapshot Add(FakeSnapshotReader reader, RequestScenarios.World world, DateTimeOffset at, bool deleted = false)
    {
        var snapshot = new Snapshot(
            Guid.NewGuid(), world.Udm.Id, world.Udm.Name,
            [.. world.Udm.Components.Select(c => new SnapshotComponent(c.Id, c.Name, c.Sensitivity, c.TrustDomainId))],
            Guid.NewGuid(), world.CoreDc.Id, "s3://snapshots/udm-1", "sha256:abc", 3L << 30, "Olivia Operator",
            ["Anna Approver", "Sam Security"], at, deleted ? SnapshotStatus.Deleted : SnapshotStatus.Available,
            deleted ? at.AddDays(1) : null);
        reader.Snapshots.Add(snapshot);
        return snapshot;
    }
}

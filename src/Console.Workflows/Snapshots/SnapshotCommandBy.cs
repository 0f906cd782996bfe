using Console.Workflows.Audit.Access;
using Console.Workflows.Common;

namespace Console.Workflows.Snapshots;

/// <summary>A retention command on one snapshot with the person who gave it.</summary>
public abstract record SnapshotCommandBy(Guid SnapshotId, Actor Actor) : ICommandBy
{
    public string Resource => AccessResources.Snapshot(SnapshotId);

    public string ConflictMessage => SnapshotGuards.ConflictMessage;
}

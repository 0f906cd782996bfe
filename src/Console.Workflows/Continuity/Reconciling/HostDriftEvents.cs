namespace Console.Workflows.Continuity.Reconciling;

// Events of host reconciliation: each difference between what the hosts run and hold and the console's inventory is a
// stream of its own (stream id: HostDifference.DriftId), so the same difference seen again, by the next round or by
// another node, is recorded once.

/// <summary>
/// What a host runs or holds differs from the console's inventory: a machine it did not start, its VNF's state streamed
/// out of its machine without a request (a snapshot or migration done on the host), a memory-state file it did not
/// write, a snapshot file missing or changed, a machine elsewhere or in another state than the inventory says.
/// </summary>
public sealed record HostDriftDetected(
    Guid DriftId, HostDriftKind Kind, Guid? VnfId, Guid? EnvironmentId, string Host, string Subject, string Detail, string By, DateTimeOffset At);

public enum HostDriftKind
{
    /// <summary>A machine on a host that the console did not start and that runs no VNF it knows.</summary>
    UnknownMachine = 0,

    /// <summary>A VNF's state left its machine without a request: QEMU reports an outgoing stream the console never asked for.</summary>
    UnrequestedStateTransfer = 1,

    /// <summary>A file of VM memory state on a host or in the snapshot store that no snapshot of the console accounts for.</summary>
    UnrequestedStateFile = 2,

    /// <summary>A snapshot the console holds whose file is gone from storage or changed size.</summary>
    SnapshotFileChanged = 3,

    /// <summary>The console's machine of a VNF runs on a host other than the inventory's environment for it.</summary>
    PlacementDiffers = 4,

    /// <summary>The machine is paused while its instance should run, or runs while it should be paused.</summary>
    RunStateDiffers = 5,
}

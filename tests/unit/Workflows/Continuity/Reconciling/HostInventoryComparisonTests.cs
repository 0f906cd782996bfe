using Console.Workflows.Common;
using Console.Workflows.Continuity.Reconciling;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Continuity.Reconciling;

/// <summary>Given what the console's inventory expects and what the hosts show, when compared, then each difference is named once.</summary>
public sealed class HostInventoryComparisonTests
{
    private static readonly Guid Amf = NameBasedGuid.From("vnf:amf");
    private static readonly Guid DcA = NameBasedGuid.From("env:dc-a");
    private static readonly Guid DcB = NameBasedGuid.From("env:dc-b");
    private static readonly Guid Snapshot = NameBasedGuid.From("snapshot:1");

    private static readonly ExpectedMachine AmfMachine = new("m-amf-1", Amf, "amf-1", DcA, ShouldRun: true);
    private static readonly ExpectedStateFile AmfSnapshotFile = new(Snapshot, Amf, DcA, "/lab/snapshots/1/amf.state", 1000);

    private static IReadOnlyList<HostDifference> Compare(
        IReadOnlyList<ObservedMachine> machines, IReadOnlyList<ObservedStateFile> files, IReadOnlyList<ExpectedMachine>? expected = null) =>
        HostInventoryComparison.Compare(expected ?? [AmfMachine], [AmfSnapshotFile], machines, files);

    private static ObservedMachine Seen(string status = "running", string? transfer = null, Guid? environment = null) =>
        new(environment ?? DcA, "lab-a", "m-amf-1", 4242, status, transfer);

    private static readonly ObservedStateFile SnapshotOnDisk = new(null, "snapshot store", "/lab/snapshots/1/amf.state", 1000, false);

    [Fact]
    public void Compare_HostsAsTheInventorySays_FindsNoDifference() =>
        Compare([Seen()], [SnapshotOnDisk]).ShouldBeEmpty();

    [Fact]
    public void Compare_AMachineTheConsoleDidNotStart_IsAnUnknownMachineNamingHostProcessAndName()
    {
        var difference = Compare([Seen(), new(DcB, "lab-b", "insider-vm", 77, "running", null)], [SnapshotOnDisk]).ShouldHaveSingleItem();

        difference.Kind.ShouldBe(HostDriftKind.UnknownMachine);
        difference.EnvironmentId.ShouldBe(DcB);
        difference.VnfId.ShouldBeNull();
        difference.Detail.ShouldBe("Machine 'insider-vm' (process 77) runs on host lab-b, but the console did not start it and its inventory holds no such VM.");
    }

    [Fact]
    public void Compare_AnOutgoingStreamTheConsoleDidNotStart_IsAnUnrequestedTransferOfThatVnf()
    {
        var difference = Compare([Seen(transfer: "outgoing stream completed: 5 bytes in 9 ms")], [SnapshotOnDisk]).ShouldHaveSingleItem();

        difference.Kind.ShouldBe(HostDriftKind.UnrequestedStateTransfer);
        difference.VnfId.ShouldBe(Amf);
        difference.Detail.ShouldBe(
            "The state of amf-1 left its machine 'm-amf-1' on host lab-a without a request (outgoing stream completed: 5 bytes in 9 ms): a snapshot or migration was done on the host.");
    }

    [Fact]
    public void Compare_APlaintextStateFileNoSnapshotAccountsFor_IsAnUnrequestedStateFile()
    {
        var dump = new ObservedStateFile(DcA, "lab-a", "/lab/hosts/lab-a/dump.state", 2048, true);

        var difference = Compare([Seen()], [SnapshotOnDisk, dump]).ShouldHaveSingleItem();

        difference.Kind.ShouldBe(HostDriftKind.UnrequestedStateFile);
        difference.EnvironmentId.ShouldBe(DcA);
        difference.Detail.ShouldBe(
            "/lab/hosts/lab-a/dump.state on host lab-a holds unencrypted memory state of a VM (2048 bytes) that no snapshot of the console accounts for: a snapshot taken or copied on the host.");
    }

    [Fact]
    public void Compare_ASnapshotFileGoneOrResized_IsASnapshotFileChange()
    {
        Compare([Seen()], []).ShouldHaveSingleItem().Detail.ShouldBe(
            $"The file of snapshot {Snapshot:D}, /lab/snapshots/1/amf.state, is gone from the lab's storage, but the console holds the snapshot.");
        var resized = Compare([Seen()], [SnapshotOnDisk with { SizeBytes = 999 }]).ShouldHaveSingleItem();
        resized.Kind.ShouldBe(HostDriftKind.SnapshotFileChanged);
        resized.Detail.ShouldBe($"The file of snapshot {Snapshot:D}, /lab/snapshots/1/amf.state, is 999 bytes; the console wrote 1000.");
    }

    [Fact]
    public void Compare_TheConsolesMachineOnAnotherHostOrPaused_NamesPlacementAndRunState()
    {
        var differences = Compare([Seen(status: "postmigrate", environment: DcB)], [SnapshotOnDisk]);

        differences.Select(d => d.Kind).ShouldBe([HostDriftKind.PlacementDiffers, HostDriftKind.RunStateDiffers]);
        differences[1].Detail.ShouldBe("amf-1's machine 'm-amf-1' on host lab-a is postmigrate, but its instance is recorded as running.");
        Compare([Seen()], [SnapshotOnDisk], [AmfMachine with { ShouldRun = false }]).ShouldHaveSingleItem().Kind.ShouldBe(HostDriftKind.RunStateDiffers);
        Compare([Seen(status: "paused")], [SnapshotOnDisk], [AmfMachine with { ShouldRun = false }]).ShouldBeEmpty();
    }

    [Fact]
    public void DriftId_TheSameDifferenceSeenAgain_IsTheSameId_ANewOneAnother()
    {
        var first = Compare([Seen(transfer: "outgoing stream completed: 5 bytes in 9 ms")], [SnapshotOnDisk]).Single();
        var again = Compare([Seen(transfer: "outgoing stream completed: 5 bytes in 9 ms")], [SnapshotOnDisk]).Single();
        var another = Compare([Seen(transfer: "outgoing stream completed: 7 bytes in 12 ms")], [SnapshotOnDisk]).Single();

        again.DriftId.ShouldBe(first.DriftId);
        another.DriftId.ShouldNotBe(first.DriftId);
    }
}

using Console.Testing.Workflows.Common;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Keys;
using Console.Workflows.Nfv;
using Console.Workflows.Snapshots;
using Console.Workflows.Snapshots.Protecting;
using Console.Workflows.Snapshots.Sweeping;
using Shouldly;
using Xunit;
using static Console.UnitTests.Workflows.Snapshots.SnapshotStates;

namespace Console.UnitTests.Workflows.Snapshots.Sweeping;

public sealed class DeletionDeciderTests
{
    private static readonly DateTimeOffset Expired = Completed.AddDays(31);

    [Fact]
    public void StartBySweep_DueAndUnprotected_BeginsWithTheSnapshotsOneOperationId()
    {
        var snapshot = Available(Sensitivity.Public);

        var started = DeletionDecider.StartBySweep(snapshot, isLastGood: false, keepLastGood: true, "sweep", Expired)
            .Events.ShouldHaveSingleItem().ShouldBeOfType<SnapshotDeletionStarted>();

        started.Trigger.ShouldBe(DeletionTrigger.Expired);
        started.OperationId.ShouldBe(DeletionDecider.OperationId(snapshot.Id));
        started.Reason.ShouldBe($"Past its maximum age: expired at {Completed.AddDays(30):yyyy-MM-dd HH:mm} UTC (Public retention).");
    }

    [Fact]
    public void StartBySweep_NotDue_KeptOrDeleted_IsRefused_AlreadyBegun_YieldsNothingToResume()
    {
        var snapshot = Available(Sensitivity.Public);
        var held = snapshot.With(new LegalHoldPlaced(snapshot.Id, "Case 17", null, "sven", Completed));

        var early = DeletionDecider.StartBySweep(snapshot, false, true, "sweep", Completed.AddDays(29)).Refusal.ShouldNotBeNull();
        early.Kind.ShouldBe(RefusalKind.Conflict);
        early.Message.ShouldBe("This snapshot is not due for deletion.");
        var kept = DeletionDecider.StartBySweep(held, false, true, "sweep", Expired).Refusal.ShouldNotBeNull();
        kept.Kind.ShouldBe(RefusalKind.Conflict);
        kept.Message.ShouldBe("Kept: Legal hold by sven: Case 17 until released");
        var lastGood = DeletionDecider.StartBySweep(snapshot, true, true, "sweep", Expired).Refusal.ShouldNotBeNull();
        lastGood.Kind.ShouldBe(RefusalKind.Conflict);
        lastGood.Message.ShouldBe(
            $"Kept: Last good snapshot of {snapshot.VnfName}: the policy keeps the newest available snapshot of each VNF until a newer one is taken.");

        var begun = snapshot.With(DeletionDecider.StartBySweep(snapshot, false, true, "sweep", Expired).Events[0]);
        var again = DeletionDecider.StartBySweep(begun, false, true, "sweep", Expired);
        again.Refused.ShouldBeFalse();
        again.Events.ShouldBeEmpty();
    }

    [Fact]
    public void StartByRequest_IgnoresExpiryAndLastGood_ButHoldsAndPinsBlockIt()
    {
        var request = Guid.NewGuid();
        var fresh = Available(Sensitivity.Sensitive);
        var pinned = fresh.With(new SnapshotPinned(fresh.Id, "Golden", null, "olga", Completed));

        DeletionDecider.StartByRequest(fresh, request, "Deletion request", "system:execution", Completed.AddHours(1))
            .Events.ShouldHaveSingleItem().ShouldBeOfType<SnapshotDeletionStarted>().RequestId.ShouldBe(request);
        var refusal = DeletionDecider.StartByRequest(pinned, request, "Deletion request", "system:execution", Completed.AddHours(1))
            .Refusal;
        refusal.ShouldBeRefusal(RefusalKind.Conflict, "Pinned by olga: Golden until released Release the hold or unpin the snapshot before deleting it.");
    }

    [Fact]
    public void StartByRequest_AlreadyDeleted_IsNotFound()
    {
        var deleted = Available(Sensitivity.Public).With(new SnapshotDeleted(Guid.Empty, Guid.Empty, "expired", "sweep", Expired));

        DeletionDecider.StartByRequest(deleted, Guid.NewGuid(), "r", "x", Expired)
            .Refusal.ShouldBeRefusal(RefusalKind.NotFound, $"The snapshot was already deleted at {Expired:yyyy-MM-dd HH:mm} UTC.");
    }

    [Fact]
    public void Receipt_ListsTheDestroyedKeysTheArtefactAndWhatTheInfrastructureSaid()
    {
        var snapshot = Available(Sensitivity.Public) with
        {
            Keys = [new ManifestKey(CoreDomain, "dk-1", "kek-1"), new ManifestKey(PartnerDomain, "dk-2", "local-hkdf:x")],
        };
        var begun = snapshot.With(DeletionDecider.StartBySweep(snapshot, false, true, "sweep", Expired).Events[0]);
        KeyDestruction[] destroyed =
        [
            new("dk-1", Existed: true, WasAlreadyDestroyed: false, Expired, "pkcs11 token 'vnf-kek-1' object 'dk-1' (handle 7)"),
            new("dk-2", Existed: true, WasAlreadyDestroyed: false, Expired),
        ];

        var receipt = DeletionDecider.Receipt(begun, destroyed, new DeletionReceipt(Guid.NewGuid(), snapshot.Id, Expired, "Artefact deleted."), "sweep", Expired);

        receipt.ShouldBe(receipt with
        {
            SnapshotId = snapshot.Id, RequestId = Guid.Empty, Trigger = DeletionTrigger.Expired, ArtefactLocation = snapshot.ArtefactLocation,
            InfrastructureDetail = "Artefact deleted.", By = "sweep", At = Expired,
        });
        receipt.DestroyedKeyIds.ShouldBe(["dk-1", "dk-2"]);
        // Only keys whose KEK lived outside the database name a destroyed object.
        receipt.DestroyedKeyObjects.ShouldBe(["pkcs11 token 'vnf-kek-1' object 'dk-1' (handle 7)"]);
    }
}

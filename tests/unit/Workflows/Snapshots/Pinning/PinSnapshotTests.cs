using Console.Testing.Workflows.Common;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Snapshots;
using Console.Workflows.Snapshots.Pinning;
using Shouldly;
using Xunit;
using static Console.UnitTests.Workflows.Snapshots.SnapshotStates;

namespace Console.UnitTests.Workflows.Snapshots.Pinning;

public sealed class PinSnapshotTests
{
    private static readonly DateTimeOffset Now = Completed.AddDays(2);

    [Theory]
    [InlineData("olga")]
    [InlineData("anna")]
    [InlineData("ada")]
    public void Pin_ByOperatorsApproversAndAdministrators_EmitsSnapshotPinned(string who)
    {
        var actor = new[] { Requester, Approver, Admin }.Single(a => a.UserId == who);
        var snapshot = Available(Sensitivity.Sensitive);

        var decision = PinSnapshotDecider.Decide(new PinSnapshot(snapshot.Id, snapshot.Version, "  Golden image  ", Now.AddDays(5)), snapshot, actor, Now);

        decision.Events.ShouldHaveSingleItem().ShouldBe(new SnapshotPinned(snapshot.Id, "Golden image", Now.AddDays(5), who, Now));
    }

    [Theory]
    [InlineData("aldo")]
    [InlineData("mia")]
    [InlineData("sven")]
    public void Pin_ByAuditorManagerOrSecurityOfficer_IsForbidden(string who)
    {
        var actor = new[] { Auditor, Manager, Security }.Single(a => a.UserId == who);
        var snapshot = Available(Sensitivity.Public);

        var decision = PinSnapshotDecider.Decide(new PinSnapshot(snapshot.Id, snapshot.Version, "x", null), snapshot, actor, Now);

        decision.Refusal.ShouldNotBeNull().Kind.ShouldBe(RefusalKind.Forbidden);
        decision.Refusal.Message.ShouldBe("Only NOC operators, NOC approvers and administrators may pin snapshots.");
    }

    [Fact]
    public void Pin_WithAStaleVersion_IsAConflict()
    {
        var snapshot = Available(Sensitivity.Public);

        PinSnapshotDecider.Decide(new PinSnapshot(snapshot.Id, snapshot.Version - 1, "x", null), snapshot, Requester, Now)
            .Refusal.ShouldBeRefusal(RefusalKind.Conflict, SnapshotGuards.ConflictMessage);
    }

    [Fact]
    public void Pin_WithoutReasonOrWithAPastUntil_NamesTheFields()
    {
        var snapshot = Available(Sensitivity.Public);

        var refusal = PinSnapshotDecider.Decide(new PinSnapshot(snapshot.Id, snapshot.Version, "  ", Now.AddMinutes(-1)), snapshot, Requester, Now)
            .Refusal;

        refusal.ShouldBeFieldRefusal(("Reason", "Say why."), ("Until", "Choose a time in the future, or leave it empty to keep it until released."));
        PinSnapshotDecider.Decide(new PinSnapshot(snapshot.Id, snapshot.Version, new string('x', 501), null), snapshot, Requester, Now)
            .Refusal.ShouldNotBeNull().FieldErrors["Reason"].ShouldBe(["The reason must be at most 500 characters."]);
    }

    [Fact]
    public void Pin_WhenDeletionHasBegunOrIsDone_IsRefused()
    {
        var started = Available(Sensitivity.Public).With(new SnapshotDeletionStarted(
            Guid.Empty, DeletionTrigger.Expired, Guid.Empty, Guid.NewGuid(), "expired", "sweep", Now));
        var deleted = started.With(new SnapshotDeleted(Guid.Empty, Guid.Empty, "expired", "sweep", Now));

        PinSnapshotDecider.Decide(new PinSnapshot(started.Id, started.Version, "keep", null), started, Requester, Now)
            .Refusal.ShouldBeRefusalContaining(RefusalKind.Conflict, "Secure deletion of this snapshot began");
        PinSnapshotDecider.Decide(new PinSnapshot(deleted.Id, deleted.Version, "keep", null), deleted, Requester, Now)
            .Refusal.ShouldBeRefusal(RefusalKind.Conflict, "This snapshot was deleted; it can no longer be pinned.");
    }

    [Fact]
    public void Unpin_WhenPinned_EmitsSnapshotUnpinned_WhenNotPinned_IsRefused()
    {
        var snapshot = Available(Sensitivity.Public);
        var pinned = snapshot.With(new SnapshotPinned(snapshot.Id, "Golden", null, "olga", Completed));

        PinSnapshotDecider.Decide(new UnpinSnapshot(pinned.Id, pinned.Version, "Upgrade done"), pinned, OtherOperator, Now)
            .Events.ShouldHaveSingleItem().ShouldBe(new SnapshotUnpinned(pinned.Id, "Upgrade done", "otto", Now));
        PinSnapshotDecider.Decide(new UnpinSnapshot(snapshot.Id, snapshot.Version, "x"), snapshot, OtherOperator, Now)
            .Refusal.ShouldBeRefusal(RefusalKind.Conflict, "This snapshot is not pinned.");
    }
}

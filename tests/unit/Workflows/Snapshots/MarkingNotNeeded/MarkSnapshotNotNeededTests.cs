using Console.Testing.Workflows.Common;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Snapshots;
using Console.Workflows.Snapshots.MarkingNotNeeded;
using Shouldly;
using Xunit;
using static Console.UnitTests.Workflows.Snapshots.SnapshotStates;

namespace Console.UnitTests.Workflows.Snapshots.MarkingNotNeeded;

public sealed class MarkSnapshotNotNeededTests
{
    private static readonly DateTimeOffset Now = Completed.AddDays(2);

    [Fact]
    public void MarkNotNeeded_ByTheRequester_EmitsSnapshotMarkedNotNeeded()
    {
        var snapshot = Available(Sensitivity.Public, Sensitivity.Internal);

        var decision = MarkSnapshotNotNeededDecider.Decide(new MarkSnapshotNotNeeded(snapshot.Id, snapshot.Version, "Upgrade fine"), snapshot, Requester, Now);

        decision.Events.ShouldHaveSingleItem().ShouldBe(new SnapshotMarkedNotNeeded(snapshot.Id, "Upgrade fine", "olga", Now));
    }

    [Fact]
    public void MarkNotNeeded_ByAnAdministrator_IsAllowed_ByAnotherOperator_IsForbidden()
    {
        var snapshot = Available(Sensitivity.Internal);
        var command = new MarkSnapshotNotNeeded(snapshot.Id, snapshot.Version, "Upgrade fine");

        MarkSnapshotNotNeededDecider.Decide(command, snapshot, Admin, Now).Refused.ShouldBeFalse();
        var refusal = MarkSnapshotNotNeededDecider.Decide(command, snapshot, OtherOperator, Now).Refusal.ShouldNotBeNull();
        refusal.Kind.ShouldBe(RefusalKind.Forbidden);
        refusal.Message.ShouldContain("Only the person who requested this snapshot or an administrator");
    }

    [Theory]
    [InlineData(Sensitivity.Sensitive)]
    [InlineData(Sensitivity.Critical)]
    public void MarkNotNeeded_SensitiveOrCriticalSnapshot_NeedsADeletionRequest(Sensitivity sensitivity)
    {
        var snapshot = Available(Sensitivity.Public, sensitivity);

        MarkSnapshotNotNeededDecider.Decide(new MarkSnapshotNotNeeded(snapshot.Id, snapshot.Version, "done"), snapshot, Admin, Now)
            .Refusal.ShouldBeRefusal(RefusalKind.Invalid, MarkSnapshotNotNeededDecider.NeedsApprovalMessage);
    }

    [Fact]
    public void MarkNotNeeded_Twice_IsRefused()
    {
        var snapshot = Available(Sensitivity.Public);
        var marked = snapshot.With(new SnapshotMarkedNotNeeded(snapshot.Id, "done", "olga", Completed.AddDays(1)));

        MarkSnapshotNotNeededDecider.Decide(new MarkSnapshotNotNeeded(marked.Id, marked.Version, "again"), marked, Requester, Now)
            .Refusal.ShouldBeRefusalContaining(RefusalKind.Conflict, "This snapshot was already marked no longer needed");
    }
}

using Console.Workflows.Common;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Amending;
using Console.Workflows.Requests.Approvals;
using Console.Workflows.Requests.Approving;
using Shouldly;
using Xunit;
using static Console.UnitTests.Workflows.Requests.Scenarios;

namespace Console.UnitTests.Workflows.Requests.Approvals;

/// <summary>An approval covers everything the approver read: content, justification and change window.</summary>
public sealed class ApprovalBindingTests
{
    private static readonly ChangeWindow Window = new(Now.AddHours(2), Now.AddHours(6));

    // The critical migration needs a NOC approver, a security officer and a member of the target domain's owners;
    // Approver and Security have approved, so Approver2 would complete the quorum on the unchanged request.
    private static ChangeRequest TwoOfThreeApproved() => ApprovedBy(WithPendingCriticalMigration(), Approver, Security);

    private static AmendRequest Same(ChangeRequest state) =>
        new(state.Id, state.Version, state.Content.ComponentIds, state.Content.TargetEnvironmentId, state.Justification, state.Window);

    private static ChangeRequest Amend(ChangeRequest state, AmendRequest command) =>
        Accepted(AmendRequestDecider.Decide(command, state, Facts(), Operator, Now.AddMinutes(10)), state);

    private static Decision ApproveAsSeen(ChangeRequest state, Actor approver) =>
        ApproveRequestDecider.Decide(new ApproveRequest(state.Id, state.Version, state.ContentDigest, null), state, approver, Now.AddMinutes(20), global::Console.UnitTests.Workflows.Requests.Scenarios.SteppedUp);

    [Fact]
    public void ApprovalBinding_WithoutAmendment_TheThirdApproverCompletesTheQuorum() =>
        ApproveAsSeen(TwoOfThreeApproved(), Approver2).Events.OfType<RequestApproved>().ShouldHaveSingleItem();

    [Fact]
    public void ApprovalBinding_AmendOnlyJustification_VoidsEarlierApprovalsAndTheNextApproverDoesNotCompleteTheQuorum()
    {
        var before = TwoOfThreeApproved();

        var after = Amend(before, Same(before) with { Justification = before.Justification + " Also retire rack 17." });

        after.ContentDigest.ShouldNotBe(before.ContentDigest);
        after.CurrentApprovals.ShouldBeEmpty();
        after.Approvals.Count.ShouldBe(2);
        var decision = ApproveAsSeen(after, Approver2);
        decision.Refused.ShouldBeFalse(decision.Refusal?.Message);
        decision.Events.OfType<RequestApproved>().ShouldBeEmpty();
        Quorum.IsMet(Accepted(decision, after)).ShouldBeFalse();
    }

    [Fact]
    public void ApprovalBinding_AmendOnlyWindow_VoidsEarlierApprovalsAndTheNextApproverDoesNotCompleteTheQuorum()
    {
        var before = TwoOfThreeApproved();

        var after = Amend(before, Same(before) with { Window = Window });

        after.ContentDigest.ShouldNotBe(before.ContentDigest);
        after.CurrentApprovals.ShouldBeEmpty();
        var decision = ApproveAsSeen(after, Approver2);
        decision.Events.OfType<ApprovalGranted>().ShouldHaveSingleItem();
        decision.Events.OfType<RequestApproved>().ShouldBeEmpty();
    }

    [Fact]
    public void ApprovalBinding_AmendTheWindowAgain_VoidsTheApprovalsGivenToTheFirstWindow()
    {
        var first = Amend(TwoOfThreeApproved(), Same(TwoOfThreeApproved()) with { Window = Window });
        first = ApprovedBy(first, Approver, Security);

        var second = Amend(first, Same(first) with { Window = Window with { End = Window.End.AddHours(1) } });

        second.CurrentApprovals.ShouldBeEmpty();
        ApproveAsSeen(second, Approver2).Events.OfType<RequestApproved>().ShouldBeEmpty();
    }

    [Fact]
    public void ApprovalBinding_AmendAndChangeBack_DoesNotReviveTheEarlierApprovals()
    {
        var before = TwoOfThreeApproved();
        var changed = Amend(before, Same(before) with { Justification = "Something else entirely, for a while." });

        var back = Amend(changed, Same(changed) with { Justification = before.Justification });

        back.ContentDigest.ShouldBe(before.ContentDigest);
        back.CurrentApprovals.ShouldBeEmpty();
        ApproveAsSeen(back, Approver2).Events.OfType<RequestApproved>().ShouldBeEmpty();
    }

    [Fact]
    public void ApprovalBinding_ApproverWhoReadTheTextBeforeTheAmendment_IsRefused()
    {
        var before = TwoOfThreeApproved();
        var after = Amend(before, Same(before) with { Justification = before.Justification + " Also retire rack 17." });

        var refusal = ApproveRequestDecider.Decide(
            new ApproveRequest(after.Id, after.Version, before.ContentDigest, null), after, Approver2, Now.AddMinutes(20), global::Console.UnitTests.Workflows.Requests.Scenarios.SteppedUp).Refusal.ShouldNotBeNull();

        refusal.Kind.ShouldBe(RefusalKind.Conflict);
        refusal.Message.ShouldBe("The request changed since you opened it. Reload it, review what is asked now, and approve again.");
    }

    [Fact]
    public void ApprovalBinding_AmendmentThatChangesNothing_KeepsTheApprovals()
    {
        var before = TwoOfThreeApproved();

        AmendRequestDecider.Decide(Same(before), before, Facts(), Operator, Now.AddMinutes(10)).Events.ShouldBeEmpty();
    }
}

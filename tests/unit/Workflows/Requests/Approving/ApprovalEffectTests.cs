using Console.Workflows.Requests;
using Console.Workflows.Requests.Approvals;
using Console.Workflows.Requests.Approving;
using Shouldly;
using Xunit;
using static Console.UnitTests.Workflows.Requests.Scenarios;

namespace Console.UnitTests.Workflows.Requests.Approving;

/// <summary>What an approval sets in motion, as the approval inbox tells the approver before they approve.</summary>
public sealed class ApprovalEffectTests
{
    [Fact]
    public void EffectOf_FirstOfThreeApprovals_NamesTheGroupsStillNeededAfterIt()
    {
        var state = WithPendingCriticalMigration();

        var effect = ApproveRequestDecider.EffectOf(state, Approver, Now).ShouldNotBeNull();

        effect.Fills.ShouldBe("NOC approvers");
        effect.CompletesQuorum.ShouldBeFalse();
        Humanise.List(effect.StillNeeded.Select(Humanise.Group)).ShouldBe("1 security officer and 1 member of noc-core");
    }

    [Fact]
    public void EffectOf_LastApproval_CompletesTheQuorumAndTheDeciderAgrees()
    {
        var state = ApprovedBy(WithPendingCriticalMigration(), Approver, Security);

        var effect = ApproveRequestDecider.EffectOf(state, Approver2, Now.AddMinutes(10)).ShouldNotBeNull();

        effect.CompletesQuorum.ShouldBeTrue();
        effect.StartsAt.ShouldBeNull();
        ApproveRequestDecider.Decide(new ApproveRequest(state.Id, state.Version, state.ContentDigest, null), state, Approver2,
            Now.AddMinutes(10), SteppedUp).Events.OfType<RequestApproved>().ShouldHaveSingleItem();
    }

    [Fact]
    public void EffectOf_LastApprovalWithAWindowAhead_StartsWhenTheWindowOpens()
    {
        var window = new ChangeWindow(Now.AddHours(3), Now.AddHours(5));
        var state = ApprovedBy(Submitted(MigrateSidfToDcA with { Window = window }), Approver, Security);

        ApproveRequestDecider.EffectOf(state, Approver2, Now.AddMinutes(10)).ShouldNotBeNull().StartsAt.ShouldBe(window.Start);
    }

    [Fact]
    public void EffectOf_ForThePersonWhoMayNotApprove_IsNull()
    {
        var state = ApprovedBy(WithPendingCriticalMigration(), Approver);

        ApproveRequestDecider.EffectOf(state, Approver, Now).ShouldBeNull("one person counts once");
        ApproveRequestDecider.EffectOf(state, Operator, Now).ShouldBeNull("the requester");
        ApproveRequestDecider.EffectOf(state, Auditor, Now).ShouldBeNull("no approver role");
    }
}

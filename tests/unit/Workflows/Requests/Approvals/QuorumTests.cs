using Console.Workflows.Common;
using Console.Workflows.Policy;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Approvals;
using Shouldly;
using Xunit;
using static Console.UnitTests.Workflows.Requests.Scenarios;

namespace Console.UnitTests.Workflows.Requests.Approvals;

public sealed class QuorumTests
{
    private static readonly ApprovalRequirement Critical = new(
    [
        new RequiredGroup("NOC approvers", ApproverSource.Role, Roles.NocApprover, 1),
        new RequiredGroup("Security officers", ApproverSource.Role, Roles.SecurityOfficer, 1),
    ], false, "Critical");

    private static Approval By(Actor actor, ApprovalRequirement requirement, string group, int minute = 0) =>
        new(actor.UserId, actor.DisplayName, group, "digest", Now.AddMinutes(minute))
        {
            EligibleGroups = Quorum.EligibleGroups(requirement, actor),
        };

    [Fact]
    public void GroupFor_PersonInTwoRoles_FillsOneSlotOnly()
    {
        var group = Quorum.GroupFor(Critical, [], NocAndSecurity, Operator.UserId);
        group.ShouldBe("NOC approvers");

        var approvals = new[] { By(NocAndSecurity, Critical, group!) };

        Quorum.IsMet(Critical, approvals).ShouldBeFalse();
        Quorum.GroupFor(Critical, approvals, NocAndSecurity, Operator.UserId).ShouldBeNull();
        Quorum.Progress(Critical, approvals).SelectMany(p => p.FilledBy).ShouldHaveSingleItem();
    }

    [Fact]
    public void GroupFor_WhenAnEarlierApproverCanMove_FreesTheSlotThisPersonNeeds()
    {
        // The dual-role person took the NOC slot; a plain NOC approver can still complete the quorum because the
        // matching moves the dual-role person to the security slot.
        var approvals = new[] { By(NocAndSecurity, Critical, "NOC approvers") };

        Quorum.GroupFor(Critical, approvals, Approver, Operator.UserId).ShouldBe("NOC approvers");
        var all = approvals.Append(By(Approver, Critical, "NOC approvers", 1)).ToList();

        Quorum.IsMet(Critical, all).ShouldBeTrue();
        Quorum.Progress(Critical, all).Select(p => p.FilledBy.Single().ApproverId).ShouldBe(["approver", "dual"]);
    }

    [Fact]
    public void IsMet_WhenApprovalOrderIsReversed_IsTheSame()
    {
        var dual = By(NocAndSecurity, Critical, "Security officers", 1);
        var noc = By(Approver, Critical, "NOC approvers", 2);

        Quorum.IsMet(Critical, [dual, noc]).ShouldBeTrue();
        Quorum.IsMet(Critical, [noc, dual]).ShouldBeTrue();
        Quorum.Missing(Critical, [noc, dual]).ShouldBe(0);
    }

    [Fact]
    public void Progress_SamePersonTwice_CountsOnce()
    {
        var two = new ApprovalRequirement([new RequiredGroup("NOC approvers", ApproverSource.Role, Roles.NocApprover, 2)], false, "");
        var approvals = new[] { By(Approver, two, "NOC approvers"), By(Approver, two, "NOC approvers", 1) };

        Quorum.Progress(two, approvals).Single().FilledBy.Count.ShouldBe(1);
        Quorum.IsMet(two, approvals).ShouldBeFalse();
    }

    [Fact]
    public void GroupFor_Requester_IsNullEvenWhenEligible() =>
        Quorum.GroupFor(Critical, [], Approver, Approver.UserId).ShouldBeNull();

    [Fact]
    public void GroupFor_IneligiblePerson_IsNull() =>
        Quorum.GroupFor(Critical, [], Auditor, Operator.UserId).ShouldBeNull();

    [Fact]
    public void GroupFor_WhenTheirOnlyGroupIsFull_IsNull() =>
        Quorum.GroupFor(Critical, [By(Approver, Critical, "NOC approvers")], Approver2, Operator.UserId).ShouldBeNull();

    [Fact]
    public void GroupFor_TargetDomainOwners_NeedsMembershipOfTheDesignatedGroup()
    {
        var owners = new ApprovalRequirement(
            [new RequiredGroup("Target domain owners", ApproverSource.TargetDomainOwners, "noc-core", 1)], true, "");

        Quorum.GroupFor(owners, [], CoreOwner, Operator.UserId).ShouldBe("Target domain owners");
        Quorum.GroupFor(owners, [], Security, Operator.UserId).ShouldBeNull();
    }
}

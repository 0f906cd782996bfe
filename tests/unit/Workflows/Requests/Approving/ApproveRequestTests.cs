using Console.Testing.Workflows.Common;
using Console.Workflows.Common;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Approving;
using Shouldly;
using Xunit;
using static Console.UnitTests.Workflows.Requests.Scenarios;

namespace Console.UnitTests.Workflows.Requests.Approving;

public sealed class ApproveRequestTests
{
    private static readonly DateTimeOffset Later = Now.AddMinutes(30);

    private static ApproveRequest Approve(ChangeRequest state, string? comment = null) =>
        new(state.Id, state.Version, state.ContentDigest, comment);

    [Fact]
    public void Approve_ByNocApprover_EmitsApprovalGrantedInTheNocGroup()
    {
        var state = WithPendingCriticalMigration();

        var granted = ApproveRequestDecider.Decide(Approve(state, " fine "), state, Approver, Later, global::Console.UnitTests.Workflows.Requests.Scenarios.SteppedUp)
            .Events.ShouldHaveSingleItem().ShouldBeOfType<ApprovalGranted>();

        (granted.ApproverId, granted.Group, granted.ContentDigest, granted.Comment, granted.At)
            .ShouldBe(("approver", "NOC approvers", state.ContentDigest, "fine", Later));
        granted.EligibleGroups.ShouldBe(["NOC approvers", "Target domain owners"]);
    }

    [Fact]
    public void Approve_WhenQuorumMet_EmitsRequestApproved()
    {
        var state = ApprovedBy(WithPendingCriticalMigration(), Approver, Security);

        var events = ApproveRequestDecider.Decide(Approve(state), state, Approver2, Later, global::Console.UnitTests.Workflows.Requests.Scenarios.SteppedUp).Events;

        events[0].ShouldBeOfType<ApprovalGranted>().Group.ShouldBe("Target domain owners");
        events[1].ShouldBe(new RequestApproved(state.Id, state.ContentDigest, "approver2", Later));
        Accepted(Decision.Emit(events), state).Status.ShouldBe(RequestStatus.Approved);
    }

    [Fact]
    public void Approve_ByRequester_IsForbiddenWithTheReason()
    {
        var state = Submitted(MigrateSidfToDcA, by: Operator with { Roles = new HashSet<string> { Roles.NocOperator, Roles.NocApprover } });

        var refusal = ApproveRequestDecider.Decide(Approve(state), state, Operator with { Roles = new HashSet<string> { Roles.NocApprover } }, Later, global::Console.UnitTests.Workflows.Requests.Scenarios.SteppedUp)
            .Refusal.ShouldNotBeNull();

        refusal.Kind.ShouldBe(RefusalKind.Forbidden);
        refusal.Message.ShouldBe("You requested this change; someone else must approve it.");
    }

    [Fact]
    public void Approve_WhenStale_IsAConflictToReload()
    {
        var state = ApprovedBy(WithPendingCriticalMigration(), Approver);

        var refusal = ApproveRequestDecider.Decide(Approve(state) with { ExpectedVersion = 1 }, state, Security, Later, global::Console.UnitTests.Workflows.Requests.Scenarios.SteppedUp).Refusal.ShouldNotBeNull();

        refusal.Kind.ShouldBe(RefusalKind.Conflict);
        refusal.Message.ShouldContain("Someone else acted first");
    }

    [Fact]
    public void Approve_OfOtherContentThanCurrent_IsAConflict()
    {
        var state = WithPendingCriticalMigration();

        ApproveRequestDecider.Decide(Approve(state) with { ContentDigest = new string('0', 64) }, state, Approver, Later, global::Console.UnitTests.Workflows.Requests.Scenarios.SteppedUp)
            .Refusal.ShouldBeRefusal(RefusalKind.Conflict, "The request changed since you opened it. Reload it, review what is asked now, and approve again.");
    }

    [Fact]
    public void Approve_OfContentAmendedSinceTheApproverOpenedIt_SaysTheContentChangedNotOnlyThatSomeoneActed()
    {
        var seen = WithPendingCriticalMigration();
        var amended = Accepted(Console.Workflows.Requests.Amending.AmendRequestDecider.Decide(
            new AmendRequest(seen.Id, seen.Version, seen.Content.ComponentIds, DcAId, seen.Justification + " Racks 14-17.", null),
            seen, Facts(), Operator, Now.AddMinutes(10)), seen);

        // The page sends both the version and the digest it showed; the amendment moved both.
        var decision = ApproveRequestDecider.Decide(Approve(seen), amended, Approver, Later, SteppedUp);

        decision.Refusal.ShouldBeRefusal(RefusalKind.Conflict, ApproveRequestDecider.ContentChangedMessage);
        decision.Events.ShouldBeEmpty();
    }

    [Fact]
    public void Approve_Twice_IsRefused()
    {
        var state = ApprovedBy(WithPendingCriticalMigration(), Approver);

        ApproveRequestDecider.Decide(Approve(state), state, Approver, Later, global::Console.UnitTests.Workflows.Requests.Scenarios.SteppedUp).Refusal.ShouldBeRefusal(RefusalKind.Invalid, "You have already approved this request; one person counts once.");
    }

    [Fact]
    public void Approve_WhenNoGroupLeftForThem_IsForbiddenSayingWhatIsNeeded()
    {
        var state = ApprovedBy(WithPendingCriticalMigration(), Approver, Approver2);

        var refusal = ApproveRequestDecider.Decide(Approve(state), state, Approver3, Later, global::Console.UnitTests.Workflows.Requests.Scenarios.SteppedUp).Refusal.ShouldNotBeNull();

        refusal.Kind.ShouldBe(RefusalKind.Forbidden);
        refusal.Message.ShouldBe("Your approval cannot fill any group this request still needs: it needs 1 security officer.");
    }

    [Fact]
    public void Approve_AfterExpiry_IsRefused()
    {
        var state = WithPendingCriticalMigration();

        ApproveRequestDecider.Decide(Approve(state), state, Approver, state.ExpiresAt, global::Console.UnitTests.Workflows.Requests.Scenarios.SteppedUp).Refusal.ShouldBeRefusal(RefusalKind.Conflict, "This request has expired waiting for approval; it can no longer be approved.");
    }

    [Fact]
    public void Approve_WhenAlreadyApproved_IsRefused()
    {
        var state = WithApprovedCriticalMigration();

        var refusal = ApproveRequestDecider.Decide(Approve(state), state, Approver3, Later, global::Console.UnitTests.Workflows.Requests.Scenarios.SteppedUp).Refusal.ShouldNotBeNull();

        (refusal.Kind, refusal.Message).ShouldBe((RefusalKind.Conflict, "This request is approved; it can no longer be approved."));
    }

    [Fact]
    public void Approve_ByWhoeverAfterRolesRevoked_IsJudgedOnCurrentRoles()
    {
        var state = WithPendingCriticalMigration();
        var formerApprover = Approver with { Roles = new HashSet<string>(), Groups = new HashSet<string>() };

        ApproveRequestDecider.Decide(Approve(state), state, formerApprover, Later, global::Console.UnitTests.Workflows.Requests.Scenarios.SteppedUp).Refusal.ShouldBeRefusal(RefusalKind.Forbidden, CommandRoles.RefusalMessage(ConsoleCommand.ApproveRequest));
    }
}

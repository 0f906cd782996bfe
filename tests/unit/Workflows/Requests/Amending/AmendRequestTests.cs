using Console.Testing.Workflows.Common;
using Console.Workflows.Common;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Amending;
using Console.Workflows.Requests.Approvals;
using Shouldly;
using Xunit;
using static Console.UnitTests.Workflows.Requests.Scenarios;

namespace Console.UnitTests.Workflows.Requests.Amending;

public sealed class AmendRequestTests
{
    private static AmendRequest AddDataApi(ChangeRequest state) =>
        new(state.Id, state.Version, [SidfId, DataApiId], DcAId, Justification, null);

    [Fact]
    public void Amend_WhenContentChanges_EmitsRequestAmendedAndEarlierApprovalsStopCounting()
    {
        var state = ApprovedBy(WithPendingCriticalMigration(), Approver);

        var decision = AmendRequestDecider.Decide(AddDataApi(state), state, Facts(), Operator, Now.AddMinutes(10));

        var amended = decision.Events.ShouldHaveSingleItem().ShouldBeOfType<RequestAmended>();
        amended.ContentDigest.ShouldNotBe(state.ContentDigest);
        amended.Requirement.Groups.Single(g => g.Name == "NOC approvers").Required.ShouldBe(2);
        var after = Accepted(decision, state);
        after.CurrentApprovals.ShouldBeEmpty();
        after.Approvals.Count.ShouldBe(1);
        Quorum.Progress(after).SelectMany(p => p.FilledBy).ShouldBeEmpty();
    }

    [Fact]
    public void Amend_UsesTheCurrentPolicyRevision()
    {
        var state = WithPendingCriticalMigration();

        var amended = AmendRequestDecider.Decide(AddDataApi(state), state, Facts(policy: PolicyAt(5)), Operator, Now)
            .Events.ShouldHaveSingleItem().ShouldBeOfType<RequestAmended>();

        amended.Content.PolicyRevision.ShouldBe(5);
    }

    [Fact]
    public void Amend_ByAnotherPerson_IsForbidden()
    {
        var state = WithPendingCriticalMigration();

        AmendRequestDecider.Decide(AddDataApi(state), state, Facts(), Operator2, Now).Refusal.ShouldBeRefusal(RefusalKind.Forbidden, "Only the person who raised this request may change it.");
    }

    [Fact]
    public void Amend_WhenStale_IsAConflict()
    {
        var state = WithPendingCriticalMigration();

        AmendRequestDecider.Decide(AddDataApi(state) with { ExpectedVersion = 0 }, state, Facts(), Operator, Now)
            .Refusal.ShouldBeRefusal(RefusalKind.Conflict, RequestGuards.ConflictMessage);
    }

    [Fact]
    public void Amend_WhenNoLongerPending_IsRefused()
    {
        var state = WithApprovedCriticalMigration();

        var refusal = AmendRequestDecider.Decide(AddDataApi(state), state, Facts(), Operator, Now).Refusal.ShouldNotBeNull();

        (refusal.Kind, refusal.Message).ShouldBe((RefusalKind.Conflict, "This request is approved; it can no longer be changed."));
    }

    [Fact]
    public void Amend_ToALessTrustedTarget_IsRefusedLikeASubmission()
    {
        var state = WithPendingCriticalMigration();

        AmendRequestDecider.Decide(AddDataApi(state) with { TargetEnvironmentId = MunichId }, state, Facts(), Operator, Now)
            .Refusal.ShouldBeRefusalContaining(RefusalKind.Invalid, "Munich Regional Cluster offers Medium");
    }

    [Fact]
    public void Amend_ToContentNeedingNoApproval_IsApprovedByThePolicy()
    {
        var state = Submitted(SnapshotNef with { ComponentIds = [PortalId] }, Facts(Nef, policy: PolicyAt(1, Console.Workflows.Policy.DefaultPolicy.Document with
        {
            Sensitivities = [.. Console.Workflows.Policy.DefaultPolicy.Document.Sensitivities.Select(r =>
                r.Sensitivity == Console.Workflows.Inventory.Sensitivity.Public
                    ? r with { Approvals = [new Console.Workflows.Policy.ApproverGroup("NOC approvers", Console.Workflows.Policy.ApproverSource.Role, Roles.NocApprover, 1)] }
                    : r)],
        })));
        state.Status.ShouldBe(RequestStatus.PendingApproval);

        var decision = AmendRequestDecider.Decide(
            new AmendRequest(state.Id, state.Version, [PortalId], null, Justification + " (amended)", null), state, Facts(Nef), Operator, Now);

        decision.Events.Select(e => e.GetType()).ShouldBe([typeof(RequestAmended), typeof(RequestApproved)]);
    }
}

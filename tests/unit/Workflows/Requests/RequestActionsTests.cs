using Console.UnitTests.Workflows.Requests.Retrying;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Executing;
using Shouldly;
using Xunit;
using static Console.UnitTests.Workflows.Requests.Scenarios;

namespace Console.UnitTests.Workflows.Requests;

public sealed class RequestActionsTests
{
    [Fact]
    public void For_TheRequesterOfAPendingRequest_MayAmendOrCancel() =>
        RequestActions.For(WithPendingCriticalMigration(), Operator)
            .ShouldBe(new RequestActions(null, Reject: false, Cancel: true, Retry: false, IsRequester: true) { Amend = true });

    [Fact]
    public void For_AnotherOperatorOrAnApprover_NeverOffersAmend()
    {
        RequestActions.For(WithPendingCriticalMigration(), Operator2).Amend.ShouldBeFalse();
        RequestActions.For(WithPendingCriticalMigration(), Approver).Amend.ShouldBeFalse();
        RequestActions.For(WithPendingCriticalMigration(), Administrator).Amend.ShouldBeFalse();
    }

    [Fact]
    public void For_TheRequesterOnceTheRequestIsApproved_NoLongerOffersAmend() =>
        RequestActions.For(WithApprovedCriticalMigration(), Operator).Amend.ShouldBeFalse();

    [Fact]
    public void For_AnApproverOfAPendingRequest_MayFillTheirGroupOrReject()
    {
        var actions = RequestActions.For(WithPendingCriticalMigration(), Approver);

        actions.ApproveFor.ShouldNotBeNull();
        (actions.Reject, actions.Cancel, actions.Retry, actions.IsRequester, actions.Any).ShouldBe((true, false, false, false, true));
    }

    [Fact]
    public void For_AnOwnerGroupMemberWithoutAnApproverRole_MayDoNothing() =>
        RequestActions.For(WithPendingCriticalMigration(), CoreOwner).ShouldBe(RequestActions.None);

    [Fact]
    public void For_AnAuditor_MayDoNothingWhateverTheState()
    {
        RequestActions.For(WithPendingCriticalMigration(), Auditor).Any.ShouldBeFalse();
        RequestActions.For(RetryExecutionTests.WithFailedExecution(), Auditor).Any.ShouldBeFalse();
    }

    [Fact]
    public void For_TheRequesterOfAFailedExecution_MayRetryButNoLongerCancel() =>
        RequestActions.For(RetryExecutionTests.WithFailedExecution(), Operator)
            .ShouldBe(new RequestActions(null, Reject: false, Cancel: false, Retry: true, IsRequester: true));

    [Fact]
    public void For_AnApprovedRequestWhoseExecutionStarted_OffersNothing()
    {
        var approved = WithApprovedCriticalMigration();
        var running = Accepted(ExecutionDecider.Start(approved, 1, Now), approved);

        RequestActions.For(approved, Operator).Cancel.ShouldBeTrue();
        RequestActions.For(running, Operator).ShouldBe(RequestActions.None with { IsRequester = true });
    }
}

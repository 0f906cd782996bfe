using Console.Workflows.Inventory;
using Console.Workflows.Nfv;
using Console.Workflows.Policy;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Executing;
using Console.Workflows.Requests.Rejecting;
using Console.Workflows.Requests.Retrying;
using Shouldly;
using Xunit;
using static Console.UnitTests.Workflows.Requests.Scenarios;

namespace Console.UnitTests.Workflows.Requests.Executing;

public sealed class ExecutionDeciderTests
{
    private static readonly TimeSpan Freshness = TimeSpan.FromMinutes(5);
    private const string Nonce = "n-123";

    private static AttestationReport GoodReport => new(DcAId, true, TrustLevel.High, Nonce, Now.AddSeconds(-30), "TPM quote verified");

    private static (bool Passed, TargetAttestationChecked Event) Judge(AttestationReport report, PolicyDocument? policy = null) =>
        ExecutionDecider.JudgeAttestation(WithApprovedCriticalMigration(), report, Nonce, policy ?? DefaultPolicy.Document, [Sidf], Now, Freshness);

    [Fact]
    public void Start_WhenApproved_EmitsExecutionStartedForAttemptOne()
    {
        var state = WithApprovedCriticalMigration();

        ExecutionDecider.Start(state, 1, Now).Events.ShouldBe([new ExecutionStarted(state.Id, 1, "system:execution", Now)]);
    }

    [Fact]
    public void Start_DuplicateMessage_EmitsNothing()
    {
        var state = WithApprovedCriticalMigration();
        state = Accepted(ExecutionDecider.Start(state, 1, Now), state);

        ExecutionDecider.Start(state, 1, Now).Events.ShouldBeEmpty();
        ExecutionDecider.Start(state, 2, Now).Events.ShouldBeEmpty();
    }

    [Fact]
    public void Start_WhenPendingOrRejected_EmitsNothing()
    {
        var pending = WithPendingCriticalMigration();
        var rejected = Accepted(RejectRequestDecider.Decide(new RejectRequest(pending.Id, pending.Version, "No."), pending, Security, Now, global::Console.UnitTests.Workflows.Requests.Scenarios.SteppedUp), pending);

        ExecutionDecider.Start(pending, 1, Now).Events.ShouldBeEmpty();
        ExecutionDecider.Start(rejected, 1, Now).Events.ShouldBeEmpty();
    }

    [Fact]
    public void Start_AfterFailureOnlyWithRetryRequestedAndTheNextAttempt()
    {
        var state = Retrying.RetryExecutionTests.WithFailedExecution();
        ExecutionDecider.Start(state, 2, Now).Events.ShouldBeEmpty();

        state = Accepted(RetryExecutionDecider.Decide(new RetryExecution(state.Id, state.Version, "The VIM is back."), state, 3, Operator, Now), state);

        ExecutionDecider.Start(state, 3, Now).Events.ShouldBeEmpty();
        ExecutionDecider.Start(state, 2, Now).Events.ShouldBe([new ExecutionStarted(state.Id, 2, "system:execution", Now)]);
    }

    [Fact]
    public void JudgeAttestation_WhenEverythingHolds_Passes()
    {
        var (passed, e) = Judge(GoodReport);

        passed.ShouldBeTrue();
        (e.EnvironmentId, e.Passed, e.By).ShouldBe((DcAId, true, "system:execution"));
        e.Detail.ShouldContain("nonce matched");
    }

    [Fact]
    public void JudgeAttestation_WhenNotAttested_FailsWithTheReason()
    {
        var (passed, e) = Judge(GoodReport with { Attested = false, Detail = "PCR 7 mismatch" });

        passed.ShouldBeFalse();
        e.Detail.ShouldContain("not attested: PCR 7 mismatch");
    }

    [Fact]
    public void JudgeAttestation_WhenNonceDiffers_Fails() =>
        Judge(GoodReport with { Nonce = "old" }).Event.Detail.ShouldContain("nonce");

    [Fact]
    public void JudgeAttestation_WhenEvidenceTooOld_Fails()
    {
        var (passed, e) = Judge(GoodReport with { IssuedAt = Now.AddMinutes(-6) });

        passed.ShouldBeFalse();
        e.Detail.ShouldContain("6 minutes old");
    }

    [Fact]
    public void JudgeAttestation_WhenFromAnotherEnvironment_Fails() =>
        Judge(GoodReport with { EnvironmentId = MunichId }).Passed.ShouldBeFalse();

    [Fact]
    public void JudgeAttestation_WhenTrustBelowCurrentPolicy_FailsNamingTheComponent()
    {
        var (passed, e) = Judge(GoodReport with { TrustLevel = TrustLevel.Medium });

        passed.ShouldBeFalse();
        e.Detail.ShouldContain("suci-deconcealment (SIDF) is Critical and needs trust level High");
    }

    [Fact]
    public void JudgeAttestation_ForSnapshot_AttestsWhereTheVnfRuns()
    {
        var state = Submitted(SnapshotNef);

        var (passed, e) = ExecutionDecider.JudgeAttestation(state, GoodReport with { EnvironmentId = CloudId, TrustLevel = TrustLevel.Untrusted },
            Nonce, DefaultPolicy.Document, Nef.Components, Now, Freshness);

        passed.ShouldBeTrue();
        e.EnvironmentId.ShouldBe(CloudId);
    }

    [Fact]
    public void CompleteAndFail_RecordOnlyTheRunningAttempt()
    {
        var state = WithApprovedCriticalMigration();
        ExecutionDecider.Complete(state, 1, "moved", Now).Events.ShouldBeEmpty();
        state = Accepted(ExecutionDecider.Start(state, 1, Now), state);

        ExecutionDecider.Fail(state, 2, "x", Now).Events.ShouldBeEmpty();
        ExecutionDecider.Complete(state, 1, "moved", Now).Events.ShouldBe([new ExecutionCompleted(state.Id, 1, "moved", "system:execution", Now)]);
        var done = Accepted(ExecutionDecider.Complete(state, 1, "moved", Now), state);
        done.Status.ShouldBe(RequestStatus.Completed);
        done.IsFinal.ShouldBeTrue();
    }

    [Fact]
    public void OperationId_IsStablePerAttemptAndDiffersBetweenAttempts()
    {
        ExecutionDecider.OperationId(RequestId, 1).ShouldBe(ExecutionDecider.OperationId(RequestId, 1));
        ExecutionDecider.OperationId(RequestId, 1).ShouldNotBe(ExecutionDecider.OperationId(RequestId, 2));
    }

    [Fact]
    public void IsEarlierAttempt_OnTheSecondAttempt_IsTheFirstOnly_NeverItselfNorAnotherRequestsOperation()
    {
        var state = Retrying.RetryExecutionTests.WithFailedExecution();
        state = Accepted(RetryExecutionDecider.Decide(new RetryExecution(state.Id, state.Version, "The VIM is back."), state, 3, Operator, Now), state);
        state = Accepted(ExecutionDecider.Start(state, 2, Now), state);
        var (first, second) = (ExecutionDecider.OperationId(state.Id, 1), ExecutionDecider.OperationId(state.Id, 2));

        ExecutionDecider.IsEarlierAttempt(state, first, second).ShouldBeTrue();
        ExecutionDecider.IsEarlierAttempt(state, second, second).ShouldBeFalse();
        ExecutionDecider.IsEarlierAttempt(state, ExecutionDecider.OperationId(Guid.NewGuid(), 1), second).ShouldBeFalse();
        ExecutionDecider.IsEarlierAttempt(state, ExecutionDecider.OperationId(state.Id, 3), second).ShouldBeFalse("there is no third attempt yet");
    }

    [Fact]
    public void MigrationEvent_ForSomeComponents_IsComponentsMoved_ForAll_IsVnfMoved()
    {
        var state = WithApprovedCriticalMigration();

        ExecutionDecider.MigrationEvent(state, Udm, Now).ShouldBeOfType<ComponentsMoved>().ComponentIds.ShouldBe([SidfId]);
        var whole = state with { Content = state.Content with { ComponentIds = [SidfId, DataApiId, SbiId] } };
        ExecutionDecider.MigrationEvent(whole, Udm, Now).ShouldBeOfType<VnfMoved>().ToEnvironmentId.ShouldBe(DcAId);
    }
}

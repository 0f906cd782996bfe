using Console.Testing.Workflows.Common;
using Console.Workflows.Common;
using Console.Workflows.Policy;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Executing;
using Console.Workflows.Requests.Retrying;
using Shouldly;
using Xunit;
using static Console.UnitTests.Workflows.Requests.Scenarios;

namespace Console.UnitTests.Workflows.Requests.Retrying;

public sealed class RetryExecutionTests
{
    private const string Why = "The VIM is reachable again.";
    private const int Max = PolicyRules.MaxExecutionAttemptsDefault;

    // Raised by Operator, approved by Approver, Security and Approver2.
    public static ChangeRequest WithFailedExecution()
    {
        var state = WithApprovedCriticalMigration();
        state = Accepted(ExecutionDecider.Start(state, 1, Now), state);
        return Accepted(ExecutionDecider.Fail(state, 1, "VIM unreachable", Now), state);
    }

    private static Decision Retry(ChangeRequest state, Actor actor, string reason = Why, int max = Max) =>
        RetryExecutionDecider.Decide(new RetryExecution(state.Id, state.Version, reason), state, max, actor, Now);

    private static ChangeRequest FailedAgain(ChangeRequest state, int attempt)
    {
        state = Accepted(ExecutionDecider.Start(state, attempt, Now), state);
        return Accepted(ExecutionDecider.Fail(state, attempt, "VIM unreachable", Now), state);
    }

    [Fact]
    public void Retry_ByTheRequester_RecordsWhoWhyAndTheAttempt()
    {
        var state = WithFailedExecution();

        Retry(state, Operator).Events.ShouldBe(
            [new ExecutionRetryRequested(state.Id, "operator", "operator", Now) { Reason = Why, Attempt = 2 }]);
    }

    [Theory]
    [InlineData("approver")]
    [InlineData("security")]
    public void Retry_ByAnApproverOfTheRequest_IsAccepted(string approverId)
    {
        var state = WithFailedExecution();
        var approver = approverId == "approver" ? Approver : Security;

        Retry(state, approver).Events.ShouldHaveSingleItem().ShouldBeOfType<ExecutionRetryRequested>().By.ShouldBe(approverId);
    }

    [Fact]
    public void Retry_ByAnotherOperator_IsForbidden()
    {
        var refusal = Retry(WithFailedExecution(), Operator2).Refusal.ShouldNotBeNull();

        (refusal.Kind, refusal.Message).ShouldBe((RefusalKind.Forbidden, RetryExecutionDecider.NotAnswerableMessage));
    }

    [Fact]
    public void Retry_ByAnApproverWhoDidNotApprove_IsForbidden()
    {
        var refusal = Retry(WithFailedExecution(), Approver3).Refusal.ShouldNotBeNull();

        (refusal.Kind, refusal.Message).ShouldBe((RefusalKind.Forbidden, RetryExecutionDecider.NotAnswerableMessage));
    }

    [Fact]
    public void Retry_ByTheRequesterWhoLostTheOperatorRole_IsForbidden()
    {
        var formerOperator = Person(Operator.UserId, [Roles.Auditor]);

        var refusal = Retry(WithFailedExecution(), formerOperator).Refusal.ShouldNotBeNull();

        (refusal.Kind, refusal.Message).ShouldBe((RefusalKind.Forbidden, CommandRoles.RefusalMessage(ConsoleCommand.RetryExecution)));
    }

    [Fact]
    public void Retry_ByAnAdministrator_IsForbiddenByTheRoleTable()
    {
        var refusal = Retry(WithFailedExecution(), Administrator).Refusal.ShouldNotBeNull();

        refusal.Kind.ShouldBe(RefusalKind.Forbidden);
        refusal.Message.ShouldBe("Only NOC operators, NOC approvers and security officers may retry executions.");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Retry_WithoutAReason_IsRefusedNamingTheField(string reason)
    {
        var refusal = Retry(WithFailedExecution(), Operator, reason).Refusal.ShouldNotBeNull();

        refusal.Kind.ShouldBe(RefusalKind.Invalid);
        refusal.FieldErrors["Reason"].ShouldBe(["Give a reason."]);
    }

    [Fact]
    public void Retry_AtThePolicysMaximumOfAttempts_IsRefused()
    {
        var state = WithFailedExecution();
        state = Accepted(Retry(state, Operator), state);
        state = FailedAgain(state, 2);
        state = Accepted(Retry(state, Approver), state);
        state = FailedAgain(state, 3);

        var refusal = Retry(state, Operator).Refusal.ShouldNotBeNull();

        refusal.Kind.ShouldBe(RefusalKind.Conflict);
        refusal.Message.ShouldBe("This request has been executed 3 times, the most the policy allows (3); raise a new request.");
    }

    [Fact]
    public void Retry_WhenThePolicyAllowsOneAttempt_IsNeverAccepted()
    {
        Retry(WithFailedExecution(), Operator, max: 1).Refusal.ShouldBeRefusal(
            RefusalKind.Conflict, "This request has been executed 1 times, the most the policy allows (1); raise a new request.");
    }

    [Fact]
    public void Retry_WhenNotFailed_IsRefused()
    {
        var state = WithApprovedCriticalMigration();

        Retry(state, Operator).Refusal.ShouldBeRefusal(RefusalKind.Conflict, "This request is approved; only a failed execution can be retried.");
    }

    [Fact]
    public void Retry_Twice_IsRefused()
    {
        var state = WithFailedExecution();
        state = Accepted(Retry(state, Operator), state);

        Retry(state, Approver).Refusal.ShouldBeRefusal(RefusalKind.Conflict, "A retry has already been requested for this failure.");
    }

    [Fact]
    public void Retry_WhenStale_IsAConflict()
    {
        var state = WithFailedExecution();

        RetryExecutionDecider.Decide(new RetryExecution(state.Id, 1, Why), state, Max, Operator, Now).Refusal.ShouldBeRefusal(RefusalKind.Conflict, RequestGuards.ConflictMessage);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-5, 1)]
    [InlineData(4, 4)]
    [InlineData(50, 10)]
    public void Retry_BoundOfAStoredPolicy_IsClampedToTheFloorAndCeiling(int stored, int bound) =>
        (DefaultPolicy.Document with { MaxExecutionAttempts = stored }).ExecutionAttemptsBound.ShouldBe(bound);

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    public void Retry_PolicyRevisionOutsideTheBounds_IsRefused(int attempts) =>
        PolicyRules.Validate(DefaultPolicy.Document with { MaxExecutionAttempts = attempts })[nameof(PolicyDocument.MaxExecutionAttempts)]
            .ShouldBe(["A request may be executed between 1 and 10 times in all."]);

    [Fact]
    public void Retry_DefaultPolicy_AllowsThreeExecutions() =>
        DefaultPolicy.Document.ExecutionAttemptsBound.ShouldBe(3);
}

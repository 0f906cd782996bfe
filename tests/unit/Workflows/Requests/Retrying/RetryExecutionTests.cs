using Console.Workflows.Common;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Executing;
using Console.Workflows.Requests.Retrying;
using Shouldly;
using Xunit;
using static Console.UnitTests.Workflows.Requests.Scenarios;

namespace Console.UnitTests.Workflows.Requests.Retrying;

public sealed class RetryExecutionTests
{
    public static ChangeRequest WithFailedExecution()
    {
        var state = WithApprovedCriticalMigration();
        state = Accepted(ExecutionDecider.Start(state, 1, Now), state);
        return Accepted(ExecutionDecider.Fail(state, 1, "VIM unreachable", Now), state);
    }

    [Fact]
    public void Retry_ByOperatorAfterFailure_EmitsExecutionRetryRequested()
    {
        var state = WithFailedExecution();

        RetryExecutionDecider.Decide(new RetryExecution(state.Id, state.Version), state, Operator2, Now).Events
            .ShouldBe([new ExecutionRetryRequested(state.Id, "operator2", "operator2", Now)]);
    }

    [Fact]
    public void Retry_ByNonOperator_IsForbidden()
    {
        var state = WithFailedExecution();

        RetryExecutionDecider.Decide(new RetryExecution(state.Id, state.Version), state, Approver, Now)
            .Refusal!.Kind.ShouldBe(RefusalKind.Forbidden);
    }

    [Fact]
    public void Retry_WhenNotFailed_IsRefused()
    {
        var state = WithApprovedCriticalMigration();

        RetryExecutionDecider.Decide(new RetryExecution(state.Id, state.Version), state, Operator, Now)
            .Refusal!.Kind.ShouldBe(RefusalKind.Conflict);
    }

    [Fact]
    public void Retry_Twice_IsRefused()
    {
        var state = WithFailedExecution();
        state = Accepted(RetryExecutionDecider.Decide(new RetryExecution(state.Id, state.Version), state, Operator, Now), state);

        RetryExecutionDecider.Decide(new RetryExecution(state.Id, state.Version), state, Operator, Now).Refusal.ShouldNotBeNull();
    }

    [Fact]
    public void Retry_WhenStale_IsAConflict()
    {
        var state = WithFailedExecution();

        RetryExecutionDecider.Decide(new RetryExecution(state.Id, 1), state, Operator, Now).Refusal!.Kind.ShouldBe(RefusalKind.Conflict);
    }
}

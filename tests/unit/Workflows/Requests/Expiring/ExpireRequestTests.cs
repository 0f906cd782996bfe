using Console.Workflows.Requests;
using Console.Workflows.Requests.Expiring;
using Shouldly;
using Xunit;
using static Console.UnitTests.Workflows.Requests.Scenarios;

namespace Console.UnitTests.Workflows.Requests.Expiring;

public sealed class ExpireRequestTests
{
    [Fact]
    public void Expire_WhenPendingAndTimeIsUp_EmitsRequestExpiredBySystemTimeout()
    {
        var state = WithPendingCriticalMigration();

        ExpireRequestDecider.Decide(state, state.ExpiresAt).Events
            .ShouldBe([new RequestExpired(state.Id, "system:timeout", state.ExpiresAt)]);
    }

    [Fact]
    public void Expire_BeforeTheTime_EmitsNothing()
    {
        var state = WithPendingCriticalMigration();

        ExpireRequestDecider.Decide(state, state.ExpiresAt.AddSeconds(-1)).Events.ShouldBeEmpty();
    }

    [Fact]
    public void Expire_WhenAlreadyApproved_EmitsNothing()
    {
        var state = WithApprovedCriticalMigration();

        ExpireRequestDecider.Decide(state, state.ExpiresAt.AddHours(1)).Events.ShouldBeEmpty();
    }

    [Fact]
    public void Apply_RequestExpired_EndsTheRequest()
    {
        var state = WithPendingCriticalMigration();

        var expired = Accepted(ExpireRequestDecider.Decide(state, state.ExpiresAt), state);

        expired.Status.ShouldBe(RequestStatus.Expired);
        expired.IsFinal.ShouldBeTrue();
    }
}

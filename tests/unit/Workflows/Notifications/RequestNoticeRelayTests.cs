using Console.Workflows.Notifications.Planning;
using Console.Workflows.Notifications.Relaying;
using Console.Workflows.Requests;
using JasperFx.Events;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Notifications;

public sealed class RequestNoticeRelayTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 5, 6, 0, 0, TimeSpan.Zero);

    private static Event<T> Committed<T>(Guid requestId, T data) where T : notnull =>
        new Event<T>(data) { Id = Guid.NewGuid(), StreamId = requestId };

    [Fact]
    public void MomentsOf_APage_KeepsTheToldEventsInCommitOrder_WithTheirWordingAndCause_AndSkipsTheRest()
    {
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        IEvent[] page =
        [
            Committed(first, new ApprovalGranted(first, "approver", "Arjun", "NOC approvers", "digest", null, At)),
            Committed(first, new RequestApproved(first, "digest", "approver2", At)),
            Committed(second, new RequestRejected(second, "approver", "Arjun", "not in this window", At)),
            Committed(first, new ExecutionStarted(first, 1, "system:workflow", At)),
            Committed(first, new ExecutionCompleted(first, 1, "Snapshot taken.", "system:workflow", At)),
        ];

        var moments = RequestNoticeRelay.MomentsOf(page);

        moments.Select(m => (m.RequestId, m.Moment)).ShouldBe([
            (first, RequestMoment.Approved), (second, RequestMoment.Rejected), (first, RequestMoment.Completed)]);
        moments.Select(m => m.Cause).ShouldBe([page[1].Id.ToString("N"), page[2].Id.ToString("N"), page[4].Id.ToString("N")]);
        moments[0].Detail.ShouldBe("All required approvals are in (the last from approver2); execution starts by itself.");
        moments[1].Detail.ShouldBe("Rejected: not in this window");
        moments[2].Detail.ShouldBe("Attempt 1 completed. Snapshot taken.");
    }
}

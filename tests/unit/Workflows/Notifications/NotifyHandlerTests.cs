using Console.Workflows.Common;
using Console.Workflows.Notifications.Planning;
using Console.Workflows.Notifications.Relaying;
using Console.Workflows.Requests;
using Shouldly;
using Xunit;
using static Console.UnitTests.Workflows.Requests.Scenarios;

namespace Console.UnitTests.Workflows.Notifications;

public sealed class NotifyHandlerTests
{
    private const string Base = "https://console.test";
    private static readonly IReadOnlyList<Actor> Everyone = [Operator, Approver, Approver2, Security];

    [Fact]
    public void Plan_AMomentThePlannerFailsOn_IsSetAsideWithItsError_AndTheOthersOfThePageAreStillPlanned()
    {
        var good = WithPendingCriticalMigration();
        var bad = good with { Id = Guid.NewGuid() };
        var unknown = Guid.NewGuid();
        NotifyRequest[] page =
        [
            new(bad.Id, RequestMoment.Submitted, null, "cause-bad"),
            new(good.Id, RequestMoment.Submitted, null, "cause-good"),
            new(unknown, RequestMoment.Approved, null, "cause-unknown"),
        ];
        var defect = new InvalidOperationException("a defect in planning");

        var (planned, unplannable) = NotifyHandler.Plan(page, new Dictionary<Guid, ChangeRequest> { [good.Id] = good, [bad.Id] = bad },
            (request, moment) => request.Id == bad.Id
                ? throw defect
                : NotificationPlanner.ForRequest(request, moment.Moment, moment.Detail, Everyone, Base));

        unplannable.ShouldHaveSingleItem().ShouldBe((page[0], (Exception)defect));
        planned.ShouldNotBeEmpty();
        planned.ShouldAllBe(p => p.Cause == "cause-good");
        planned.Select(p => p.Plan).ShouldBe(NotificationPlanner.ForRequest(good, RequestMoment.Submitted, null, Everyone, Base));
    }
}

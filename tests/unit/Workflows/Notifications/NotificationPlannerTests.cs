using Console.UnitTests.Workflows.Requests;
using Console.Workflows.Common;
using Console.Workflows.Notifications.Planning;
using Console.Workflows.Requests;
using Shouldly;
using Xunit;
using static Console.UnitTests.Workflows.Requests.Scenarios;

namespace Console.UnitTests.Workflows.Notifications;

public sealed class NotificationPlannerTests
{
    private const string Base = "https://console.example";

    private static readonly Actor Manager = Person("manager", [Roles.Manager], "operations-management");

    private static readonly IReadOnlyList<Actor> Everyone = [Operator, Approver, Approver2, Security, CoreOwner, Auditor, Manager, Administrator];

    [Fact]
    public void ForRequest_Submitted_TellsEveryoneTheDeciderWouldLetApprove_WithTheSlotTheyFill()
    {
        var request = WithPendingCriticalMigration();

        var notices = NotificationPlanner.ForRequest(request, RequestMoment.Submitted, null, Everyone, Base);

        // CoreOwner is in noc-core (the target's owner group) but holds no approver role: the decider refuses them, so
        // they are not asked. Neither is the requester, the auditor, the manager or the administrator.
        notices.Select(n => n.RecipientId).ShouldBe(["approver", "approver2", "security"]);
        notices.ShouldAllBe(n => n.Topic == NoticeTopic.ApprovalNeeded && n.Subject == "Approval needed: Migration of udm-fra-02");
        notices.Single(n => n.RecipientId == "security").Why
            .ShouldBe("You can fill a slot of \"Security officers\" (1 security officer needed): you hold the role SecurityOfficer.");
        notices.Single(n => n.RecipientId == "approver").Why
            .ShouldBe("You can fill a slot of \"NOC approvers\" (1 NOC approver needed): you hold the role NocApprover.");
        notices[0].Link.ShouldBe($"{Base}/requests/{request.Id}");
        notices[0].Text.ShouldContain(Justification);
    }

    [Fact]
    public void ForRequest_AfterSomeApproved_TellsOnlyThoseWhoCanStillFillAnOpenSlot()
    {
        var request = ApprovedBy(WithPendingCriticalMigration(), Approver, Security);

        var open = NotificationPlanner.ForRequest(request, RequestMoment.Submitted, null, Everyone, Base);

        open.Select(n => (n.RecipientId, n.Why)).ShouldBe([("approver2",
            "You can fill a slot of \"Target domain owners\" (1 member of noc-core needed): you are a member of noc-core, which owns the target trust domain.")]);
    }

    [Fact]
    public void ConcernsPeopleByRole_WhenFalse_ThePlanIsTheSameWithoutThePeople_WhenTrue_ItNeedsThem()
    {
        // The relay reads the people only for the moments that concern them; every other plan must not depend on them.
        var pending = WithPendingCriticalMigration();
        foreach (var moment in Enum.GetValues<RequestMoment>())
        {
            var withPeople = NotificationPlanner.ForRequest(pending, moment, "detail", Everyone, Base);
            var withoutPeople = NotificationPlanner.ForRequest(pending, moment, "detail", [], Base);
            if (NotificationPlanner.ConcernsPeopleByRole(moment))
            {
                withPeople.ShouldNotBeEmpty(moment.ToString());
                withoutPeople.ShouldBeEmpty(moment.ToString());
            }
            else
            {
                withoutPeople.ShouldBe(withPeople, moment.ToString());
            }
        }
    }

    [Fact]
    public void ForRequest_Rejected_TellsOnlyTheRequesterWithTheReason()
    {
        var notices = NotificationPlanner.ForRequest(WithPendingCriticalMigration(), RequestMoment.Rejected, "Rejected: not in this window.", Everyone, Base);

        var notice = notices.ShouldHaveSingleItem();
        notice.RecipientId.ShouldBe("operator");
        notice.Topic.ShouldBe(NoticeTopic.RequestRejected);
        notice.Text.ShouldStartWith("Rejected: not in this window.");
        notice.Why.ShouldBe("You raised this request.");
    }

    [Fact]
    public void ForRequest_NearingExpiryWithoutQuorum_EscalatesToOpenApproversAndManagers()
    {
        var request = ApprovedBy(WithPendingCriticalMigration(), Approver);

        var notices = NotificationPlanner.ForRequest(request, RequestMoment.NearingExpiry, null, Everyone, Base);

        notices.Select(n => n.RecipientId).ShouldBe(["approver2", "security", "manager"]);
        notices.ShouldAllBe(n => n.Topic == NoticeTopic.ApprovalEscalation);
        notices[0].Text.ShouldContain("still missing 1 security officer and 1 member of noc-core");
        notices.Single(n => n.RecipientId == "manager").Why.ShouldContain("escalated to you");
    }

    [Fact]
    public void ForRequest_NearingExpiryWithQuorumOrNoLongerPending_TellsNobody()
    {
        NotificationPlanner.ForRequest(WithApprovedCriticalMigration(), RequestMoment.NearingExpiry, null, Everyone, Base).ShouldBeEmpty();
    }

    [Fact]
    public void ForAlertAndOverdue_GoToSecurityOfficersAndManagers_AndAZeroCountToNobody()
    {
        NotificationPlanner.ForAlert("fork", "detail", Everyone, "/security/alerts").Select(n => n.RecipientId).ShouldBe(["security"]);
        NotificationPlanner.ForOverdue(3, Everyone, Base).ShouldHaveSingleItem().Subject.ShouldBe("Overdue snapshots: 3");
        NotificationPlanner.ForOverdue(0, Everyone, Base).ShouldBeEmpty();
    }

    [Fact]
    public void EscalationAt_IsTheLeadBeforeExpiry_ButNeverInTheFirstHalf()
    {
        var submitted = Now;
        NotificationPlanner.EscalationAt(submitted, submitted.AddHours(72), TimeSpan.FromHours(4)).ShouldBe(submitted.AddHours(68));
        NotificationPlanner.EscalationAt(submitted, submitted.AddHours(6), TimeSpan.FromHours(4)).ShouldBe(submitted.AddHours(3));
    }

    [Fact]
    public void NoticeChannels_WithoutAnAddress_AreRecordedNotSent_AndAChosenWebhookIsQueued()
    {
        var profile = Console.Workflows.Notifications.NotificationProfile.Default("approver") with { ByWebhook = true, WebhookUrl = "https://hooks.slack.com/x" };

        var deliveries = NoticeChannels.For(profile, null, Now);

        deliveries.Select(d => (d.Channel, d.Status)).ShouldBe([(NoticeChannel.Email, DeliveryStatus.NotSent), (NoticeChannel.Webhook, DeliveryStatus.Pending)]);
        NoticeChannels.For(profile, "noc.example.net", Now)[0].Address.ShouldBe("approver@noc.example.net");
    }
}

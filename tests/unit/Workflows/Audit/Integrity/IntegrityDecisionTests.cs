using Console.Testing.Workflows.Common;
using Console.Workflows.Audit.Integrity;
using Console.Workflows.Audit.Integrity.Acknowledging;
using Console.Workflows.Audit.Integrity.Verifying;
using Console.Workflows.Common;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Audit.Integrity;

public sealed class IntegrityDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    private static readonly Actor Officer = Person("security", Roles.SecurityOfficer);
    private static readonly Actor Auditor = Person("auditor", Roles.Auditor);

    private static readonly IntegrityBreak Changed = new(IntegrityBreakKind.DataChanged, 7, 9, Guid.NewGuid(), Guid.NewGuid(), 2,
        "approval_granted", null, "changed");

    [Theory]
    [InlineData(Roles.SecurityOfficer, true)]
    [InlineData(Roles.Auditor, true)]
    [InlineData(Roles.NocOperator, false)]
    [InlineData(Roles.NocApprover, false)]
    [InlineData(Roles.Manager, false)]
    [InlineData(Roles.Administrator, false)]
    public void MayVerify_ByRole(string role, bool allowed)
    {
        var refusal = IntegrityGuards.MayVerify(Person("someone", role));

        (refusal is null).ShouldBe(allowed);
        if (!allowed)
            refusal.ShouldBeRefusal(RefusalKind.Forbidden, CommandRoles.RefusalMessage(ConsoleCommand.VerifyIntegrity));
    }

    [Fact]
    public void Record_IntactReport_IsIntegrityVerifiedSayingWhoAndWhen()
    {
        var runId = Guid.NewGuid();

        var recorded = RecordVerificationDecider.Decide(Report(), runId, VerificationTrigger.Manual, Auditor, Now);

        var verified = recorded.ShouldBeOfType<IntegrityVerified>();
        verified.RunId.ShouldBe(runId);
        verified.EntriesChecked.ShouldBe(100);
        verified.By.ShouldBe("auditor");
        verified.ByName.ShouldBe("auditor (test)");
        verified.At.ShouldBe(Now);
    }

    [Fact]
    public void Record_BrokenReport_IsIntegrityVerificationFailedWithTheFirstBreak()
    {
        var recorded = RecordVerificationDecider.Decide(Report(Changed), Guid.NewGuid(), VerificationTrigger.Scheduled, Actor.System("audit-schedule"), Now);

        var failed = recorded.ShouldBeOfType<IntegrityVerificationFailed>();
        failed.FirstBreak.ShouldBe(Changed);
        failed.BreaksFound.ShouldBe(1);
        failed.By.ShouldBe("system:audit-schedule");
    }

    [Fact]
    public void Status_FailedRun_OpensTheAlert_AndALaterPassCloses()
    {
        var failed = Failed(Guid.NewGuid());

        var alerted = IntegrityStatus.Create(failed);
        var passed = alerted.Apply(Verified(VerificationTrigger.Manual));

        alerted.OpenAlert.ShouldNotBeNull().RunId.ShouldBe(failed.RunId);
        passed.OpenAlert.ShouldBeNull();
        passed.Recent.Select(r => r.Intact).ShouldBe([true, false]);
    }

    [Fact]
    public void Status_KeepsTheLatestRunsNewestFirst_AndWhenTheScheduleLastRan()
    {
        var status = IntegrityStatus.Create(Verified(VerificationTrigger.Scheduled));
        for (var i = 0; i < IntegrityStatus.RecentKept + 5; i++)
            status = status.Apply(Verified(VerificationTrigger.Manual) with { At = Now.AddMinutes(i + 1) });

        status.Recent.Count.ShouldBe(IntegrityStatus.RecentKept);
        status.Recent[0].At.ShouldBe(Now.AddMinutes(IntegrityStatus.RecentKept + 5));
        status.LastScheduledAt.ShouldBe(Now);
    }

    [Fact]
    public void Acknowledge_ByASecurityOfficer_ClosesTheAlert()
    {
        var runId = Guid.NewGuid();
        var state = IntegrityStatus.Create(Failed(runId)) with { Version = 3 };

        var decision = AcknowledgeIntegrityAlertDecider.Decide(new AcknowledgeIntegrityAlert(runId, "  restored from backup, ticket 4711 ", 3), state, Officer, Now);

        var acknowledged = decision.Events.ShouldHaveSingleItem().ShouldBeOfType<IntegrityAlertAcknowledged>();
        acknowledged.Note.ShouldBe("restored from backup, ticket 4711");
        acknowledged.By.ShouldBe("security");
        state.Apply(acknowledged).OpenAlert.ShouldBeNull();
    }

    [Fact]
    public void Acknowledge_ByAnAuditor_IsForbidden()
    {
        var runId = Guid.NewGuid();

        var decision = AcknowledgeIntegrityAlertDecider.Decide(new AcknowledgeIntegrityAlert(runId, "", 1), IntegrityStatus.Create(Failed(runId)) with { Version = 1 }, Auditor, Now);

        decision.Refusal.ShouldBeRefusal(RefusalKind.Forbidden, CommandRoles.RefusalMessage(ConsoleCommand.AcknowledgeIntegrityAlert));
    }

    [Fact]
    public void Acknowledge_WhenNoAlertIsOpen_IsAConflict()
    {
        var decision = AcknowledgeIntegrityAlertDecider.Decide(new AcknowledgeIntegrityAlert(Guid.NewGuid(), "", 1),
            IntegrityStatus.Create(Verified(VerificationTrigger.Manual)) with { Version = 1 }, Officer, Now);

        decision.Refusal.ShouldBeRefusal(RefusalKind.Conflict, "There is no open integrity alert any more (acknowledged, or a later verification passed); reload.");
    }

    [Fact]
    public void Acknowledge_AnAlertANewerRunReplaced_IsAConflict()
    {
        var state = IntegrityStatus.Create(Failed(Guid.NewGuid())).Apply(Failed(Guid.NewGuid())) with { Version = 2 };

        var decision = AcknowledgeIntegrityAlertDecider.Decide(new AcknowledgeIntegrityAlert(state.Recent[1].RunId, "", 2), state, Officer, Now);

        decision.Refusal.ShouldBeRefusal(RefusalKind.Conflict, "A newer verification replaced this alert; reload and look at it first.");
    }

    [Fact]
    public void Acknowledge_SeenAtAnOlderVersion_IsAConflict()
    {
        var runId = Guid.NewGuid();
        var state = IntegrityStatus.Create(Failed(runId)) with { Version = 5 };

        var decision = AcknowledgeIntegrityAlertDecider.Decide(new AcknowledgeIntegrityAlert(runId, "", 4), state, Officer, Now);

        decision.Refusal.ShouldBeRefusal(RefusalKind.Conflict, "Someone else acted first; reload.");
    }

    [Fact]
    public void Acknowledge_WithATooLongNote_NamesTheField()
    {
        var runId = Guid.NewGuid();

        var decision = AcknowledgeIntegrityAlertDecider.Decide(new AcknowledgeIntegrityAlert(runId, new string('n', 501), 1),
            IntegrityStatus.Create(Failed(runId)) with { Version = 1 }, Officer, Now);

        decision.Refusal.ShouldNotBeNull().FieldErrors.ShouldContainKey("Note");
    }

    private static Actor Person(string id, string role) => new(id, id + " (test)", new HashSet<string> { role });

    private static VerificationReport Report(params IntegrityBreak[] breaks) =>
        new(Now, TimeSpan.FromSeconds(1.5), 100, 100, 120, 0, 2, 2, breaks.Length, breaks);

    private static IntegrityVerified Verified(VerificationTrigger trigger) =>
        new(Guid.NewGuid(), trigger, 100, 100, 0, 2, 2, 1.5, "auditor", "Auditor", Now);

    private static IntegrityVerificationFailed Failed(Guid runId) =>
        new(runId, VerificationTrigger.Scheduled, Changed, 1, 100, 100, 2, 1.5, "system:audit-schedule", "Console workflow", Now);
}

using Console.IntegrationTests.Infrastructure;
using Console.Workflows.Accounts;
using Console.Workflows.Alerts;
using Console.Workflows.Alerts.Handling;
using Console.Workflows.Common;
using Console.Workflows.Continuity;
using Console.Testing.Workflows.Common;
using Marten;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Alerts;

/// <summary>Fork and refused-evidence alerts acknowledged, assigned and closed through the command bus, on real PostgreSQL.</summary>
public sealed class AlertHandlingTests(WorkflowFixture fixture) : IClassFixture<WorkflowFixture>
{
    private static readonly DateTimeOffset Long = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WorkflowHost Host => fixture.Host;

    private static Actor Officer(string id) => new(id, $"Officer {id}", new HashSet<string> { Roles.SecurityOfficer });

    private async Task<(Guid Alert, Actor First, Actor Second)> WithOpenForkAlertAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var first = Officer($"sec1-{suffix}");
        var second = Officer($"sec2-{suffix}");
        // The alert as the continuity service stores it when a fork is detected.
        var alert = SecurityAlert.From(new ForkDetected(
            Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), 3, 5, Guid.NewGuid(), "A second instance reported in.", "system:continuity", Long));
        await using var session = Host.Store.LightweightSession();
        session.Store(alert);
        foreach (var p in new[] { first, second })
        {
            var id = UserAccount.IdFor(p.UserId);
            session.Events.StartStream<UserAccount>(id, new AccountCreated(id, p.UserId, p.DisplayName, [Roles.SecurityOfficer], [], "digest", "test:setup", Long));
        }

        await session.SaveChangesAsync(Ct);
        return (alert.Id, first, second);
    }

    private Task<Outcome> Issue(IConsoleCommand command, Actor actor) => Host.With<IConsoleCommandBus, Outcome>(b => b.IssueAsync(command, actor));

    private async Task<IReadOnlyList<object>> EventsOf(Guid alert)
    {
        await using var session = Host.Store.QuerySession();
        return [.. (await session.Events.FetchStreamAsync(alert, token: Ct)).Select(e => e.Data)];
    }

    private Task<long> OpenCount() => Host.With<IAlertReader, long>(r => r.OpenCountAsync());

    [Fact]
    public async Task AlertAck_LockOutAlert_ThePersonItIsAboutCannotCloseIt_AnotherOfficerCan()
    {
        var (_, first, second) = await WithOpenForkAlertAsync();
        // The first officer's codes were locked by wrong guesses: the alert is about their own account.
        var lockedOut = new SecondFactorLockedOut(SecondFactor.IdFor(first.UserId), first.UserId, 5, Long.AddMinutes(15), "request/x", first.UserId, Long);
        var alert = SecurityAlert.From(lockedOut);
        await using (var session = Host.Store.LightweightSession())
        {
            session.Store(alert);
            await session.SaveChangesAsync(Ct);
        }

        (await Issue(new CloseAlert(alert.Id, 0, "It was me."), first)).Refusal
            .ShouldBeRefusal(RefusalKind.Forbidden, AlertHandlingDecider.AboutYouMessage);
        (await EventsOf(alert.Id)).ShouldBeEmpty("the refusal changed nothing");

        (await Issue(new CloseAlert(alert.Id, 0, "Confirmed by phone: the officer mistyped."), second)).Succeeded.ShouldBeTrue();
        (await EventsOf(alert.Id)).OfType<AlertClosed>().ShouldHaveSingleItem().By.ShouldBe(second.UserId);
    }

    [Fact]
    public async Task AlertAck_ForkAlert_IsAcknowledgedAssignedAndClosedWithWhoAndWhen_AndLeavesTheOpenCount()
    {
        var (alert, first, second) = await WithOpenForkAlertAsync();
        var openBefore = await OpenCount();

        (await Issue(new AcknowledgeAlert(alert, 0, "Looking into it."), first)).Succeeded.ShouldBeTrue();
        (await Issue(new AssignAlert(alert, 1, second.UserId), first)).Succeeded.ShouldBeTrue();
        (await OpenCount()).ShouldBe(openBefore, "acknowledged and assigned, still open");
        var closed = await Issue(new CloseAlert(alert, 2, "Stale copy on host 7 was a restored backup; host wiped."), second);

        closed.Succeeded.ShouldBeTrue(closed.Refusal?.Message);
        (await OpenCount()).ShouldBe(openBefore - 1);
        var events = await EventsOf(alert);
        events.OfType<AlertAcknowledged>().Single().ShouldBe(
            new AlertAcknowledged(alert, SecurityAlertKind.ForkDetected, "Looking into it.", first.UserId, first.DisplayName, events.OfType<AlertAcknowledged>().Single().At));
        events.OfType<AlertAssigned>().Single().Assignee.ShouldBe(second.UserId);
        var close = events.OfType<AlertClosed>().Single();
        (close.By, close.Reason).ShouldBe((second.UserId, "Stale copy on host 7 was a restored backup; host wiped."));
        var handling = (await Host.With<IAlertReader, IReadOnlyDictionary<Guid, AlertHandling>>(r => r.HandlingAsync([alert])))[alert];
        (handling.State, handling.AssignedTo, handling.ClosedBy).ShouldBe((AlertState.Closed, second.UserId, second.UserId));
    }

    [Fact]
    public async Task AlertAck_StateFilter_ListsEachAlertUnderTheStateItsHandlingReached_WithWhoAndWhen()
    {
        var (open, first, second) = await WithOpenForkAlertAsync();
        var (acknowledged, _, _) = await WithOpenForkAlertAsync();
        var (closed, _, _) = await WithOpenForkAlertAsync();
        (await Issue(new AcknowledgeAlert(acknowledged, 0, null), first)).Succeeded.ShouldBeTrue();
        (await Issue(new AssignAlert(closed, 0, second.UserId), first)).Succeeded.ShouldBeTrue();
        (await Issue(new CloseAlert(closed, 1, "Restored backup on host 7; wiped."), second)).Succeeded.ShouldBeTrue();

        var ours = new[] { open, acknowledged, closed };
        async Task<List<SecurityAlertRow>> Listed(AlertState? state) =>
            [.. (await Host.With<IContinuityReader, SecurityAlertPage>(r => r.AlertsAsync(new SecurityAlertQuery(PageSize: 200, State: state), Ct)))
                .Rows.Where(r => ours.Contains(r.Id))];

        (await Listed(AlertState.Open)).Select(r => r.Id).ShouldBe([open]);
        (await Listed(AlertState.Acknowledged)).Select(r => r.Id).ShouldBe([acknowledged]);
        var closedRow = (await Listed(AlertState.Closed)).ShouldHaveSingleItem();
        (await Listed(null)).Count.ShouldBe(3);
        closedRow.Id.ShouldBe(closed);
        closedRow.State.ShouldBe(AlertState.Closed);
        var handling = closedRow.Handling.ShouldNotBeNull();
        (handling.AssignedTo, handling.AssignedByName, handling.ClosedByName, handling.CloseReason)
            .ShouldBe((second.UserId, first.DisplayName, second.DisplayName, "Restored backup on host 7; wiped."));
        handling.ClosedAt.ShouldNotBeNull();
        handling.AssignedAt.ShouldNotBeNull();
        handling.Version.ShouldBe(2);
    }

    [Fact]
    public async Task AlertAck_ClosedAlert_CannotBeAcknowledgedOrReassigned()
    {
        var (alert, first, second) = await WithOpenForkAlertAsync();
        (await Issue(new CloseAlert(alert, 0, "False positive: clock skew on the heartbeat."), first)).Succeeded.ShouldBeTrue();

        var ack = (await Issue(new AcknowledgeAlert(alert, 1, null), second)).Refusal.ShouldNotBeNull();
        var assign = (await Issue(new AssignAlert(alert, 1, second.UserId), second)).Refusal.ShouldNotBeNull();

        ack.Kind.ShouldBe(RefusalKind.Conflict);
        ack.Message.ShouldBe($"This alert was closed by {first.UserId}: False positive: clock skew on the heartbeat.");
        assign.Message.ShouldBe(ack.Message);
        (await EventsOf(alert)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task AlertAck_BadInput_StaleVersionOrUnknownAlert_IsRefusedAndChangesNothing()
    {
        var (alert, first, _) = await WithOpenForkAlertAsync();

        var notOfficer = (await Issue(new AssignAlert(alert, 0, "operator"), first)).Refusal.ShouldNotBeNull();
        var noReason = (await Issue(new CloseAlert(alert, 0, "  "), first)).Refusal.ShouldNotBeNull();
        var stale = (await Issue(new AcknowledgeAlert(alert, 4, null), first)).Refusal.ShouldNotBeNull();
        var unknown = (await Issue(new AcknowledgeAlert(Guid.NewGuid(), 0, null), first)).Refusal.ShouldNotBeNull();

        notOfficer.FieldErrors[nameof(AssignAlert.Assignee)].ShouldBe(["Assign the alert to a security officer (their user name)."]);
        noReason.FieldErrors[nameof(CloseAlert.Reason)].ShouldBe(["Say why the alert is closed (what was found, what was done)."]);
        stale.Kind.ShouldBe(RefusalKind.Conflict);
        unknown.Kind.ShouldBe(RefusalKind.NotFound);
        (await EventsOf(alert)).ShouldBeEmpty();
    }

    [Fact]
    public async Task AlertAck_ByAnAuditor_IsForbidden()
    {
        var (alert, _, _) = await WithOpenForkAlertAsync();
        var auditor = new Actor("auditor-x", "Auditor", new HashSet<string> { Roles.Auditor });

        var refusal = (await Issue(new CloseAlert(alert, 0, "Not mine to close."), auditor)).Refusal.ShouldNotBeNull();

        refusal.Kind.ShouldBe(RefusalKind.Forbidden);
        refusal.Message.ShouldBe("Only security officers may close security alerts.");
        (await EventsOf(alert)).ShouldBeEmpty();
    }
}

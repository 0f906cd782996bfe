using Console.IntegrationTests.Infrastructure;
using Console.Workflows.Accounts;
using Console.Workflows.Alerts;
using Console.Workflows.Alerts.Handling;
using Console.Workflows.Alerts.Raising;
using Console.Workflows.Attestation;
using Console.Workflows.Common;
using Console.Workflows.Continuity;
using Console.Testing.Workflows.Common;
using Marten;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Alerts;

/// <summary>
/// Security alerts acknowledged, assigned and closed through the command bus, on real PostgreSQL: each alert's stream
/// starts with its raise (the <see cref="SecurityAlert"/> document's event), then holds its handling.
/// </summary>
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
        // The alert as the continuity service raises it when a fork is detected.
        var alert = SecurityAlerts.Of(new ForkDetected(
            Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), 3, 5, Guid.NewGuid(), "A second instance reported in.", "system:continuity", Long));
        await using var session = Host.Store.LightweightSession();
        session.Raise(alert);
        foreach (var p in new[] { first, second })
        {
            var id = UserAccount.IdFor(p.UserId);
            session.Events.StartStream<UserAccount>(id, new AccountCreated(id, p.UserId, p.DisplayName, [Roles.SecurityOfficer], [], "digest", "test:setup", Long));
        }

        await session.SaveChangesAsync(Ct);
        return (alert.AlertId, first, second);
    }

    private Task<Outcome> Issue(IConsoleCommand command, Actor actor) => Host.With<IConsoleCommandBus, Outcome>(b => b.IssueAsync(command, actor));

    private async Task<IReadOnlyList<object>> EventsOf(Guid alert)
    {
        await using var session = Host.Store.QuerySession();
        return [.. (await session.Events.FetchStreamAsync(alert, token: Ct)).Select(e => e.Data)];
    }

    /// <summary>The alert's stream after its raise: what the officers did.</summary>
    private async Task<IReadOnlyList<object>> HandlingOf(Guid alert)
    {
        var events = await EventsOf(alert);
        events[0].ShouldBeOfType<SecurityAlertRaised>().AlertId.ShouldBe(alert);
        return [.. events.Skip(1)];
    }

    private Task<long> OpenCount() => Host.With<IAlertReader, long>(r => r.OpenCountAsync());

    [Fact]
    public async Task AlertAck_LockOutAlert_ThePersonItIsAboutCannotCloseIt_AnotherOfficerCan()
    {
        var (_, first, second) = await WithOpenForkAlertAsync();
        // The first officer's codes were locked by wrong guesses: the alert is about their own account.
        var lockedOut = new SecondFactorLockedOut(SecondFactor.IdFor(first.UserId), first.UserId, 5, Long.AddMinutes(15), "request/x", first.UserId, Long);
        var alert = SecurityAlerts.Of(lockedOut);
        await using (var session = Host.Store.LightweightSession())
        {
            session.Raise(alert);
            await session.SaveChangesAsync(Ct);
        }

        (await Issue(new CloseAlert(alert.AlertId, 1, "It was me."), first)).Refusal
            .ShouldBeRefusal(RefusalKind.Forbidden, AlertHandlingDecider.AboutYouMessage);
        (await HandlingOf(alert.AlertId)).ShouldBeEmpty("the refusal changed nothing");

        (await Issue(new CloseAlert(alert.AlertId, 1, "Confirmed by phone: the officer mistyped."), second)).Succeeded.ShouldBeTrue();
        (await HandlingOf(alert.AlertId)).OfType<AlertClosed>().ShouldHaveSingleItem().By.ShouldBe(second.UserId);
    }

    [Fact]
    public async Task AlertAck_ForkAlert_IsAcknowledgedAssignedAndClosedWithWhoAndWhen_AndLeavesTheOpenCount()
    {
        var (alert, first, second) = await WithOpenForkAlertAsync();
        var openBefore = await OpenCount();

        (await Issue(new AcknowledgeAlert(alert, 1, "Looking into it."), first)).Succeeded.ShouldBeTrue();
        (await Issue(new AssignAlert(alert, 2, second.UserId), first)).Succeeded.ShouldBeTrue();
        (await OpenCount()).ShouldBe(openBefore, "acknowledged and assigned, still open");
        var closed = await Issue(new CloseAlert(alert, 3, "Stale copy on host 7 was a restored backup; host wiped."), second);

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
        (await Issue(new AcknowledgeAlert(acknowledged, 1, null), first)).Succeeded.ShouldBeTrue();
        (await Issue(new AssignAlert(closed, 1, second.UserId), first)).Succeeded.ShouldBeTrue();
        (await Issue(new CloseAlert(closed, 2, "Restored backup on host 7; wiped."), second)).Succeeded.ShouldBeTrue();

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
        handling.Version.ShouldBe(3);
    }

    [Fact]
    public async Task AlertAck_ClosedAlert_CannotBeAcknowledgedOrReassigned()
    {
        var (alert, first, second) = await WithOpenForkAlertAsync();
        (await Issue(new CloseAlert(alert, 1, "False positive: clock skew on the heartbeat."), first)).Succeeded.ShouldBeTrue();

        var ack = (await Issue(new AcknowledgeAlert(alert, 2, null), second)).Refusal.ShouldNotBeNull();
        var assign = (await Issue(new AssignAlert(alert, 2, second.UserId), second)).Refusal.ShouldNotBeNull();

        ack.Kind.ShouldBe(RefusalKind.Conflict);
        ack.Message.ShouldBe($"This alert was closed by {first.UserId}: False positive: clock skew on the heartbeat.");
        assign.Message.ShouldBe(ack.Message);
        (await HandlingOf(alert)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task AlertAck_BadInput_StaleVersionOrUnknownAlert_IsRefusedAndChangesNothing()
    {
        var (alert, first, _) = await WithOpenForkAlertAsync();

        var notOfficer = (await Issue(new AssignAlert(alert, 1, "operator"), first)).Refusal.ShouldNotBeNull();
        var noReason = (await Issue(new CloseAlert(alert, 1, "  "), first)).Refusal.ShouldNotBeNull();
        var stale = (await Issue(new AcknowledgeAlert(alert, 4, null), first)).Refusal.ShouldNotBeNull();
        var unknown = (await Issue(new AcknowledgeAlert(Guid.NewGuid(), 0, null), first)).Refusal.ShouldNotBeNull();

        notOfficer.FieldErrors[nameof(AssignAlert.Assignee)].ShouldBe(["Assign the alert to a security officer (their user name)."]);
        noReason.FieldErrors[nameof(CloseAlert.Reason)].ShouldBe(["Say why the alert is closed (what was found, what was done)."]);
        stale.Kind.ShouldBe(RefusalKind.Conflict);
        unknown.Kind.ShouldBe(RefusalKind.NotFound);
        (await HandlingOf(alert)).ShouldBeEmpty();
    }

    [Fact]
    public async Task AlertAck_ByAnAuditor_IsForbidden()
    {
        var (alert, _, _) = await WithOpenForkAlertAsync();
        var auditor = new Actor("auditor-x", "Auditor", new HashSet<string> { Roles.Auditor });

        var refusal = (await Issue(new CloseAlert(alert, 1, "Not mine to close."), auditor)).Refusal.ShouldNotBeNull();

        refusal.Kind.ShouldBe(RefusalKind.Forbidden);
        refusal.Message.ShouldBe("Only security officers may close security alerts.");
        (await HandlingOf(alert)).ShouldBeEmpty();
    }

    [Fact]
    public async Task AlertAck_RaisedThenHandled_TheAlertAndItsHandlingAreBothSnapshotsOfTheOneStream()
    {
        var (alert, first, second) = await WithOpenForkAlertAsync();
        SecurityAlert raisedAlert;
        await using (var query = Host.Store.QuerySession())
        {
            raisedAlert = (await query.LoadAsync<SecurityAlert>(alert, Ct)).ShouldNotBeNull();
            raisedAlert.ShouldBe(SecurityAlert.Create((SecurityAlertRaised)(await EventsOf(alert))[0]));
            var open = (await query.LoadAsync<AlertHandling>(alert, Ct)).ShouldNotBeNull();
            (open.State, open.Kind, open.Version, open.LastChangedAt).ShouldBe((AlertState.Open, SecurityAlertKind.ForkDetected, 1, Long));
        }

        (await Issue(new AcknowledgeAlert(alert, 1, "Looking into it."), first)).Succeeded.ShouldBeTrue();
        (await Issue(new CloseAlert(alert, 2, "Restored backup on host 7; wiped."), second)).Succeeded.ShouldBeTrue();

        await using (var query = Host.Store.QuerySession())
        {
            (await query.LoadAsync<SecurityAlert>(alert, Ct)).ShouldBe(raisedAlert, "handling the alert does not change what it reports");
            var handling = (await query.LoadAsync<AlertHandling>(alert, Ct)).ShouldNotBeNull();
            (handling.State, handling.AcknowledgedBy, handling.ClosedBy, handling.Version).ShouldBe((AlertState.Closed, first.UserId, second.UserId, 3));
        }
    }

    [Fact]
    public async Task AlertAck_AlertStoredBeforeAlertsWereEvents_WithoutAStream_IsOpenAtVersionZeroAndCanBeHandled()
    {
        var (_, first, _) = await WithOpenForkAlertAsync();
        // A row as the console stored alerts before they were events (the upgrade at start-up records these).
        var old = new SecurityAlert(Guid.NewGuid(), SecurityAlertKind.EvidenceRefused, null, Guid.NewGuid(), AttestedSubjectKind.Environment,
            "BadSignature", "The quote's signature does not verify.", Long);
        await using (var session = Host.Store.LightweightSession())
        {
            session.Store(old);
            await session.SaveChangesAsync(Ct);
        }

        var listed = (await Host.With<IContinuityReader, SecurityAlertPage>(r => r.AlertsAsync(new SecurityAlertQuery(PageSize: 200, State: AlertState.Open), Ct)))
            .Rows.Single(r => r.Id == old.Id);
        listed.Handling.ShouldBeNull();

        (await Issue(new AcknowledgeAlert(old.Id, 1, null), first)).Refusal.ShouldBeRefusal(RefusalKind.Conflict, AlertCommandBy.LostRace);
        (await Issue(new AcknowledgeAlert(old.Id, 0, "Checking the key."), first)).Succeeded.ShouldBeTrue();

        (await EventsOf(old.Id)).ShouldHaveSingleItem().ShouldBeOfType<AlertAcknowledged>().By.ShouldBe(first.UserId);
        var handling = (await Host.With<IAlertReader, IReadOnlyDictionary<Guid, AlertHandling>>(r => r.HandlingAsync([old.Id])))[old.Id];
        (handling.State, handling.Version).ShouldBe((AlertState.Acknowledged, 1));
        await using var query = Host.Store.QuerySession();
        (await query.LoadAsync<SecurityAlert>(old.Id, Ct)).ShouldBe(old, "handling leaves the alert's row as it was");
    }
}

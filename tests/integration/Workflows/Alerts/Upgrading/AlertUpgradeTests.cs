using Console.IntegrationTests.Infrastructure;
using Console.IntegrationTests.Workflows.Audit.Integrity;
using Console.Workflows.Alerts;
using Console.Workflows.Alerts.Raising;
using Console.Workflows.Alerts.Upgrading;
using Console.Workflows.Attestation;
using Console.Workflows.Audit.Integrity.Verifying;
using Console.Workflows.Continuity;
using Console.Workflows.Continuity.Reconciling;
using Marten;
using Microsoft.Extensions.Logging.Abstractions;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Alerts.Upgrading;

/// <summary>
/// A database from before alerts were events: its alert rows (one untouched, one an officer had acknowledged, one of a
/// host drift, whose stream holds the drift) have no event behind them, so verification reports them until the
/// upgrade at start-up records each once; a row inserted after the upgrade is reported whatever restarts follow.
/// </summary>
public sealed class AlertUpgradeTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Before = new(2026, 11, 20, 8, 0, 0, TimeSpan.Zero);

    private readonly PostgresDatabase _database = new();
    private AuditLog _log = null!;
    private SecurityAlert _untouched = null!;
    private SecurityAlert _acknowledged = null!;
    private SecurityAlert _drifted = null!;
    private SecurityAlertRaised _raisedSince = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _database.InitializeAsync();
        _log = await AuditLog.OpenAsync(_database.ConnectionString, AuditLog.TestOptions(AuditLog.NewKeyFile()));
        _untouched = new SecurityAlert(Guid.NewGuid(), SecurityAlertKind.EvidenceRefused, null, Guid.NewGuid(), AttestedSubjectKind.Environment,
            "BadSignature", "The quote's signature does not verify.", Before);
        _acknowledged = new SecurityAlert(Guid.NewGuid(), SecurityAlertKind.ForkDetected, Guid.NewGuid(), Guid.NewGuid(), AttestedSubjectKind.VnfInstance,
            "StaleEpoch", "A copy reported epoch 2; the VNF is at epoch 3.", Before.AddMinutes(1));
        var drift = new HostDriftDetected(
            Guid.NewGuid(), HostDriftKind.UnknownMachine, null, Guid.NewGuid(), "host-7", "vm-x", "A machine the console did not start.", HostDriftRecorder.By, Before.AddMinutes(2));
        _drifted = new SecurityAlert(drift.DriftId, SecurityAlertKind.HostDrift, null, drift.DriftId, null, "UnknownMachine", drift.Detail, drift.At);
        _raisedSince = SecurityAlerts.Of(new ForkDetected(
            Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), 1, 2, Guid.NewGuid(), "A second instance reported in.", ContinuityDecider.By, Before.AddDays(1)));
        await using var session = _log.Store.LightweightSession();
        // As the console wrote alerts before: a plain document beside the event that raised it.
        session.Store(_untouched, _acknowledged, _drifted);
        session.Events.Append(_acknowledged.Id, new AlertAcknowledged(_acknowledged.Id, _acknowledged.Kind, "Looking.", "samir", "Samir Security", Before.AddHours(1)));
        session.Events.StartStream(drift.DriftId, drift);
        // And one raised as alerts are raised now.
        session.Raise(_raisedSince);
        await session.SaveChangesAsync(Ct);
        await _log.ChainAllAsync();
    }

    private AlertUpgrade Upgrade() => new(_log.Store, TimeProvider.System, NullLogger<AlertUpgrade>.Instance);

    [Fact]
    public async Task Upgrade_AlertsStoredBeforeAlertsWereEvents_AreRecordedOnceAsTheyWere_AndVerificationPassesAfter()
    {
        var old = new[] { _untouched, _acknowledged, _drifted };
        var before = await _log.VerifyAsync();
        before.Breaks.Select(b => (b.Document, b.StreamId)).ShouldBe(old.Select(a => ((string?)nameof(SecurityAlert), (Guid?)a.Id)), ignoreOrder: true);

        (await Upgrade().RunAsync(Ct)).ShouldBe(3);
        await _log.ChainAllAsync();

        var after = await _log.VerifyAsync();
        after.Breaks.ShouldBeEmpty();
        after.Intact.ShouldBeTrue();
        await using var query = _log.Store.QuerySession();
        foreach (var alert in old)
        {
            (await query.LoadAsync<SecurityAlert>(alert.Id, Ct)).ShouldBe(alert, "the officers see the alert as it was");
            var raised = (await query.Events.FetchStreamAsync(alert.Id, token: Ct)).Select(e => e.Data).OfType<SecurityAlertRaised>().ShouldHaveSingleItem();
            (raised.By, raised.At, raised.Detail).ShouldBe((AlertUpgrade.By, alert.At, alert.Detail));
        }

        var handling = (await query.LoadAsync<AlertHandling>(_acknowledged.Id, Ct)).ShouldNotBeNull();
        (handling.State, handling.AcknowledgedBy, handling.Version).ShouldBe((AlertState.Acknowledged, "samir", 2), "the record of the raise keeps the handling");
        (await query.LoadAsync<AlertHandling>(_untouched.Id, Ct)).ShouldNotBeNull().State.ShouldBe(AlertState.Open);
        (await query.Events.FetchStreamAsync(_raisedSince.AlertId, token: Ct)).ShouldHaveSingleItem("an alert raised as an event is not recorded again");
        var upgrade = (await query.Events.FetchStreamAsync(AlertUpgrade.StreamId, token: Ct)).ShouldHaveSingleItem().Data
            .ShouldBeOfType<SecurityAlertsRecordedAtUpgrade>();
        (upgrade.Alerts, upgrade.By).ShouldBe((3, AlertUpgrade.By));

        (await Upgrade().RunAsync(Ct)).ShouldBeNull("the next start finds the upgrade made");
    }

    [Fact]
    public async Task Upgrade_TwoNodesStartingTogether_OneRecordsTheAlerts_TheOtherFindsThemRecorded()
    {
        var results = await Task.WhenAll(Upgrade().RunAsync(Ct), Upgrade().RunAsync(Ct));

        results.ShouldBe([3, null], ignoreOrder: true);
        await using var query = _log.Store.QuerySession();
        foreach (var alert in new[] { _untouched, _acknowledged, _drifted })
            (await query.Events.FetchStreamAsync(alert.Id, token: Ct)).Count(e => e.Data is SecurityAlertRaised).ShouldBe(1);
        (await query.Events.FetchStreamAsync(AlertUpgrade.StreamId, token: Ct)).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Upgrade_Made_ARowInsertedAfterIt_IsNotTakenForAnOldOne_AfterAnyRestart()
    {
        (await Upgrade().RunAsync(Ct)).ShouldBe(3);
        var forged = Guid.NewGuid();
        await _database.InsertDocumentCopyAsync(((IDocumentStore)_log.Store).Options.Schema.For<SecurityAlert>(), _untouched.Id, forged);

        (await Upgrade().RunAsync(Ct)).ShouldBeNull();
        await _log.ChainAllAsync();

        var found = (await _log.VerifyAsync()).Breaks.ShouldHaveSingleItem();
        (found.Kind, found.Document, found.StreamId).ShouldBe((IntegrityBreakKind.DocumentWithoutEvents, nameof(SecurityAlert), (Guid?)forged));
    }

    [Fact]
    public async Task Upgrade_NewDatabase_RecordsThatAlertsAreEventsWithNoneToRecord()
    {
        await using var database = new PostgresDatabase();
        await database.InitializeAsync();

        (await new AlertUpgrade(database.Store, TimeProvider.System, NullLogger<AlertUpgrade>.Instance).RunAsync(Ct)).ShouldBe(0);

        await using var query = database.Store.QuerySession();
        (await query.Events.FetchStreamAsync(AlertUpgrade.StreamId, token: Ct)).ShouldHaveSingleItem().Data
            .ShouldBeOfType<SecurityAlertsRecordedAtUpgrade>().Alerts.ShouldBe(0);
    }

    public async ValueTask DisposeAsync()
    {
        if (_log is not null)
            await _log.DisposeAsync();
        await _database.DisposeAsync();
    }
}

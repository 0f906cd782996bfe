using Console.IntegrationTests.Infrastructure;
using Console.IntegrationTests.Workflows.Runtime;
using Console.Workflows.Accounts;
using Console.Workflows.Accounts.Creating;
using Console.Workflows.Alerts;
using Console.Workflows.Alerts.Raising;
using Console.Workflows.Audit.Integrity.Verifying;
using Console.Workflows.Common;
using Console.Workflows.Continuity;
using Console.Workflows.Continuity.Reconciling;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;
using Console.Workflows.Policy.Seeding;
using Marten;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Audit.Integrity.Verifying.Documents;

/// <summary>
/// Documents decisions read, edited in their tables as a database administrator could, are reported by verification
/// with their type, id and field; a database nobody touched verifies intact. Each test has a database of its own.
/// </summary>
public sealed class DocumentTamperTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();
    private AuditLog _log = null!;
    private RuntimeScenario _world = null!;
    private SecurityAlertRaised _fork = null!;
    private SecurityAlertRaised _drift = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Actor Admin = new("admin", "Ada Admin", new HashSet<string> { Roles.Administrator });

    public async ValueTask InitializeAsync()
    {
        await _database.InitializeAsync();
        _log = await AuditLog.OpenAsync(_database.ConnectionString, AuditLog.TestOptions(AuditLog.NewKeyFile()));
        await PolicySeedHandler.EnsureSeededAsync(_log.Store, TimeProvider.System, Ct);
        _world = await RuntimeScenario.CreateAsync(_log.Store);
        await using (var session = _log.Store.LightweightSession())
        {
            var created = CreateAccountDecider.Decide(
                new NewAccount("olga", "Olga Operator", [Roles.NocOperator], ["noc-core"], "hash-of-olga"), null, "test:setup", DateTimeOffset.UtcNow);
            session.Events.StartStream<UserAccount>(UserAccount.IdFor("olga"), created.Events);
            await session.SaveChangesAsync(Ct);
        }

        var changed = await new AccountChanges(_log.Store, TimeProvider.System).IssueAsync(
            new ChangeAccountRoles("olga", 1, [Roles.NocOperator, Roles.Auditor], "Covers the audit rota"), Admin, Ct);
        changed.Succeeded.ShouldBeTrue(changed.Refusal?.Message);

        // Two security alerts: a fork alert an officer acknowledged (the alert and its handling are two snapshots of
        // one stream) and a drift alert (its raise shares the stream of the difference it reports).
        var now = DateTimeOffset.UtcNow;
        _fork = SecurityAlerts.Of(new ForkDetected(
            _world.Vnf, Guid.NewGuid(), _world.DcB, 1, 2, Guid.NewGuid(), "A second instance reported in.", ContinuityDecider.By, now));
        var drift = new HostDriftDetected(
            Guid.NewGuid(), HostDriftKind.UnknownMachine, null, _world.Edge, "host-7", "vm-x", "A machine the console did not start.", HostDriftRecorder.By, now);
        _drift = SecurityAlerts.Of(drift);
        await using (var session = _log.Store.LightweightSession())
        {
            session.Raise(_fork);
            session.Events.StartStream(drift.DriftId, drift, _drift);
            await session.SaveChangesAsync(Ct);
            session.Events.Append(_fork.AlertId, new AlertAcknowledged(_fork.AlertId, _fork.Kind, "Looking.", "samir", "Samir Security", now));
            await session.SaveChangesAsync(Ct);
        }

        await _log.ChainAllAsync();
    }

    private string Table<T>() => ((IDocumentStore)_log.Store).Options.Schema.For<T>();

    /// <summary>Verifies, expecting one break only: of <paramref name="kind"/>, in document <typeparamref name="T"/> <paramref name="id"/>.</summary>
    private async Task<IntegrityBreak> SingleBreakAsync<T>(IntegrityBreakKind kind, Guid id)
    {
        var report = await _log.VerifyAsync();

        report.Intact.ShouldBeFalse();
        var found = report.Breaks.ShouldHaveSingleItem();
        (found.Kind, found.Document, found.StreamId).ShouldBe((kind, (string?)typeof(T).Name, (Guid?)id));
        return found;
    }


    [Fact]
    public async Task DocumentTamper_UntouchedDatabase_VerifiesIntact_WithEveryDocumentChecked()
    {
        var report = await _log.VerifyAsync();

        report.Breaks.ShouldBeEmpty();
        report.Intact.ShouldBeTrue();
        // The policy, the account, two trust domains, four environments, two VNFs, two alerts and their handling at least.
        report.DocumentsChecked.ShouldBeGreaterThanOrEqualTo(14);
    }

    [Fact]
    public async Task DocumentTamper_SecurityAlertDeletedFromTheTable_IsReportedMissing()
    {
        // An unhandled alert gone from the officers' queue.
        await _database.AsAdministratorAsync($"delete from {Table<SecurityAlert>()} where id = '{_drift.AlertId}'");

        await SingleBreakAsync<SecurityAlert>(IntegrityBreakKind.DocumentMissing, _drift.AlertId);
    }

    [Fact]
    public async Task DocumentTamper_SecurityAlertDetailEdited_IsReportedWithItsField()
    {
        await _database.AsAdministratorAsync(
            $"update {Table<SecurityAlert>()} set data = jsonb_set(data, '{{Detail}}', '\"Heartbeat clock skew, nothing to see.\"') where id = '{_fork.AlertId}'");

        var found = await SingleBreakAsync<SecurityAlert>(IntegrityBreakKind.DocumentChanged, _fork.AlertId);

        found.Fields.ShouldBe(["Detail"]);
    }

    [Fact]
    public async Task DocumentTamper_SecurityAlertInsertedWithoutEvents_IsReported()
    {
        var forged = Guid.NewGuid();
        await _database.InsertDocumentCopyAsync(Table<SecurityAlert>(), _fork.AlertId, forged);

        await SingleBreakAsync<SecurityAlert>(IntegrityBreakKind.DocumentWithoutEvents, forged);
    }

    [Fact]
    public async Task DocumentTamper_PolicyEditedInTheTable_IsReportedWithTypeIdAndField()
    {
        await _database.AsAdministratorAsync(
            $"update {Table<ApprovalPolicy>()} set data = jsonb_set(data, '{{Document,Sensitivities,3,Approvals}}', '[]') where id = '{ApprovalPolicy.StreamId}'");

        var report = await _log.VerifyAsync();

        report.Intact.ShouldBeFalse();
        var found = report.Breaks.ShouldHaveSingleItem();
        found.Kind.ShouldBe(IntegrityBreakKind.DocumentChanged);
        found.Document.ShouldBe(nameof(ApprovalPolicy));
        found.StreamId.ShouldBe(ApprovalPolicy.StreamId);
        found.Fields.ShouldBe(["Document.Sensitivities[3].Approvals"]);
        found.Where.ShouldBe($"document ApprovalPolicy {ApprovalPolicy.StreamId}, fields Document.Sensitivities[3].Approvals");
    }

    [Fact]
    public async Task DocumentTamper_UserRolesEditedInTheTable_IsReportedWithTypeIdAndField()
    {
        var olga = UserAccount.IdFor("olga");
        await _database.AsAdministratorAsync(
            $"update {Table<UserAccount>()} set data = jsonb_set(data, '{{Roles}}', '[\"NocOperator\", \"Administrator\"]') where id = '{olga}'");

        var report = await _log.VerifyAsync();

        var found = report.Breaks.ShouldHaveSingleItem();
        found.Kind.ShouldBe(IntegrityBreakKind.DocumentChanged);
        found.Document.ShouldBe(nameof(UserAccount));
        found.StreamId.ShouldBe(olga);
        found.Fields.ShouldBe(["Roles[1]"]);
        found.Detail.ShouldContain("edited in the table");
    }

    [Fact]
    public async Task DocumentTamper_EnvironmentTrustLevelAndVnfSensitivityEdited_AreBothReported()
    {
        await _database.AsAdministratorAsync(
            $"update {Table<ExecutionEnvironment>()} set data = jsonb_set(data, '{{TrustLevel}}', '\"High\"') where id = '{_world.Edge}';" +
            $"update {Table<Vnf>()} set data = jsonb_set(data, '{{Components,2,Sensitivity}}', '\"Public\"') where id = '{_world.Vnf}'");

        var report = await _log.VerifyAsync();

        report.BreaksFound.ShouldBe(2);
        var environment = report.Breaks.Single(b => b.Document == nameof(ExecutionEnvironment));
        environment.StreamId.ShouldBe(_world.Edge);
        environment.Fields.ShouldBe(["TrustLevel"]);
        var vnf = report.Breaks.Single(b => b.Document == nameof(Vnf));
        vnf.StreamId.ShouldBe(_world.Vnf);
        vnf.Fields.ShouldNotBeNull().ShouldContain("Components[2].Sensitivity");
    }

    [Fact]
    public async Task DocumentTamper_DocumentInsertedWithoutEvents_IsReported()
    {
        var forged = Guid.NewGuid();
        await _database.InsertDocumentCopyAsync(Table<TrustDomain>(), _world.PartnerDomain, forged, "jsonb_set(data, '{Name}', '\"Forged\"')");

        await SingleBreakAsync<TrustDomain>(IntegrityBreakKind.DocumentWithoutEvents, forged);
    }

    [Fact]
    public async Task DocumentTamper_DocumentDeletedFromTheTable_IsReportedMissing()
    {
        await _database.AsAdministratorAsync($"delete from {Table<ExecutionEnvironment>()} where id = '{_world.DcB}'");

        await SingleBreakAsync<ExecutionEnvironment>(IntegrityBreakKind.DocumentMissing, _world.DcB);
    }

    [Fact]
    public async Task DocumentTamper_DocumentDeletedBeforeItsCreatingEventIsChained_IsReportedMissing()
    {
        // Verification learns the created streams from the chained events it walks; one created after the chain head
        // (not yet chained) is found by its own query, so deleting its document right away is caught too.
        await using (var session = _log.Store.LightweightSession())
        {
            var created = CreateAccountDecider.Decide(
                new NewAccount("nina", "Nina New", [Roles.NocOperator], ["noc-core"], "hash-of-nina"), null, "test:setup", DateTimeOffset.UtcNow);
            session.Events.StartStream<UserAccount>(UserAccount.IdFor("nina"), created.Events);
            await session.SaveChangesAsync(Ct);
        }

        await _database.AsAdministratorAsync($"delete from {Table<UserAccount>()} where id = '{UserAccount.IdFor("nina")}'");

        var report = await _log.VerifyAsync();

        report.PendingEvents.ShouldBeGreaterThan(0);
        var found = report.Breaks.ShouldHaveSingleItem();
        found.Kind.ShouldBe(IntegrityBreakKind.DocumentMissing);
        found.Document.ShouldBe(nameof(UserAccount));
        found.StreamId.ShouldBe(UserAccount.IdFor("nina"));
    }

    public async ValueTask DisposeAsync()
    {
        if (_log is not null)
            await _log.DisposeAsync();
        await _database.DisposeAsync();
    }
}

using Console.IntegrationTests.Infrastructure;
using Console.IntegrationTests.Workflows.Runtime;
using Console.Workflows.Accounts;
using Console.Workflows.Accounts.Creating;
using Console.Workflows.Audit.Integrity.Verifying;
using Console.Workflows.Common;
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

        await _log.ChainAllAsync();
    }

    private string Table<T>() => ((IDocumentStore)_log.Store).Options.Schema.For<T>();


    [Fact]
    public async Task DocumentTamper_UntouchedDatabase_VerifiesIntact_WithEveryDocumentChecked()
    {
        var report = await _log.VerifyAsync();

        report.Breaks.ShouldBeEmpty();
        report.Intact.ShouldBeTrue();
        // The policy, the account, two trust domains, four environments and two VNFs at least.
        report.DocumentsChecked.ShouldBeGreaterThanOrEqualTo(10);
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
        var table = Table<TrustDomain>();
        await _database.AsAdministratorAsync(
            $"insert into {table} (id, data, mt_dotnet_type, mt_version) select '{forged}', jsonb_set(jsonb_set(data, '{{Id}}', '\"{forged}\"'), '{{Name}}', '\"Forged\"'), " +
            $"mt_dotnet_type, mt_version from {table} where id = '{_world.PartnerDomain}'");

        var report = await _log.VerifyAsync();

        var found = report.Breaks.ShouldHaveSingleItem();
        found.Kind.ShouldBe(IntegrityBreakKind.DocumentWithoutEvents);
        found.Document.ShouldBe(nameof(TrustDomain));
        found.StreamId.ShouldBe(forged);
    }

    [Fact]
    public async Task DocumentTamper_DocumentDeletedFromTheTable_IsReportedMissing()
    {
        await _database.AsAdministratorAsync($"delete from {Table<ExecutionEnvironment>()} where id = '{_world.DcB}'");

        var report = await _log.VerifyAsync();

        var found = report.Breaks.ShouldHaveSingleItem();
        found.Kind.ShouldBe(IntegrityBreakKind.DocumentMissing);
        found.Document.ShouldBe(nameof(ExecutionEnvironment));
        found.StreamId.ShouldBe(_world.DcB);
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

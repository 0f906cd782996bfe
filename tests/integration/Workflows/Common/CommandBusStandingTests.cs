using Console.IntegrationTests.Infrastructure;
using Console.Testing.Workflows.Common;
using Console.Workflows.Accounts;
using Console.Workflows.Accounts.Creating;
using Console.Workflows.Audit.Access;
using Console.Workflows.Audit.Integrity;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.RegisteringTrustDomain;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Common;

/// <summary>
/// An insider with an old session: a page or token signed in before an administrator took a role away (or disabled the
/// account) still carries the old claims until it is revalidated, up to a minute later. The command bus reads the
/// account afresh for every command, so the workflow refuses such a session's very next command, whatever path it came by.
/// </summary>
public sealed class CommandBusStandingTests : IAsyncLifetime
{
    private static readonly Actor Boss = Person("boss", Roles.Administrator);

    private readonly PostgresDatabase _database = new();
    private WorkflowHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Actor Person(string id, params string[] roles) => new(id, id, roles.ToHashSet(StringComparer.Ordinal));

    public async ValueTask InitializeAsync()
    {
        await _database.InitializeAsync();
        _host = await WorkflowHost.StartAsync(_database);
        await using var session = _host.Store.LightweightSession();
        foreach (var (name, role) in new[] { ("boss", Roles.Administrator), ("ada", Roles.Administrator), ("sven", Roles.SecurityOfficer) })
        {
            var created = CreateAccountDecider.Decide(
                new NewAccount(name, name, [role], ["platform-admins"], "hash-of-" + name), null, "test:setup", DateTimeOffset.UtcNow);
            session.Events.StartStream<UserAccount>(UserAccount.IdFor(name), created.Events);
        }

        await session.SaveChangesAsync(Ct);
    }

    private Task<Outcome> IssueAsync(IConsoleCommand command, Actor actor) =>
        _host.With<IConsoleCommandBus, Outcome>(bus => bus.IssueAsync(command, actor, Ct));

    private async Task<UserAccount> AccountAsync(string name)
    {
        await using var query = _host.Store.QuerySession();
        return (await query.LoadAsync<UserAccount>(UserAccount.IdFor(name), Ct)).ShouldNotBeNull();
    }

    private async Task<int> TrustDomainsNamedAsync(string name)
    {
        await using var query = _host.Store.QuerySession();
        return await query.Query<TrustDomain>().CountAsync(d => d.Name == name, Ct);
    }

    private async Task TakeAdministratorAwayFromAdaAsync() =>
        (await IssueAsync(new ChangeAccountRoles("ada", (await AccountAsync("ada")).Version, [Roles.Auditor], "Moved to the audit team"), Boss))
            .Succeeded.ShouldBeTrue();

    /// <summary>
    /// Executions give way while people's commands run (ExecutionShare). An old session must not be a lever to hold
    /// them back: its refused commands do not count as people waiting.
    /// </summary>
    [Fact]
    public async Task OldSession_RefusedCommands_DoNotCountAsPeopleWaiting_ButAStandingAccountsCommandDoes()
    {
        var pressure = _host.Services.GetRequiredService<CommandPressure>();
        var adasOldSession = Person("ada", Roles.Administrator);
        await TakeAdministratorAwayFromAdaAsync();

        var before = pressure.CommandsCounted;
        for (var i = 0; i < 5; i++)
            (await IssueAsync(new RegisterTrustDomain($"Lever {i}", "platform-admins"), adasOldSession)).Succeeded.ShouldBeFalse();
        pressure.CommandsCounted.ShouldBe(before);

        (await IssueAsync(new RegisterTrustDomain("By the boss", "platform-admins"), Boss)).Succeeded.ShouldBeTrue();
        pressure.CommandsCounted.ShouldBe(before + 1);
    }

    [Fact]
    public async Task OldSession_RoleTakenAway_NextCommandRefusedAtOnce_NothingChanges_AndTheHistoryKeepsIt()
    {
        var adasOldSession = Person("ada", Roles.Administrator);
        (await IssueAsync(new RegisterTrustDomain("Before the change", "platform-admins"), adasOldSession)).Succeeded.ShouldBeTrue();
        await TakeAdministratorAwayFromAdaAsync();

        var refused = await IssueAsync(new RegisterTrustDomain("After the change", "platform-admins"), adasOldSession);

        refused.Refusal.ShouldBeRefusalContaining(RefusalKind.Forbidden, "The account ada no longer holds Administrator.");
        refused.Refusal!.Message.ShouldContain("sign in again");
        (await TrustDomainsNamedAsync("After the change")).ShouldBe(0);
        await using var query = _host.Store.QuerySession();
        var recorded = await query.Events.QueryRawEventDataOnly<AccessRefused>().Where(r => r.UserId == "ada").ToListAsync(Ct);
        recorded.ShouldHaveSingleItem().Operation.ShouldBe(nameof(RegisterTrustDomain));
    }

    [Fact]
    public async Task OldSession_DemotedAdministratorGrantsHerselfTheRoleBack_IsRefused()
    {
        await TakeAdministratorAwayFromAdaAsync();

        var regrant = await IssueAsync(
            new ChangeAccountRoles("ada", (await AccountAsync("ada")).Version, [Roles.Administrator, Roles.Auditor], "Undo"), Person("ada", Roles.Administrator));

        regrant.Refusal.ShouldBeRefusalContaining(RefusalKind.Forbidden, "no longer holds Administrator");
        (await AccountAsync("ada")).Roles.ShouldBe([Roles.Auditor]);
    }

    [Fact]
    public async Task OldSession_OfADisabledAccount_IsRefused_AndAGroupTakenAwayIsRefusedToo()
    {
        (await IssueAsync(new SetAccountDisabled("ada", (await AccountAsync("ada")).Version, true, "Left the company"), Boss)).Succeeded.ShouldBeTrue();

        (await IssueAsync(new RegisterTrustDomain("Disabled", "platform-admins"), Person("ada", Roles.Administrator))).Refusal
            .ShouldBeRefusalContaining(RefusalKind.Forbidden, "The account ada is disabled.");
        var bossInAGroupSheNeverHad = Person("boss", Roles.Administrator) with { Groups = new HashSet<string> { "noc-core" } };
        (await IssueAsync(new RegisterTrustDomain("Group", "platform-admins"), bossInAGroupSheNeverHad)).Refusal
            .ShouldBeRefusalContaining(RefusalKind.Forbidden, "The account boss is no longer in noc-core.");
        (await TrustDomainsNamedAsync("Disabled") + await TrustDomainsNamedAsync("Group")).ShouldBe(0);
    }

    [Fact]
    public async Task OldSession_OfASecurityOfficerMovedToOperations_MayNoLongerSignACheckpointOrVerifyTheLog()
    {
        var svensOldSession = Person("sven", Roles.SecurityOfficer);
        (await IssueAsync(new ChangeAccountRoles("sven", (await AccountAsync("sven")).Version, [Roles.NocOperator], "Moved to operations"), Boss))
            .Succeeded.ShouldBeTrue();

        var checkpoint = await _host.With<IIntegrityService, CheckpointOutcome>(s => s.CheckpointNowAsync(svensOldSession, Ct));
        var verification = await _host.With<IIntegrityService, VerificationOutcome>(s => s.VerifyAsync(svensOldSession, null, Ct));

        checkpoint.Refusal.ShouldBeRefusalContaining(RefusalKind.Forbidden, "The account sven no longer holds SecurityOfficer.");
        verification.Refusal.ShouldBeRefusalContaining(RefusalKind.Forbidden, "The account sven no longer holds SecurityOfficer.");
    }

    [Fact]
    public async Task CurrentSession_AndAPersonWithoutABuiltInAccount_AreJudgedByTheirClaimsAsBefore()
    {
        (await IssueAsync(new RegisterTrustDomain("By the boss", "platform-admins"), Boss)).Succeeded.ShouldBeTrue();
        // Microsoft Entra ID people have no built-in account: their token's roles are checked where it is issued.
        (await IssueAsync(new RegisterTrustDomain("By an Entra admin", "platform-admins"), Person("oid-123@tid-456", Roles.Administrator)))
            .Succeeded.ShouldBeTrue();
        (await TrustDomainsNamedAsync("By the boss") + await TrustDomainsNamedAsync("By an Entra admin")).ShouldBe(2);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
        await _database.DisposeAsync();
    }
}

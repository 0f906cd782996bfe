using System.Security.Claims;
using Console.IntegrationTests.Infrastructure;
using Console.Web.Identity;
using Console.Web.Security;
using Console.Workflows.Accounts;
using Console.Workflows.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Web.Security;

/// <summary>The built-in directory check on real PostgreSQL: its cache may delay a revocation, never refuse a grant.</summary>
public sealed class BuiltInDirectoryCheckTests : IAsyncLifetime
{
    private static readonly Actor Admin = new("admin", "Ada Admin", new HashSet<string> { Roles.Administrator });

    private readonly PostgresDatabase _database = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 22, 0, 0, TimeSpan.Zero));
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"users-{Guid.NewGuid():N}.tsv");
    private BuiltInDirectoryCheck _check = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _database.InitializeAsync();
        await File.WriteAllTextAsync(_file, "username\tdisplay_name\trole\tpassword\nolga\tOlga Operator\tNocOperator\tOlga#2026\n", Ct);
        var directory = new UserDirectory(_database.Store, _time, TestSecondFactorSecrets.Create(), NullLogger<UserDirectory>.Instance);
        (await directory.SeedDemoUsersAsync(_file, Ct)).ShouldBe(1);
        _check = new BuiltInDirectoryCheck(directory, new ConfigurationBuilder().Build(), _time);
    }

    private static ClaimsPrincipal Session(params string[] roles) =>
        new(new ClaimsIdentity([new Claim("sub", "olga"), .. roles.Select(r => new Claim(ClaimTypes.Role, r))], "test"));

    [Fact]
    public async Task Check_NewSessionWithARoleGrantedAfterTheAccountWasCached_IsAllowedAtOnce()
    {
        (await _check.CheckAsync(Session(Roles.NocOperator), Ct)).Allowed.ShouldBeTrue();
        var changed = await new AccountChanges(_database.Store, _time).IssueAsync(
            new ChangeAccountRoles("olga", 1, [Roles.NocOperator, Roles.Auditor], "Joins the audit rota"), Admin, Ct);
        changed.Succeeded.ShouldBeTrue(changed.Refusal?.Message);

        // Within the cache's 30 s: the cached account lacks the new role, the directory has it.
        var verdict = await _check.CheckAsync(Session(Roles.NocOperator, Roles.Auditor), Ct);

        verdict.Allowed.ShouldBeTrue(verdict.Reason);
    }

    [Fact]
    public async Task Check_SessionWithARoleTheAccountNeverHad_IsRefusedNamingIt()
    {
        var verdict = await _check.CheckAsync(Session(Roles.NocOperator, Roles.Administrator), Ct);

        verdict.Allowed.ShouldBeFalse();
        verdict.Reason.ShouldBe("The account olga no longer holds Administrator.");
    }

    public async ValueTask DisposeAsync()
    {
        File.Delete(_file);
        await _database.DisposeAsync();
    }
}

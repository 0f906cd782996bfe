using Console.IntegrationTests.Infrastructure;
using Console.Web.Identity;
using Console.Workflows.Accounts;
using Console.Workflows.Common;
using Marten;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Web.Identity;

/// <summary>The built-in provider's directory on real PostgreSQL: accounts are event streams, sign-in reads their projection.</summary>
public sealed class UserDirectoryTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);
    private static readonly Actor Admin = new("admin", "Ada Admin", new HashSet<string> { Roles.Administrator });

    private readonly PostgresDatabase _database = new();
    private readonly FakeTimeProvider _time = new(Start);
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"users-{Guid.NewGuid():N}.tsv");
    private UserDirectory _directory = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _database.InitializeAsync();
        await File.WriteAllTextAsync(_file,
            "username\tdisplay_name\trole\tpassword\tgroups\nolga\tOlga Operator\tNocOperator\tOlga#2026\tnoc-core\nadmin\tAda Admin\tAdministrator\tAdmin#2026\n", Ct);
        _directory = new UserDirectory(_database.Store, _time, TestSecondFactorSecrets.Create(), NullLogger<UserDirectory>.Instance);
        (await _directory.SeedDemoUsersAsync(_file, Ct)).ShouldBe(2);
    }

    [Fact]
    public async Task Seeding_RecordsEachAccountAsAnEvent_WithWhoAndWhen_AndNoPasswordHash()
    {
        await using var session = _database.Store.QuerySession();
        var events = await session.Events.FetchStreamAsync(UserAccount.IdFor("olga"), token: Ct);

        var created = events.ShouldHaveSingleItem().Data.ShouldBeOfType<AccountCreated>();
        (created.UserName, created.By, created.At).ShouldBe(("olga", UserDirectory.SeededBy, Start));
        created.Roles.ShouldBe([Roles.NocOperator]);
        var credential = (await session.LoadAsync<AccountCredential>(created.AccountId, Ct)).ShouldNotBeNull();
        created.PasswordDigest.ShouldBe(UserAccount.DigestOf(credential.PasswordHash));
        events.Single().Data.ToString()!.ShouldNotContain(credential.PasswordHash);
    }

    [Fact]
    public async Task ChangeRoles_IsRecordedWithWhoAndWhen_AndTheDirectoryReadsTheProjectedRoles()
    {
        _time.Advance(TimeSpan.FromHours(1));
        var outcome = await new AccountChanges(_database.Store, _time).IssueAsync(
            new ChangeAccountRoles("olga", 1, [Roles.Auditor], "Joins the audit team"), Admin, Ct);
        outcome.Succeeded.ShouldBeTrue(outcome.Refusal?.Message);

        var olga = (await _directory.FindAsync("olga", Ct)).ShouldNotBeNull();
        olga.Roles.ShouldBe([Roles.Auditor]);
        olga.Account.Version.ShouldBe(2);
        await using var query = _database.Store.QuerySession();
        var changed = (await query.Events.FetchStreamAsync(olga.Account.Id, token: Ct))[^1].Data.ShouldBeOfType<AccountRolesChanged>();
        (changed.By, changed.At, changed.Reason).ShouldBe(("admin", Start.AddHours(1), "Joins the audit team"));
        changed.PreviousRoles.ShouldBe([Roles.NocOperator]);
        (await _directory.VerifyAsync("olga", "Olga#2026", Ct)).ShouldNotBeNull().Roles.ShouldBe([Roles.Auditor]);
    }

    [Fact]
    public async Task SignIn_OfADisabledAccount_IsRefused_AndTheLastSignInIsKeptOutOfTheLog()
    {
        (await _directory.VerifyAsync("olga", "Olga#2026", Ct)).ShouldNotBeNull().LastSignInAt.ShouldBe(Start);
        (await new AccountChanges(_database.Store, _time).IssueAsync(new SetAccountDisabled("olga", 1, true, "Left the team"), Admin, Ct))
            .Succeeded.ShouldBeTrue();

        (await _directory.VerifyAsync("olga", "Olga#2026", Ct)).ShouldBeNull();
        await using var query = _database.Store.QuerySession();
        (await query.Events.FetchStreamAsync(UserAccount.IdFor("olga"), token: Ct)).Select(e => e.Data.GetType().Name)
            .ShouldBe([nameof(AccountCreated), nameof(AccountDisabled)]);
    }

    [Fact]
    public async Task DocumentTamper_PasswordHashReplacedInTheTable_SignsNobodyIn()
    {
        var forged = new PasswordHasher<UserAccount>().HashPassword(null!, "Chosen#2026");
        await using (var session = _database.Store.LightweightSession())
        {
            var credential = (await session.LoadAsync<AccountCredential>(UserAccount.IdFor("admin"), Ct)).ShouldNotBeNull();
            credential.PasswordHash = forged;
            session.Store(credential);
            await session.SaveChangesAsync(Ct);
        }

        (await _directory.VerifyAsync("admin", "Chosen#2026", Ct)).ShouldBeNull();
        (await _directory.VerifyAsync("olga", "Olga#2026", Ct)).ShouldNotBeNull();
    }

    public async ValueTask DisposeAsync()
    {
        File.Delete(_file);
        await _database.DisposeAsync();
    }
}

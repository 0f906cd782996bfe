using System.Text.Json;
using Console.IntegrationTests.Infrastructure;
using Console.Web.Identity;
using Console.Workflows.Accounts;
using Console.Workflows.Accounts.Migrating;
using Console.Workflows.Common;
using Marten;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Web.Identity;

/// <summary>
/// A database from before event-sourced accounts, on real PostgreSQL: its console_user rows (made here as the schema's
/// owner, as the old console's migration did) become account streams at start-up, once.
/// </summary>
public sealed class LegacyUserMigrationTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 21, 0, 0, TimeSpan.Zero);
    private static readonly string[] OlgaRoles = [Roles.NocOperator, Roles.NocApprover];
    private static readonly string[] OlgaGroups = ["noc-core"];
    private static readonly string[] VicRoles = [Roles.SecurityOfficer];

    private readonly PostgresDatabase _database = new();
    private readonly FakeTimeProvider _time = new(Start);
    private LegacyUserMigration _migration = null!;
    private UserDirectory _directory = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _database.InitializeAsync();
        var hasher = new PasswordHasher<UserAccount>();
        var schema = _database.Store.Options.DatabaseSchemaName;
        await using var owner = new NpgsqlConnection(_database.OwnerConnectionString);
        await owner.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            $"create table {schema}.{LegacyUserMigration.LegacyTable} (id varchar not null primary key, data jsonb not null, " +
            "mt_last_modified timestamptz default now(), mt_version uuid not null default gen_random_uuid(), mt_dotnet_type varchar);" +
            $"insert into {schema}.{LegacyUserMigration.LegacyTable} (id, data) values (@olgaId, @olga::jsonb), (@vicId, @vic::jsonb)", owner);
        command.Parameters.AddWithValue("olgaId", "olga");
        command.Parameters.AddWithValue("olga", JsonSerializer.Serialize(new
        {
            Id = "olga", DisplayName = "Olga Operator", Roles = OlgaRoles, Groups = OlgaGroups,
            PasswordHash = hasher.HashPassword(null!, "Olga#2026"), Disabled = false, CreatedAt = Start.AddYears(-1),
            LastSignInAt = Start.AddDays(-2),
        }));
        command.Parameters.AddWithValue("vicId", "vic");
        command.Parameters.AddWithValue("vic", JsonSerializer.Serialize(new
        {
            Id = "vic", DisplayName = "Vic Gone", Roles = VicRoles, Groups = Array.Empty<string>(),
            PasswordHash = hasher.HashPassword(null!, "Vic#2026"), Disabled = true, CreatedAt = Start.AddYears(-1),
        }));
        await command.ExecuteNonQueryAsync(Ct);
        _migration = new LegacyUserMigration(_database.Store, _time, NullLogger<LegacyUserMigration>.Instance);
        _directory = new UserDirectory(_database.Store, _time, TestSecondFactorSecrets.Create(), NullLogger<UserDirectory>.Instance);
    }

    [Fact]
    public async Task Migrate_LegacyRows_BecomeAccountStreamsMigratedByTheSystem_AndTheirPeopleSignInAsBefore()
    {
        (await _migration.MigrateAsync(Ct)).ShouldBe(2);

        await using var session = _database.Store.QuerySession();
        var olgaEvents = await session.Events.FetchStreamAsync(UserAccount.IdFor("olga"), token: Ct);
        var created = olgaEvents.ShouldHaveSingleItem().Data.ShouldBeOfType<AccountCreated>();
        (created.By, created.At).ShouldBe((MigrateLegacyUserDecider.By, Start));
        created.Roles.ShouldBe([Roles.NocOperator, Roles.NocApprover]);
        var vicEvents = await session.Events.FetchStreamAsync(UserAccount.IdFor("vic"), token: Ct);
        vicEvents.Select(e => e.Data.GetType()).ShouldBe([typeof(AccountCreated), typeof(AccountDisabled)]);

        var olga = (await _directory.VerifyAsync("olga", "Olga#2026", Ct)).ShouldNotBeNull();
        olga.Roles.ShouldBe([Roles.NocOperator, Roles.NocApprover]);
        olga.Groups.ShouldBe(["noc-core"]);
        (await _directory.VerifyAsync("olga", "wrong", Ct)).ShouldBeNull();
        (await _directory.VerifyAsync("vic", "Vic#2026", Ct)).ShouldBeNull();
        (await _directory.FindAsync("vic", Ct)).ShouldNotBeNull().Disabled.ShouldBeTrue();
    }

    [Fact]
    public async Task Migrate_SecondStart_CreatesNothing_AndTheDemoSeedLeavesTheMigratedDirectoryAlone()
    {
        (await _migration.MigrateAsync(Ct)).ShouldBe(2);
        _time.Advance(TimeSpan.FromMinutes(5));

        (await _migration.MigrateAsync(Ct)).ShouldBeNull("the migration is made once per database");

        await using var session = _database.Store.QuerySession();
        (await session.Events.FetchStreamAsync(UserAccount.IdFor("olga"), token: Ct)).Count.ShouldBe(1);
        var file = Path.Combine(Path.GetTempPath(), $"users-{Guid.NewGuid():N}.tsv");
        await File.WriteAllTextAsync(file, "username\tdisplay_name\trole\tpassword\nadmin\tAda Admin\tAdministrator\tAdmin#2026\n", Ct);
        try
        {
            (await _directory.SeedDemoUsersAsync(file, Ct)).ShouldBe(0);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// The insider's way in: a database owner adds a console_user row with a powerful role after the migration was made
    /// and restarts the console. The row is never read again: no account, no sign-in, and the log says when the
    /// migration was made and how many accounts it made.
    /// </summary>
    [Fact]
    public async Task Migrate_ARowInsertedAfterTheMigration_IsNeverMadeAnAccount_HoweverOftenTheConsoleRestarts()
    {
        (await _migration.MigrateAsync(Ct)).ShouldBe(2);
        await using (var owner = new NpgsqlConnection(_database.OwnerConnectionString))
        {
            await owner.OpenAsync(Ct);
            await using var insert = new NpgsqlCommand(
                $"insert into {_database.Store.Options.DatabaseSchemaName}.{LegacyUserMigration.LegacyTable} (id, data) values ('mallory', @mallory::jsonb)", owner);
            insert.Parameters.AddWithValue("mallory", JsonSerializer.Serialize(new
            {
                Id = "mallory", DisplayName = "Mallory", Roles = new[] { Roles.Administrator, Roles.SecurityOfficer },
                Groups = Array.Empty<string>(), PasswordHash = new PasswordHasher<UserAccount>().HashPassword(null!, "Mallory#2026"), Disabled = false,
            }));
            await insert.ExecuteNonQueryAsync(Ct);
        }

        _time.Advance(TimeSpan.FromMinutes(5));
        (await _migration.MigrateAsync(Ct)).ShouldBeNull();
        (await _migration.MigrateAsync(Ct)).ShouldBeNull();

        (await _directory.FindAsync("mallory", Ct)).ShouldBeNull();
        (await _directory.VerifyAsync("mallory", "Mallory#2026", Ct)).ShouldBeNull();
        await using var session = _database.Store.QuerySession();
        (await session.Events.FetchStreamStateAsync(UserAccount.IdFor("mallory"), Ct)).ShouldBeNull();
        var recorded = (await session.Events.FetchStreamAsync(MigrateLegacyUserDecider.StreamId, token: Ct))
            .ShouldHaveSingleItem().Data.ShouldBeOfType<LegacyAccountsMigrated>();
        (recorded.Accounts, recorded.By, recorded.At).ShouldBe((2, MigrateLegacyUserDecider.By, Start));
    }

    [Fact]
    public async Task Migrate_DatabaseWithoutTheLegacyTable_DoesNothing()
    {
        await using (var owner = new NpgsqlConnection(_database.OwnerConnectionString))
        {
            await owner.OpenAsync(Ct);
            await using var drop = new NpgsqlCommand(
                $"drop table {_database.Store.Options.DatabaseSchemaName}.{LegacyUserMigration.LegacyTable}", owner);
            await drop.ExecuteNonQueryAsync(Ct);
        }

        (await _migration.MigrateAsync(Ct)).ShouldBe(0);
        await using var session = _database.Store.QuerySession();
        (await session.Query<UserAccount>().AnyAsync(Ct)).ShouldBeFalse();
    }

    public async ValueTask DisposeAsync() => await _database.DisposeAsync();
}

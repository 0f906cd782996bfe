using System.Net;
using System.Net.Http.Headers;
using Console.IntegrationTests.Infrastructure;
using Console.Workflows.Audit.Integrity.Tree;
using Npgsql;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Web.Hosting;

/// <summary>
/// The single-role set-up (no ConnectionStrings:ConsoleOwner): the console's one role owns an empty database and makes the
/// whole schema itself at start, the audit tree's level record included, then serves as it does with an owner.
/// </summary>
public sealed class ConsoleDatabaseTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new() { Migrated = false };
    private readonly string _keys = Path.Combine(Path.GetTempPath(), "console-single-role-" + Guid.NewGuid().ToString("N"));
    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>? _console;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await _database.InitializeAsync();

    [Fact]
    public async Task SingleRole_AnEmptyDatabase_TheConsoleMakesItsSchemaAndTheTreeRecord_SignsPeopleInAndServesTheApi()
    {
        (await ScalarAsync<long>("select count(*) from information_schema.tables where table_schema = 'public'")).ShouldBe(0);

        _console = ConsoleWebApp.Node(_database, _keys,
        [
            ("ConnectionStrings:Console", _database.OwnerConnectionString),
            ("ConnectionStrings:ConsoleOwner", ""),
        ]);
        using var browser = _console.CreateClient();

        using (var health = await browser.GetAsync("/health", Ct))
            health.StatusCode.ShouldBe(HttpStatusCode.OK);
        // The level record the owner's migration writes with an owner configured, written here by the one role.
        (await ScalarAsync<int>("select stored_from_level from audit_tree_layout")).ShouldBe(MerkleTreeStore.StoredFromLevel);
        (await ScalarAsync<long>("select subtrees_kept from audit_tree_layout")).ShouldBe(0);
        (await ScalarAsync<long>("select count(*) from mt_events")).ShouldBeGreaterThan(0, "the demo data is seeded through the one role");

        var token = await SignInFlow.AccessTokenAsync(_console.CreateClient(), "auditor", "Auditor!2026");
        using var api = _console.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var requests = await api.GetAsync("/api/requests", Ct);
        requests.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(_database.OwnerConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }

    public async ValueTask DisposeAsync()
    {
        if (_console is not null)
            await _console.DisposeAsync();
        await _database.DisposeAsync();
        if (Directory.Exists(_keys))
            Directory.Delete(_keys, recursive: true);
    }
}

using Npgsql;

namespace Console.E2ETests.Infrastructure;

/// <summary>
/// A fresh database on the test PostgreSQL for a console of the browser tests, made as scripts/run makes it: owned by
/// the owner role, which migrates it at start-up, while the console runs as the runtime role. Also the settings of a
/// demo console on it (demo data and people, the built-in provider), which every node of a test installation shares.
/// </summary>
public sealed record ConsoleDatabase(string Name, string ConnectionString, string OwnerConnectionString, string AdminConnectionString)
{
    public static async Task<ConsoleDatabase> CreateAsync(string prefix)
    {
        var admin = TestEnvironment.Require("CONSOLE_TEST_PG");
        var name = prefix + Guid.NewGuid().ToString("N")[..12];
        var owner = new NpgsqlConnectionStringBuilder(TestEnvironment.Require("CONSOLE_TEST_PG_OWNER")) { Database = name };
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            await using var create = new NpgsqlCommand($"create database {name} owner \"{owner.Username}\"", conn);
            await create.ExecuteNonQueryAsync();
        }

        return new ConsoleDatabase(
            name,
            new NpgsqlConnectionStringBuilder(TestEnvironment.Require("CONSOLE_TEST_PG_RUNTIME")) { Database = name }.ConnectionString,
            owner.ConnectionString,
            new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString);
    }

    public static async Task DropAsync(string name)
    {
        await using var conn = new NpgsqlConnection(TestEnvironment.Require("CONSOLE_TEST_PG"));
        await conn.OpenAsync();
        await using var drop = new NpgsqlCommand($"drop database if exists {name} with (force)", conn);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// The demo console's settings (environment variables) on <paramref name="database"/>, reached at
    /// <paramref name="publicOrigin"/>, with its key files in <paramref name="keyFolder"/> (nodes of one installation share it).
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> DemoSettings(
        ConsoleDatabase database, string publicOrigin, string keyFolder, string durabilityMode)
    {
        ArgumentNullException.ThrowIfNull(database);
        var root = TestRepository.Root;
        // A configured checkpoint key must exist (only the default location is generated): make one, as an operator would.
        Directory.CreateDirectory(keyFolder);
        var checkpointKey = Path.Combine(keyFolder, "audit-checkpoint-key.pem");
        if (!File.Exists(checkpointKey))
        {
            using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
            File.WriteAllText(checkpointKey, key.ExportECPrivateKeyPem());
        }

        return
        [
            new("ConnectionStrings__Console", database.ConnectionString),
            new("ConnectionStrings__ConsoleOwner", database.OwnerConnectionString),
            new("Console__PublicOrigin", publicOrigin),
            new("Console__SeedDemoData", "true"),
            new("Console__DemoUsersFile", Path.Combine(root, "infra", "demo", "users.tsv")),
            // The demo inventory's environments are enrolled at start-up by two demo people, as scripts/run does.
            new("Attestation__Enrolment__DemoProposer", "admin"),
            new("Attestation__Enrolment__DemoApprover", "security"),
            new("Serilog__MinimumLevel__Default", "Warning"),
            new("Workflow__DurabilityMode", durabilityMode),
            // Every browser here signs in from 127.0.0.1; the per-client sign-in limit is tested in-process instead.
            new("Console__SignIn__PerClientPerMinute", "1000"),
            new("Keys__Folder", keyFolder),
            new("Audit__SigningKeyFile", checkpointKey),
        ];
    }
}

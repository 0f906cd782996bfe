using Console.Web.Hosting;
using Console.Workflows;
using Console.Workflows.Database;
using Console.Workflows.Inventory;
using JasperFx;
using Marten;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Xunit;

namespace Console.IntegrationTests.Infrastructure;

/// <summary>
/// A fresh, uniquely named PostgreSQL database per test class, owned by the schema owner role and migrated by it as the
/// console migrates (<see cref="OwnerMigration"/>), with the console's Marten store on it as the unprivileged runtime
/// role, as in production; dropped when the class is done. The server comes from CONSOLE_TEST_PG (the superuser),
/// CONSOLE_TEST_PG_OWNER and CONSOLE_TEST_PG_RUNTIME, which scripts/test sets.
/// </summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    public const string Variable = "CONSOLE_TEST_PG";

    public const string OwnerVariable = "CONSOLE_TEST_PG_OWNER";

    public const string RuntimeVariable = "CONSOLE_TEST_PG_RUNTIME";

    private string? _adminConnectionString;

    public string DatabaseName { get; } = $"console_test_{Guid.NewGuid():N}";

    /// <summary>The console's runtime role (vnf_console) on this database: what the console itself may do.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>The schema owner (vnf_owner) on this database.</summary>
    public string OwnerConnectionString { get; private set; } = string.Empty;

    /// <summary>The cluster's superuser on this database: for tests that act as a database administrator (tampering).</summary>
    public string AdminConnectionString { get; private set; } = string.Empty;

    public DocumentStore Store { get; private set; } = null!;

    /// <summary>False: the database is left empty, for a console that creates its schema itself (the single-role set-up).</summary>
    public bool Migrated { get; init; } = true;

    public async ValueTask InitializeAsync()
    {
        _adminConnectionString = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(_adminConnectionString))
            throw new InvalidOperationException(
                $"{Variable} is not set, so the integration tests have no PostgreSQL server. Run them through scripts/test, "
                + $"which starts the private test cluster and sets {Variable}.");

        OwnerConnectionString = OnThisDatabase(Require(OwnerVariable));
        ConnectionString = OnThisDatabase(Require(RuntimeVariable));
        AdminConnectionString = OnThisDatabase(_adminConnectionString);
        var owner = new NpgsqlConnectionStringBuilder(OwnerConnectionString).Username;
        await using (var admin = new NpgsqlConnection(_adminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{DatabaseName}\" OWNER \"{owner}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        if (Migrated)
        {
            await OwnerMigration.MigrateAsync(OwnerConnectionString, ConnectionString, new ConfigurationBuilder().Build(), (opts, connection) =>
            {
                ConsoleDatabase.Configure(opts, connection);
                opts.AutoCreateSchemaObjects = AutoCreate.All;
            });
        }

        Store = DocumentStore.For(ConfigureMarten);
    }

    /// <summary>
    /// The insider: this database's superuser with triggers off for the session, which the console's own role may not
    /// do (LeastPrivilege_ tests). Tamper tests edit tables through here.
    /// </summary>
    public async Task AsAdministratorAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"set session_replication_role = replica; {sql}", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// As a database administrator, inserts into document table <paramref name="table"/> a copy of the row
    /// <paramref name="copyOf"/> under the id <paramref name="forged"/> (in the row and in its JSON), its JSON first
    /// given by <paramref name="data"/> (an SQL expression over the copied row's <c>data</c>): a forged document.
    /// </summary>
    public Task InsertDocumentCopyAsync(string table, Guid copyOf, Guid forged, string data = "data") =>
        AsAdministratorAsync(
            $"insert into {table} (id, data, mt_dotnet_type, mt_version) select '{forged}', jsonb_set({data}, '{{Id}}', '\"{forged}\"'), " +
            $"mt_dotnet_type, mt_version from {table} where id = '{copyOf}'");

    private string OnThisDatabase(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Database = DatabaseName }.ConnectionString;

    private static string Require(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{variable} is not set, so the integration tests have no database roles. Run them through scripts/test, which " +
                $"sets up the roles with infra/postgres/cluster.sh and sets {variable}.");

    /// <summary>The same Marten configuration the application uses, on this test database.</summary>
    public void ConfigureMarten(StoreOptions opts)
    {
        ConsoleDatabase.Configure(opts, ConnectionString);
        opts.AutoCreateSchemaObjects = AutoCreate.All;
    }

    public async ValueTask DisposeAsync()
    {
        if (Store is not null)
            await Store.DisposeAsync();
        if (string.IsNullOrWhiteSpace(_adminConnectionString) || ConnectionString.Length == 0)
            return;

        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(_adminConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{DatabaseName}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}

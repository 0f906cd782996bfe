using Console.Nfv.Simulator;
using Console.Workflows;
using Console.Workflows.Inventory;
using JasperFx;
using Marten;
using Npgsql;
using Xunit;

namespace Console.UnitTests.Infrastructure;

/// <summary>
/// A fresh, uniquely named PostgreSQL database per test class, with the inventory's Marten store on it; dropped when
/// the class is done. The server comes from CONSOLE_TEST_PG (an admin connection string), which scripts/test sets.
/// </summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    public const string Variable = "CONSOLE_TEST_PG";

    private string? _adminConnectionString;

    public string DatabaseName { get; } = $"console_test_{Guid.NewGuid():N}";

    public string ConnectionString { get; private set; } = string.Empty;

    public DocumentStore Store { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _adminConnectionString = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(_adminConnectionString))
            throw new InvalidOperationException(
                $"{Variable} is not set, so the integration tests have no PostgreSQL server. Run them through scripts/test, "
                + $"which starts the private test cluster and sets {Variable}.");

        await using (var admin = new NpgsqlConnection(_adminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{DatabaseName}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = DatabaseName }.ConnectionString;
        Store = DocumentStore.For(ConfigureMarten);
        await Store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
    }

    /// <summary>The same Marten configuration the application uses, on this test database.</summary>
    public void ConfigureMarten(StoreOptions opts)
    {
        opts.ConfigureConsoleStore(ConnectionString).AddNfvSimulator();
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

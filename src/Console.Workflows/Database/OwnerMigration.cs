using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Wolverine.Persistence.Durability;

namespace Console.Workflows.Database;

/// <summary>
/// Creates and migrates the console's schema as the owner role, then grants the runtime role what it needs
/// (<see cref="RuntimeGrants"/>). The console then runs as the runtime role, which could not have created the schema:
/// Marten's documents and events, the audit tables and the rewrite guard, and Wolverine's envelope tables. The store is
/// configured exactly as the runtime's (same registration, only the connection differs), so nothing is left to create
/// lazily at run time.
/// </summary>
public static class OwnerMigration
{
    /// <param name="configureStore">The runtime's store configuration, given the connection string to use.</param>
    /// <param name="createOthers">Creates the host's other tables (the sign-in provider's) as the owner, before the grants.</param>
    public static async Task MigrateAsync(
        string ownerConnectionString, string runtimeConnectionString, IConfiguration configuration,
        Action<StoreOptions, string> configureStore, Func<string, CancellationToken, Task>? createOthers = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(configureStore);
        var runtimeRole = new NpgsqlConnectionStringBuilder(runtimeConnectionString).Username;
        var ownerRole = new NpgsqlConnectionStringBuilder(ownerConnectionString).Username;
        if (string.IsNullOrWhiteSpace(runtimeRole) || string.Equals(runtimeRole, ownerRole, StringComparison.Ordinal))
            throw new InvalidOperationException(
                "ConnectionStrings:Console and ConnectionStrings:ConsoleOwner name the same role: the console must run as a role that " +
                "owns nothing (README, \"Database roles\").");

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // No time limit for the migration's statements: building an index over millions of rows (the dashboard's
        // partial indexes at 10M snapshots took about 95 s) must not fail the start-up at the default 30 s.
        var migrationConnection = new NpgsqlConnectionStringBuilder(ownerConnectionString) { CommandTimeout = 0 }.ConnectionString;
        builder.Services.AddConsoleWorkflowHost(builder.Configuration, opts => configureStore(opts, migrationConnection));

        // Built, never started: nothing runs as the owner but the migration itself.
        using var host = builder.Build();
        var store = host.Services.GetRequiredService<IDocumentStore>();
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await host.Services.GetRequiredService<IMessageStore>().Admin.MigrateAsync();
        if (createOthers is not null)
            await createOthers(ownerConnectionString, ct);

        await using var owner = new NpgsqlConnection(migrationConnection);
        await owner.OpenAsync(ct);
        await Audit.Integrity.Schema.TreeLevelMigration.ApplyAsync(owner, store.Options.Events.DatabaseSchemaName, ct);
        await RuntimeGrants.ApplyAsync(owner, runtimeRole, store.Options.Events.DatabaseSchemaName, ct);
    }
}

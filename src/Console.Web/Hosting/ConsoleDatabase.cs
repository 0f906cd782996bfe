using Console.Nfv.Qemu.Lab;
using Console.Nfv.Simulator;
using Console.Web.Identity;
using Console.Workflows;
using Console.Workflows.Audit.Integrity.Schema;
using Console.Workflows.Database;
using JasperFx;
using Marten;
using Npgsql;

namespace Console.Web.Hosting;

/// <summary>
/// The console's store as the web host configures it, and its schema migration as the owner role. With
/// ConnectionStrings:ConsoleOwner set, the owner creates and migrates the schema and the console runs as a role that
/// owns nothing (README, "Database roles"); without it, the console's one role must own the schema and creates it.
/// </summary>
public static class ConsoleDatabase
{
    public static void Configure(StoreOptions opts, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(opts);
        opts.ConfigureConsoleStore(connectionString);
        opts.AddNfvSimulator();
        opts.AddNfvLab();
        opts.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
        opts.Schema.For<AccountCredential>().DocumentAlias("account_credential");
        opts.Schema.For<SignInAttempts>().DocumentAlias("sign_in_attempts");
        opts.Schema.For<KeyRingEntry>().DocumentAlias("data_protection_key");
    }

    /// <summary>
    /// The store the console runs on. With an owner configured, the owner migrated the whole configured schema at start
    /// (<see cref="MigrateAsync"/>) and the console's role could not change it anyway, so Marten is told not to check each
    /// document type's tables again the first time this process uses it: those checks read the catalog under one lock
    /// per process that gives up after 5 s, so on a busy node that had just started they queued behind each other, made
    /// the first approvals answer 500 and held up the executions it took over from a killed node (docs/cluster.md).
    /// </summary>
    public static void ConfigureRuntime(StoreOptions opts, ConsoleOptions console)
    {
        ArgumentNullException.ThrowIfNull(console);
        Configure(opts, console.ConnectionString);
        if (console.OwnerConnectionString is not null)
            opts.AutoCreateSchemaObjects = AutoCreate.None;
    }

    /// <summary>Migrates as the owner, when one is configured; the runtime role's store then has nothing left to create.</summary>
    public static async Task MigrateAsync(ConsoleOptions console, IConfiguration configuration, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(console);
        if (console.OwnerConnectionString is { } owner)
            await OwnerMigration.MigrateAsync(owner, console.ConnectionString, configuration, Configure,
                console.UseEntraId ? null : LocalIdentityProvider.CreateTablesAsync, ct);
    }

    /// <summary>The single-role set-up (no owner configured): the console creates its schema itself.</summary>
    public static async Task EnsureSchemaAsync(ConsoleOptions console, IDocumentStore store)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(store);
        if (console.OwnerConnectionString is not null)
            return;
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await using var connection = new NpgsqlConnection(console.ConnectionString);
        await connection.OpenAsync();
        await TreeLevelMigration.ApplyAsync(connection, store.Options.Events.DatabaseSchemaName);
    }
}

using Console.Nfv.Simulator;
using Console.Web.Identity;
using Console.Workflows;
using Console.Workflows.Database;
using JasperFx;
using Marten;

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
        opts.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
        opts.Schema.For<AccountCredential>().DocumentAlias("account_credential");
        opts.Schema.For<SignInAttempts>().DocumentAlias("sign_in_attempts");
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
        if (console.OwnerConnectionString is null)
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
    }
}

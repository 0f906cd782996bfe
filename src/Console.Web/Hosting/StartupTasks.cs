using Console.Nfv.Simulator;
using Console.Web.Identity;
using Console.Workflows.Alerts.Upgrading;
using Console.Workflows.Attestation.Enrolling;
using Console.Workflows.Dashboards;
using Console.Workflows.Dashboards.Seeding;
using Console.Workflows.Inventory.Seeding;
using Console.Workflows.Notifications.Relaying;
using Console.Workflows.Nfv;
using Console.Workflows.Requests;
using Marten;

namespace Console.Web.Hosting;

/// <summary>
/// What must be true before the console takes requests: the schema exists (made by the owner role when configured), the provider knows its client, and on an
/// embedded first start the demo data is there. Each step is idempotent, so a restart changes nothing.
/// </summary>
public static class StartupTasks
{
    public static async Task RunAsync(WebApplication app, ConsoleOptions console, CancellationToken ct = default)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StartupTasks));
        var store = app.Services.GetRequiredService<IDocumentStore>();
        // The owner role (ConnectionStrings:ConsoleOwner) makes the schema before anything runs as the console's role. After
        // the app's host is built, so the migration's own (never started) host is not taken for the app's by test hosts.
        await ConsoleDatabase.MigrateAsync(console, app.Configuration, ct);
        await ConsoleDatabase.EnsureSchemaAsync(console, store);

        if (!console.UseEntraId)
        {
            await LocalIdentityProvider.InitializeAsync(app.Services, console, ct);
            // Before the demo seed, which seeds only an empty directory: a database with console_user rows keeps its people.
            await app.Services.GetRequiredService<LegacyUserMigration>().MigrateAsync(ct);
        }

        // Before the daemon runs: request notices go on where the relay that carried them until 2026-12-05 stopped.
        if (await RequestNoticeRelay.ContinueWhereTheOldRelayStoppedAsync(store, ct))
            logger.LogInformation("Request notices continue from where the {OldRelay} relay stopped", RequestNoticeRelay.OldRelay);

        // A database older than event-sourced alerts gets an event for each alert it stored, once.
        await app.Services.GetRequiredService<AlertUpgrade>().RunAsync(ct);

        // A database older than the dashboards gets their tables built from its events once.
        foreach (var rebuilt in await app.Services.EnsureDashboardProjectionsAsync(ct))
            logger.LogInformation("Dashboard projection {Projection} rebuilt from the events", rebuilt);

        // Every submission is judged by a policy, so one must be in force even without demo data.
        await app.Services.EnsureApprovalPolicyAsync(ct);

        if (console.SeedDemoData)
        {
            if (!console.UseEntraId && !string.IsNullOrWhiteSpace(console.DemoUsersFile))
            {
                await app.Services.GetRequiredService<UserDirectory>().SeedDemoUsersAsync(console.DemoUsersFile, ct);
            }

            var seeded = await InventorySeed.EnsureSeededAsync(store, app.Services.GetRequiredService<TimeProvider>(), ct);
            logger.LogInformation("Demo inventory: {Outcome}", seeded ? "seeded" : "already present, not seeded again");
            // Before the console takes requests: no execution meets a demo environment that is not enrolled yet.
            var enrolled = await DemoEnrolment.EnrolAllAsync(
                store, app.Services.GetRequiredService<INfvInfrastructure>(), app.Services.GetRequiredService<EnrolmentOptions>(),
                app.Services.GetRequiredService<TimeProvider>(), ct);
            logger.LogInformation("Demo enrolment: {Enrolled} environment(s) proposed and approved by the demo people", enrolled);
            var snapshots = await DemoSnapshotSeed.EnsureSeededAsync(
                store, app.Services.GetRequiredService<TimeProvider>(), NfvRegistration.StoreDemoArtefact, ct);
            logger.LogInformation("Demo snapshots: {Outcome}", snapshots ? "seeded" : "already present, not seeded again");
        }
    }
}

using Console.Nfv.Qemu.Lab;
using Console.Notifications;
using Console.Web.Api;
using Console.Web.Api.History;
using Console.Web.Components;
using Console.Web.Components.Pages.Audit;
using Console.Web.Components.Pages.Dashboards;
using Console.Web.Hosting;
using Console.Web.Identity;
using Console.Web.Security;
using Console.Workflows;
using MudBlazor.Services;

// `audit verify`, `audit export-proof` ...: the command line of the tamper-evident log, before any web host starts.
if (AuditCommandLine.Handles(args))
    return await AuditCommandLine.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);
var console = ConsoleOptions.Read(builder.Configuration);

// MudBlazor's assets come from static web assets; outside Development they are only found when this is on.
builder.WebHost.UseStaticWebAssets();

builder.AddConsoleObservability();
builder.AddConsoleHttpHardening(console);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(console);

builder.Services.AddConsoleWorkflowHost(builder.Configuration, opts => ConsoleDatabase.ConfigureRuntime(opts, console));
// The NFV infrastructure adapter, Nfv:Infrastructure: the built-in simulator (default) or the QEMU lab (real VMs).
builder.Services.AddNfvInfrastructure(builder.Configuration);
// Notification channels (SMTP mail, signed webhooks); unconfigured ones record notices without sending them.
builder.Services.AddNotificationChannels(builder.Configuration);
builder.Services.AddSingleton<UserDirectory>();
builder.Services.AddSingleton<LegacyUserMigration>();
builder.Services.AddSignInThrottling(builder.Configuration);
builder.AddConsoleDataProtection(console);

builder.AddConsoleAuthentication(console);
builder.AddConsoleApi(console);
builder.Services.AddAccessRecording();

builder.Services.AddHealthChecks().AddNpgSql(console.ConnectionString, name: "postgresql", tags: ["db"]);
builder.Services.AddMudServices();
builder.Services.AddRazorComponents().AddInteractiveServerComponents();

var app = builder.Build();

await StartupTasks.RunAsync(app, console);

app.UseConsoleHttpHardening();
app.UseExceptionHandler("/error", createScopeForErrors: true);
if (!console.PublicOriginIsLoopback)
{
    app.UseHsts();
}

app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseConsoleRequestLogging();
app.UseRateLimiter();
app.UseAuthentication();
app.UseConsoleLogContext();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets().AllowAnonymous();
app.MapHealthChecks("/health").AllowAnonymous();
if (!console.UseEntraId)
{
    app.MapLocalIdentityProvider();
}

app.MapAccountEndpoints();
app.MapConsoleApi();
app.MapSecurityHistory();
app.MapIntegrityDownloads();
app.MapDashboardExports();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Logger.LogInformation("VNF mobility console listening; sign in at {Origin}", console.PublicOrigin);
await app.RunAsync();
return 0;

/// <summary>Entry point; public so integration and e2e tests can reference the assembly.</summary>
public partial class Program;

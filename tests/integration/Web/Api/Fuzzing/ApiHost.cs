using System.Security.Claims;
using System.Text.Encodings.Web;
using Console.IntegrationTests.Infrastructure;
using Console.Web.Security;
using Console.Workflows.Common;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit;

namespace Console.IntegrationTests.Web.Api.Fuzzing;

/// <summary>
/// The whole console (Program.cs: every endpoint, middleware, the workflow, Marten) in memory on its own test database,
/// with demo data. Bearer tokens are replaced by <see cref="FuzzAuthentication"/>: the fuzz aims at what the endpoints
/// do with input, so the caller holds every role and reaches every handler, deciders included.
/// </summary>
public sealed class ApiHost : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly string _keyFolder = Path.Combine(Path.GetTempPath(), "vnf-console-fuzz-keys-" + Guid.NewGuid().ToString("N"));

    public PostgresDatabase Database { get; } = new();

    public async ValueTask InitializeAsync()
    {
        await Database.InitializeAsync();
        // Builds and starts the host (start-up tasks: schema, identity, policy, demo data).
        _ = Server;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment("Testing");
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Console"] = Database.ConnectionString,
            ["ConnectionStrings:ConsoleOwner"] = Database.OwnerConnectionString,
            ["Console:PublicOrigin"] = "http://127.0.0.1:5080",
            ["Console:SeedDemoData"] = "true",
            ["Console:DemoUsersFile"] = Path.Combine(TestRepository.Root, "infra", "demo", "users.tsv"),
            ["Serilog:MinimumLevel:Default"] = "Error",
            ["Keys:Folder"] = _keyFolder,
            ["Nfv:Simulator:HeartbeatInterval"] = "00:00:00",
        };
        foreach (var (key, value) in WorkflowHost.TestSettings)
            settings.TryAdd(key, value);
        settings["Keys:Folder"] = _keyFolder;
        foreach (var (key, value) in settings)
            builder.UseSetting(key, value);
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Error));
        builder.ConfigureTestServices(services =>
        {
            services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, FuzzAuthentication>(FuzzAuthentication.SchemeName, null);
            // The fuzz caller stands in for the bearer token; the directory check after it still runs, on a directory
            // that knows the fuzz caller (the fuzz is about input, revocation has tests of its own).
            services.PostConfigure<DirectoryCheckedApiOptions>(AuthenticationSetup.ApiScheme, o => o.TokenScheme = FuzzAuthentication.SchemeName);
            services.AddSingleton<IDirectoryCheck, FuzzCallerDirectory>();
        });
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await base.DisposeAsync();
        await Database.DisposeAsync();
        if (Directory.Exists(_keyFolder))
            Directory.Delete(_keyFolder, recursive: true);
    }
}

/// <summary>
/// Authenticates a request that names <see cref="UserHeader"/> as a person holding every role, with the claims a
/// built-in provider's access token carries; a request without it stays anonymous (401).
/// </summary>
public sealed class FuzzAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Fuzz";
    public const string UserHeader = "X-Fuzz-User";
    public const string UserId = "fuzz-caller";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.ContainsKey(UserHeader))
            return Task.FromResult(AuthenticateResult.NoResult());
        var identity = new ClaimsIdentity(SchemeName, "name", "role");
        identity.AddClaim(new Claim("sub", UserId));
        identity.AddClaim(new Claim("name", "Fuzz Caller"));
        foreach (var role in Roles.All)
            identity.AddClaim(new Claim("role", role));
        foreach (var group in new[] { "noc-core", "noc-operations", "sec-subscriber-data", "platform-admins" })
            identity.AddClaim(new Claim("groups", group));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}

/// <summary>A directory in which only the fuzz caller exists, with every role it claims.</summary>
public sealed class FuzzCallerDirectory : IDirectoryCheck
{
    public Task<DirectoryVerdict> CheckAsync(ClaimsPrincipal principal, CancellationToken ct = default) =>
        Task.FromResult(principal.FindFirst("sub")?.Value == FuzzAuthentication.UserId
            ? DirectoryVerdict.Allow
            : DirectoryVerdict.Refuse("Not in the fuzz directory."));
}

using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit;

namespace Console.UnitTests.Infrastructure;

/// <summary>
/// The whole console in-process (TestServer) on its own fresh PostgreSQL database, with the demo users, for tests of
/// what only the assembled pipeline shows: headers, sign-in, token checks. Subclasses add settings.
/// </summary>
public class ConsoleWebApp : IAsyncLifetime
{
    public const string Origin = "http://localhost";

    private readonly PostgresDatabase _database = new();
    private readonly string _keys = Path.Combine(Path.GetTempPath(), "console-web-tests-" + Guid.NewGuid().ToString("N"));

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public IServiceProvider Services => Factory.Services;

    /// <summary>Settings on top of the embedded defaults.</summary>
    protected virtual IEnumerable<(string Key, string Value)> Settings => [];

    public async ValueTask InitializeAsync()
    {
        await _database.InitializeAsync();
        Directory.CreateDirectory(_keys);
        var checkpointKey = Path.Combine(_keys, "audit-checkpoint-key.pem");
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
            await File.WriteAllTextAsync(checkpointKey, key.ExportECPrivateKeyPem());
        var root = FindRepoRoot();
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Embedded");
            web.UseSetting("ConnectionStrings:Console", _database.ConnectionString);
            web.UseSetting("ConnectionStrings:ConsoleOwner", _database.OwnerConnectionString);
            web.UseSetting("Console:PublicOrigin", Origin);
            web.UseSetting("Console:SeedDemoData", "true");
            web.UseSetting("Console:DemoUsersFile", Path.Combine(root, "infra", "demo", "users.tsv"));
            web.UseSetting("Console:Directory:CacheSeconds", "1");
            web.UseSetting("Serilog:MinimumLevel:Default", "Warning");
            web.UseSetting("Workflow:DurabilityMode", "Solo");
            web.UseSetting("Keys:Folder", _keys);
            web.UseSetting("Audit:SigningKeyFile", checkpointKey);
            foreach (var (key, value) in Settings)
                web.UseSetting(key, value);
            web.ConfigureServices(services => services.AddSingleton<IStartupFilter, ClientAddressFromHeader>());
        });
        Factory.ClientOptions.AllowAutoRedirect = false;
        Factory.ClientOptions.BaseAddress = new Uri(Origin);
        _ = Factory.Server;
    }

    public async ValueTask DisposeAsync()
    {
        if (Factory is not null)
            await Factory.DisposeAsync();
        await _database.DisposeAsync();
        try
        {
            Directory.Delete(_keys, recursive: true);
        }
        catch (IOException)
        {
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>A browser-like client: keeps cookies, does not follow redirects.</summary>
    public HttpClient Browser() => Factory.CreateClient();

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Console.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Console.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>TestServer has no client address: a test names one in <see cref="Header"/> (before anything else runs).</summary>
public sealed class ClientAddressFromHeader : IStartupFilter
{
    public const string Header = "X-Test-Client-Address";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            context.Connection.RemoteIpAddress = IPAddress.Parse(context.Request.Headers[Header].FirstOrDefault() ?? "192.0.2.10");
            return nextMiddleware(context);
        });
        next(app);
    };
}

/// <summary>Drives the built-in provider's sign-in page and the vnf-cli code flow (PKCE S256) as a script would.</summary>
public static partial class SignInFlow
{
    public const string CliClientId = "vnf-cli";
    public const string CliRedirectUri = "http://127.0.0.1:8765/callback";

    /// <summary>Posts the sign-in form once; returns the answer (a redirect when signed in, the page again when refused).</summary>
    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient browser, string userName, string password, string returnUrl = "/")
    {
        using var page = await browser.GetAsync("/account/login?ReturnUrl=" + Uri.EscapeDataString(returnUrl));
        var html = await page.Content.ReadAsStringAsync();
        var fields = Hidden(html);
        fields["Input.UserName"] = userName;
        fields["Input.Password"] = password;
        return await browser.PostAsync("/account/login", new FormUrlEncodedContent(fields));
    }

    /// <summary>The text of the refusal shown on the sign-in page, or null when there is none.</summary>
    public static string? LoginError(string html) =>
        LoginErrorPattern().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value.Trim()) : null;

    public static async Task<string> AccessTokenAsync(HttpClient browser, string userName, string password)
    {
        var verifier = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var challenge = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var authorize = AuthorizeUrl(challenge, "S256");

        using (var login = await PostLoginAsync(browser, userName, password, authorize))
        {
            if (login.StatusCode != HttpStatusCode.Redirect)
                throw new InvalidOperationException($"Sign-in as {userName} refused: {LoginError(await login.Content.ReadAsStringAsync())}");
        }

        using var authorized = await browser.GetAsync(authorize);
        var callback = authorized.Headers.Location ?? throw new InvalidOperationException($"authorize answered {authorized.StatusCode}");
        var code = Regex.Match(callback.Query, "[?&]code=([^&]+)").Groups[1].Value;
        using var token = await browser.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = Uri.UnescapeDataString(code),
            ["redirect_uri"] = CliRedirectUri,
            ["client_id"] = CliClientId,
            ["code_verifier"] = verifier,
        }));
        var json = JsonDocument.Parse(await token.Content.ReadAsStringAsync());
        return json.RootElement.TryGetProperty("access_token", out var accessToken)
            ? accessToken.GetString()!
            : throw new InvalidOperationException("No token: " + json.RootElement);
    }

    public static string AuthorizeUrl(string challenge, string? method) =>
        "/connect/authorize?client_id=" + CliClientId + "&response_type=code&redirect_uri=" + Uri.EscapeDataString(CliRedirectUri)
        + "&scope=" + Uri.EscapeDataString("openid profile roles console-api") + "&code_challenge=" + challenge
        + (method is null ? "" : "&code_challenge_method=" + method) + "&state=s1";

    private static Dictionary<string, string> Hidden(string html)
    {
        var fields = new Dictionary<string, string>();
        foreach (Match input in HiddenPattern().Matches(html))
        {
            var name = Regex.Match(input.Value, "name=\"([^\"]+)\"").Groups[1].Value;
            var value = Regex.Match(input.Value, "value=\"([^\"]*)\"").Groups[1].Value;
            fields[name] = WebUtility.HtmlDecode(value);
        }

        return fields;
    }

    [GeneratedRegex("<input[^>]*type=\"hidden\"[^>]*>")]
    private static partial Regex HiddenPattern();

    [GeneratedRegex("data-testid=\"login-error\"[^>]*>([^<]*)<")]
    private static partial Regex LoginErrorPattern();
}

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

namespace Console.IntegrationTests.Infrastructure;

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
        Factory = Node(_database, _keys, Settings);
        _ = Factory.Server;
    }

    /// <summary>
    /// One console on <paramref name="database"/> with its key files in <paramref name="keys"/>: several nodes of one
    /// installation share both.
    /// </summary>
    public static WebApplicationFactory<Program> Node(PostgresDatabase database, string keys, IEnumerable<(string Key, string Value)> settings)
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Embedded");
            foreach (var (key, value) in NodeSettings(database, keys).Concat(settings))
                web.UseSetting(key, value);
            web.ConfigureServices(services => services.AddSingleton<IStartupFilter, ClientAddressFromHeader>());
        });
        factory.ClientOptions.AllowAutoRedirect = false;
        factory.ClientOptions.BaseAddress = new Uri(Origin);
        return factory;
    }

    /// <summary>
    /// The settings of a test node on <paramref name="database"/> with its key files in <paramref name="keys"/> (the
    /// audit checkpoint key made there once), for an in-process node and for a console process alike.
    /// </summary>
    public static IReadOnlyList<(string Key, string Value)> NodeSettings(PostgresDatabase database, string keys)
    {
        ArgumentNullException.ThrowIfNull(database);
        Directory.CreateDirectory(keys);
        var checkpointKey = Path.Combine(keys, "audit-checkpoint-key.pem");
        if (!File.Exists(checkpointKey))
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            File.WriteAllText(checkpointKey, key.ExportECPrivateKeyPem());
        }

        var root = TestRepository.Root;
        return
        [
            ("ConnectionStrings:Console", database.ConnectionString),
            ("ConnectionStrings:ConsoleOwner", database.OwnerConnectionString),
            ("Console:PublicOrigin", Origin),
            ("Console:SeedDemoData", "true"),
            ("Console:DemoUsersFile", Path.Combine(root, "infra", "demo", "users.tsv")),
            ("Console:Directory:CacheSeconds", "1"),
            ("Serilog:MinimumLevel:Default", "Warning"),
            ("Workflow:DurabilityMode", "Solo"),
            ("Attestation:Enrolment:DemoProposer", "admin"),
            ("Attestation:Enrolment:DemoApprover", "security"),
            ("Keys:Folder", keys),
            ("Audit:SigningKeyFile", checkpointKey),
        ];
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
        var fields = HiddenFields(html);
        fields["Input.UserName"] = userName;
        fields["Input.Password"] = password;
        return await browser.PostAsync("/account/login", new FormUrlEncodedContent(fields));
    }

    /// <summary>The text of the refusal shown on the sign-in page, or null when there is none.</summary>
    public static string? LoginError(string html) =>
        LoginErrorPattern().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value.Trim()) : null;

    public static async Task<string> AccessTokenAsync(HttpClient browser, string userName, string password)
    {
        var (verifier, challenge) = Pkce();
        var authorize = AuthorizeUrl(challenge, "S256");

        using (var login = await PostLoginAsync(browser, userName, password, authorize))
        {
            if (login.StatusCode != HttpStatusCode.Redirect)
                throw new InvalidOperationException($"Sign-in as {userName} refused: {LoginError(await login.Content.ReadAsStringAsync())}");
        }

        using var authorized = await browser.GetAsync(authorize);
        return await RedeemAsync(browser, CodeOf(authorized), verifier);
    }

    /// <summary>A PKCE verifier and its S256 challenge.</summary>
    public static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var challenge = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (verifier, challenge);
    }

    /// <summary>The code in the authorize endpoint's redirect to the CLI's callback.</summary>
    public static string CodeOf(HttpResponseMessage authorized)
    {
        ArgumentNullException.ThrowIfNull(authorized);
        var callback = authorized.Headers.Location ?? throw new InvalidOperationException($"authorize answered {authorized.StatusCode}");
        return Uri.UnescapeDataString(Regex.Match(callback.Query, "[?&]code=([^&]+)").Groups[1].Value);
    }

    /// <summary>Redeems an authorization code at the token endpoint; returns the access token.</summary>
    public static async Task<string> RedeemAsync(HttpClient client, string code, string verifier)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var token = await client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
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

    /// <summary>The hidden fields of a form (the antiforgery token among them).</summary>
    public static Dictionary<string, string> HiddenFields(string html)
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

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Console.E2ETests.Infrastructure;

/// <summary>
/// Calls the console's REST API with a person's access token, obtained exactly as a CLI would: authorization code +
/// PKCE as the public client vnf-cli, signing in on the provider's real sign-in page, with the loopback redirect URI.
/// </summary>
public sealed partial class ApiClient : IDisposable
{
    public const string ClientId = "vnf-cli";
    public const string RedirectUri = "http://127.0.0.1:8765/callback";

    private readonly HttpClient _http;

    private ApiClient(HttpClient http) => _http = http;

    /// <summary>The demo account the token is for (null without one).</summary>
    private DemoAccount? Account { get; init; }

    public string AccessToken { get; private init; } = "";

    /// <summary>A client for this demo account's token.</summary>
    public static async Task<ApiClient> ForAsync(ConsoleApp app, string userName, CancellationToken ct)
    {
        var account = TestEnvironment.Account(userName);
        var token = await GetAccessTokenAsync(app.BaseUrl, account.UserName, account.Password, ct);
        return new ApiClient(NewHttp(app.BaseUrl, token)) { AccessToken = token, Account = account };
    }

    /// <summary>A client that sends no token at all.</summary>
    public static ApiClient Anonymous(ConsoleApp app) => new(NewHttp(app.BaseUrl, null));

    public static async Task<string> GetAccessTokenAsync(string baseUrl, string userName, string password, CancellationToken ct)
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var state = Base64Url(RandomNumberGenerator.GetBytes(16));

        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        using var browser = new HttpClient(handler) { BaseAddress = new Uri(baseUrl) };

        var authorize = "/connect/authorize?" + Query(new Dictionary<string, string>
        {
            ["client_id"] = ClientId,
            ["response_type"] = "code",
            ["redirect_uri"] = RedirectUri,
            ["scope"] = "openid profile roles console-api",
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
            ["state"] = state,
        });

        // The provider sends a person without a session to its sign-in page.
        var (loginPage, loginUri) = await FollowToPageAsync(browser, new Uri(browser.BaseAddress!, authorize), ct);
        var form = LoginForm.Read(loginPage);
        var fields = new Dictionary<string, string>(form.Hidden) { [form.UserNameField] = userName, [form.PasswordField] = password };
        using var post = await browser.PostAsync(new Uri(loginUri, form.Action ?? loginUri.PathAndQuery), new FormUrlEncodedContent(fields), ct);

        // Signed in: the provider returns to the authorization request, which redirects to the CLI's loopback address.
        var callback = await FollowToCallbackAsync(browser, post, ct);
        var query = ParseQuery(callback.Query);
        if (query.TryGetValue("error", out var error))
        {
            throw new InvalidOperationException($"The provider refused: {error} {query.GetValueOrDefault("error_description")}");
        }

        if (query.GetValueOrDefault("state") != state)
        {
            throw new InvalidOperationException("The state came back changed.");
        }

        using var tokenResponse = await browser.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = query["code"],
            ["redirect_uri"] = RedirectUri,
            ["client_id"] = ClientId,
            ["code_verifier"] = verifier,
        }), ct);
        var tokens = await tokenResponse.Content.ReadFromJsonAsync<JsonElement>(ct);
        if (!tokenResponse.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The token endpoint answered {(int)tokenResponse.StatusCode}: {tokens}");
        }

        return tokens.GetProperty("access_token").GetString()!;
    }

    // Typed helpers for the calls the tests make.

    public Task<HttpResponseMessage> GetAsync(string path, CancellationToken ct) => _http.GetAsync(path, ct);

    public Task<HttpResponseMessage> SendJsonAsync(HttpMethod method, string path, object? body, string? ifMatch, CancellationToken ct) =>
        SendRawAsync(method, path, body is null ? null : JsonSerializer.Serialize(body, JsonSerializerOptions.Web), ifMatch, ct);

    public Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, string? json, string? ifMatch, CancellationToken ct)
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return _http.SendAsync(request, ct);
    }

    public Task<HttpResponseMessage> SubmitAsync(object body, CancellationToken ct) =>
        SendJsonAsync(HttpMethod.Post, "/api/requests", body, null, ct);

    /// <summary>Approves as the demo account, giving its authenticator's code (step-up) when it has one.</summary>
    public async Task<HttpResponseMessage> ApproveAsync(Guid id, string contentDigest, string etag, CancellationToken ct)
    {
        var response = await SendJsonAsync(HttpMethod.Post, $"/api/requests/{id}/approve",
            new { contentDigest, comment = "checked via the API", stepUpCode = Account?.TotpSecret is null ? null : await Account.StepUpCodeAsync() }, etag, ct);
        // Another test of the same demo person used this step's code a moment ago: the app would show the next one soon.
        if (response.StatusCode != HttpStatusCode.Forbidden || Account?.TotpSecret is null
            || !(await response.Content.ReadAsStringAsync(ct)).Contains("already used", StringComparison.Ordinal))
            return response;
        response.Dispose();
        return await SendJsonAsync(HttpMethod.Post, $"/api/requests/{id}/approve",
            new { contentDigest, comment = "checked via the API", stepUpCode = await Account.StepUpCodeAsync() }, etag, ct);
    }

    /// <summary>Approves without a step-up code (what a client that was not told of step-up sends).</summary>
    public Task<HttpResponseMessage> ApproveWithoutCodeAsync(Guid id, string contentDigest, string etag, CancellationToken ct) =>
        SendJsonAsync(HttpMethod.Post, $"/api/requests/{id}/approve", new { contentDigest, comment = "checked via the API" }, etag, ct);

    /// <summary>The request's details and its ETag.</summary>
    public async Task<(JsonElement Details, string ETag)> GetRequestAsync(Guid id, CancellationToken ct)
    {
        using var response = await _http.GetAsync($"/api/requests/{id}", ct);
        await EnsureAsync(response, HttpStatusCode.OK, ct);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ct), response.Headers.ETag?.ToString() ?? "");
    }

    /// <summary>The first VNF the search finds (e.g. "sensitivity=Critical").</summary>
    public async Task<JsonElement> FirstVnfAsync(string query, CancellationToken ct)
    {
        using var response = await _http.GetAsync("/api/inventory/vnfs?" + query, ct);
        await EnsureAsync(response, HttpStatusCode.OK, ct);
        var page = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        return page.GetProperty("items").EnumerateArray().First();
    }

    /// <summary>Fails with the body in the message, so a wrong status says why.</summary>
    public static async Task EnsureAsync(HttpResponseMessage response, HttpStatusCode expected, CancellationToken ct)
    {
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, expected {(int)expected}: "
                + await response.Content.ReadAsStringAsync(ct));
        }
    }

    public void Dispose() => _http.Dispose();

    private static HttpClient NewHttp(string baseUrl, string? token)
    {
        var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }

    private static async Task<(string Html, Uri Uri)> FollowToPageAsync(HttpClient browser, Uri start, CancellationToken ct)
    {
        var uri = start;
        for (var hop = 0; hop < 10; hop++)
        {
            using var response = await browser.GetAsync(uri, ct);
            if (response.Headers.Location is { } location)
            {
                uri = new Uri(uri, location);
                continue;
            }

            await EnsureAsync(response, HttpStatusCode.OK, ct);
            return (await response.Content.ReadAsStringAsync(ct), uri);
        }

        throw new InvalidOperationException("Too many redirects before the sign-in page.");
    }

    private static async Task<Uri> FollowToCallbackAsync(HttpClient browser, HttpResponseMessage first, CancellationToken ct)
    {
        var response = first;
        var uri = first.RequestMessage!.RequestUri!;
        for (var hop = 0; hop < 10; hop++)
        {
            if (response.Headers.Location is not { } location)
            {
                throw new InvalidOperationException(
                    $"Expected a redirect after signing in, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
            }

            uri = new Uri(uri, location);
            if (uri.GetLeftPart(UriPartial.Path) == RedirectUri)
            {
                return uri;
            }

            if (!ReferenceEquals(response, first))
            {
                response.Dispose();
            }

            response = await browser.GetAsync(uri, ct);
        }

        throw new InvalidOperationException("Too many redirects before the callback.");
    }

    private static string Query(Dictionary<string, string> values) =>
        string.Join('&', values.Select(v => Uri.EscapeDataString(v.Key) + "=" + Uri.EscapeDataString(v.Value)));

    private static Dictionary<string, string> ParseQuery(string query) =>
        query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : "", StringComparer.Ordinal);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The sign-in form as the page renders it: its hidden fields (antiforgery, handler, return URL) and input names.</summary>
    private sealed record LoginForm(string? Action, IReadOnlyDictionary<string, string> Hidden, string UserNameField, string PasswordField)
    {
        public static LoginForm Read(string html)
        {
            var formTag = FormTag().Match(html);
            if (!formTag.Success)
            {
                throw new InvalidOperationException("No sign-in form on the page:\n" + html);
            }

            var formEnd = html.IndexOf("</form>", formTag.Index, StringComparison.OrdinalIgnoreCase);
            var inputs = InputTag().Matches(html[formTag.Index..formEnd]).Select(m => Attributes(m.Value)).ToList();
            var hidden = inputs.Where(a => a.GetValueOrDefault("type") == "hidden" && a.ContainsKey("name"))
                .ToDictionary(a => a["name"], a => a.GetValueOrDefault("value") ?? "");
            string NameOf(Func<Dictionary<string, string>, bool> which, string what) =>
                inputs.FirstOrDefault(which)?.GetValueOrDefault("name") ?? throw new InvalidOperationException($"No {what} field on the sign-in page.");

            return new LoginForm(
                Attributes(formTag.Value).GetValueOrDefault("action"),
                hidden,
                NameOf(a => a.GetValueOrDefault("autocomplete") == "username" || a.GetValueOrDefault("id") == "username", "user name"),
                NameOf(a => a.GetValueOrDefault("type") == "password", "password"));
        }

        private static Dictionary<string, string> Attributes(string tag) =>
            AttributePair().Matches(tag).ToDictionary(
                m => m.Groups["name"].Value.ToLowerInvariant(), m => WebUtility.HtmlDecode(m.Groups["value"].Value), StringComparer.Ordinal);
    }

    [GeneratedRegex("<form\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex FormTag();

    [GeneratedRegex("<input\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InputTag();

    [GeneratedRegex("(?<name>[a-zA-Z_:.-]+)=\"(?<value>[^\"]*)\"")]
    private static partial Regex AttributePair();
}

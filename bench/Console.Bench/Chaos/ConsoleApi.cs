using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Console.Bench.Chaos;

/// <summary>
/// The campaign's client of the console's API, as a script of the operator's would use it: signs the demo's operator
/// and two approvers in through the built-in provider (vnf-cli, code + PKCE), then submits and approves snapshot
/// requests on whichever node answers; a node that is down (or a database that is restarting) is tried again later.
/// </summary>
public sealed partial class ConsoleApi(Func<IReadOnlyList<ConsoleNode>> liveNodes, Random random)
{
    private const string ClientId = "vnf-cli";
    private const string Callback = "http://127.0.0.1:8765/callback";
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private readonly Dictionary<string, string> _tokens = [];

    /// <summary>Where the demo people's authenticator secrets are (infra/demo/users.tsv, column totp_secret).</summary>
    public required string DemoUsersFile { get; init; }

    private Dictionary<string, string>? _secrets;

    private string StepUpCode(string user)
    {
        // Read once: every approval of the campaign needs a code.
        _secrets ??= File.ReadLines(DemoUsersFile).Skip(1).Select(l => l.Split('\t'))
            .Where(c => c.Length > 5 && c[5].Trim().Length > 0).ToDictionary(c => c[0].Trim(), c => c[5].Trim());
        var secret = _secrets.GetValueOrDefault(user)
            ?? throw new InvalidOperationException($"{user} has no demo authenticator in {DemoUsersFile}.");
        return Console.Workflows.Accounts.SteppingUp.TotpCodes.CodeAt(
            Console.Workflows.Accounts.SteppingUp.TotpCodes.Decode(secret)!, DateTimeOffset.UtcNow);
    }

    private readonly Dictionary<string, string> _passwords = [];

    public async Task SignInAsync(ConsoleNode node, params (string User, string Password)[] people)
    {
        foreach (var (user, password) in people)
        {
            _passwords[user] = password;
            _tokens[user] = await TokenAsync(node.BaseAddress, user, password);
        }
    }

    /// <summary>
    /// Submits once: when a try's answer is lost (the node died, the database restarted), <paramref name="find"/> looks
    /// for the request by its justification before sending again, as a careful script would.
    /// </summary>
    public async Task<Guid> SubmitSnapshotAsync(Guid vnfId, Guid componentId, string justification, Func<string, Task<Guid?>> find)
    {
        ArgumentNullException.ThrowIfNull(find);
        var body = new { kind = "Snapshot", vnfId, componentIds = new[] { componentId }, justification };
        using var created = await SendAsync("operator", () => new HttpRequestMessage(HttpMethod.Post, "/api/requests") { Content = JsonContent.Create(body) },
            async () => await find(justification) is { } existing ? existing : null, HttpStatusCode.Created);
        if (created.Existing is { } id)
            return id;
        var json = await created.Answer!.Content.ReadFromJsonAsync<JsonElement>();
        return json.GetProperty("id").GetGuid();
    }

    /// <summary>Reads the request as the approver's page would (version, digest) and approves exactly that.</summary>
    public async Task ApproveAsync(Guid id, string approver)
    {
        while (true)
        {
            using var read = await SendAsync(approver, () => new HttpRequestMessage(HttpMethod.Get, $"/api/requests/{id}"), HttpStatusCode.OK);
            var details = await read.Content.ReadFromJsonAsync<JsonElement>();
            var digest = details.GetProperty("request").GetProperty("contentDigest").GetString();
            var etag = read.Headers.ETag;
            using var approved = await SendAsync(approver, () =>
            {
                var message = new HttpRequestMessage(HttpMethod.Post, $"/api/requests/{id}/approve")
                {
                    Content = JsonContent.Create(new { contentDigest = digest, comment = "Crash campaign.", stepUpCode = StepUpCode(approver) }),
                };
                if (etag is not null)
                    message.Headers.IfMatch.Add(etag);
                return message;
            }, HttpStatusCode.Accepted, HttpStatusCode.PreconditionFailed, HttpStatusCode.Forbidden);
            if (approved.StatusCode == HttpStatusCode.Accepted)
                return;
            if (approved.StatusCode == HttpStatusCode.Forbidden)
            {
                // Step-up: each code of an account works once, so an approver approves Sensitive work at most once per
                // 30-second step; wait for the next code (any other refusal is a real one).
                var refusal = await approved.Content.ReadAsStringAsync();
                if (!refusal.Contains("already used", StringComparison.Ordinal))
                    throw new InvalidOperationException($"{approver} may not approve {id}: {refusal}");
                await Task.Delay(TimeSpan.FromSeconds(30 - DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 30 + 1));
                continue;
            }
            // Someone else acted first (the workflow itself, or our own earlier try whose answer was lost): read again.
            using var again = await SendAsync(approver, () => new HttpRequestMessage(HttpMethod.Get, $"/api/requests/{id}"), HttpStatusCode.OK);
            var journal = (await again.Content.ReadFromJsonAsync<JsonElement>()).GetRawText();
            if (journal.Contains(approver == "approver" ? "Arjun Approver" : "Beatriz Approver", StringComparison.Ordinal))
                return;
        }
    }

    /// <summary>
    /// Sends on a random live node until one gives an expected answer. A node that is gone, or a 5xx while the database
    /// restarts, is tried again (a command refused during the restart changed nothing, so sending it again is safe).
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(string user, Func<HttpRequestMessage> make, params HttpStatusCode[] expected) =>
        (await SendAsync(user, make, null, expected)).Answer!;

    private async Task<Sent> SendAsync(string user, Func<HttpRequestMessage> make, Func<Task<Guid?>>? alreadyDone, params HttpStatusCode[] expected)
    {
        var deadline = DateTime.UtcNow + Patience;
        string? last = null;
        var tried = false;
        while (DateTime.UtcNow < deadline)
        {
            if (tried && alreadyDone is not null && await alreadyDone() is { } done)
                return new Sent(null, done);
            tried = true;
            var nodes = liveNodes();
            if (nodes.Count == 0)
            {
                await Task.Delay(500);
                continue;
            }

            var node = nodes[random.Next(nodes.Count)];
            using var client = new HttpClient { BaseAddress = new Uri(node.BaseAddress), Timeout = TimeSpan.FromSeconds(30) };
            using var message = make();
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _tokens[user]);
            try
            {
                var answer = await client.SendAsync(message);
                if (expected.Contains(answer.StatusCode))
                    return new Sent(answer, null);
                if (answer.StatusCode == HttpStatusCode.Unauthorized)
                {
                    // The access token ran out (a campaign outlasts its lifetime): sign in again, as a script would, and
                    // send again; a refused token changed nothing.
                    answer.Dispose();
                    _tokens[user] = await TokenAsync(node.BaseAddress, user, _passwords[user]);
                    continue;
                }
                last = $"{node.BaseAddress} answered {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}";
                answer.Dispose();
                if ((int)answer.StatusCode < 500)
                    throw new InvalidOperationException(last);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = $"{node.BaseAddress}: {ex.Message}";
            }

            await Task.Delay(500);
        }

        throw new InvalidOperationException($"No node accepted the call within {Patience}: {last}");
    }

    private static async Task<string> TokenAsync(string baseAddress, string user, string password)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };
        using var browser = new HttpClient(handler) { BaseAddress = new Uri(baseAddress) };
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var authorize = $"/connect/authorize?client_id={ClientId}&response_type=code&redirect_uri={Uri.EscapeDataString(Callback)}"
            + $"&scope={Uri.EscapeDataString("openid profile roles console-api")}&code_challenge={challenge}&code_challenge_method=S256&state=chaos";

        var page = await browser.GetStringAsync("/account/login?ReturnUrl=" + Uri.EscapeDataString(authorize));
        var fields = new Dictionary<string, string>();
        foreach (Match input in HiddenInput().Matches(page))
            fields[Regex.Match(input.Value, "name=\"([^\"]+)\"").Groups[1].Value] =
                WebUtility.HtmlDecode(Regex.Match(input.Value, "value=\"([^\"]*)\"").Groups[1].Value);
        fields["Input.UserName"] = user;
        fields["Input.Password"] = password;
        using (var login = await browser.PostAsync("/account/login", new FormUrlEncodedContent(fields)))
        {
            if (login.StatusCode != HttpStatusCode.Redirect)
                throw new InvalidOperationException($"Sign-in as {user} was refused ({(int)login.StatusCode}).");
        }

        using var authorized = await browser.GetAsync(authorize);
        var location = authorized.Headers.Location ?? throw new InvalidOperationException($"authorize answered {(int)authorized.StatusCode}");
        var code = Uri.UnescapeDataString(Regex.Match(location.Query, "[?&]code=([^&]+)").Groups[1].Value);
        using var token = await browser.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = Callback,
            ["client_id"] = ClientId,
            ["code_verifier"] = verifier,
        }));
        var json = await token.Content.ReadFromJsonAsync<JsonElement>();
        return json.TryGetProperty("access_token", out var accessToken)
            ? accessToken.GetString()!
            : throw new InvalidOperationException($"No token for {user}: {json}");
    }

    /// <summary>What a send came to: the expected answer, or the id of what an earlier try whose answer was lost did.</summary>
    private sealed record Sent(HttpResponseMessage? Answer, Guid? Existing) : IDisposable
    {
        public void Dispose() => Answer?.Dispose();
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("<input[^>]*type=\"hidden\"[^>]*>")]
    private static partial Regex HiddenInput();
}

using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using Console.IntegrationTests.Infrastructure;
using Console.Web.Identity;
using Console.Web.Security;
using Console.Workflows.Accounts;
using Console.Workflows.Common;
using Console.Workflows.Audit.History;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Web;

/// <summary>The embedded console with a low per-client sign-in limit and a known proxy, for the assembled pipeline.</summary>
public sealed class HardenedConsole : ConsoleWebApp
{
    public const int PerClientPerMinute = 5;

    protected override IEnumerable<(string Key, string Value)> Settings =>
        [("Console:SignIn:PerClientPerMinute", PerClientPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture))];
}

/// <summary>
/// Sessions and tokens follow the directory, sign-in is throttled without revealing accounts, and every answer is
/// hardened: tried through the real pipeline (TestServer) on a real database.
/// </summary>
public sealed class SecurityPipelineTests(HardenedConsole app) : IClassFixture<HardenedConsole>
{
    private static int _nextAddress;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string FreshAddress() => $"198.51.100.{Interlocked.Increment(ref _nextAddress) % 250 + 1}";

    private static HttpClient From(HttpClient client, string address)
    {
        client.DefaultRequestHeaders.Remove(ClientAddressFromHeader.Header);
        client.DefaultRequestHeaders.Add(ClientAddressFromHeader.Header, address);
        return client;
    }

    private async Task<HttpStatusCode> GetRequestsAsync(string token)
    {
        using var client = app.Browser();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.GetAsync("/api/requests", Ct);
        return response.StatusCode;
    }

    private async Task<(HttpStatusCode Status, string? Error)> TryLoginAsync(string user, string password)
    {
        using var browser = From(app.Browser(), FreshAddress());
        using var response = await SignInFlow.PostLoginAsync(browser, user, password);
        return (response.StatusCode, SignInFlow.LoginError(await response.Content.ReadAsStringAsync(Ct)));
    }

    private static readonly Actor Admin = new("admin", "Ada Admin", new HashSet<string> { Roles.Administrator });

    /// <summary>An administrator's change to an account, through the command bus as the users page issues it.</summary>
    private async Task<Outcome> ChangeAsync(string userName, Func<long, IConsoleCommand> change)
    {
        var version = (await app.Services.GetRequiredService<UserDirectory>().FindAsync(userName, Ct))!.Account.Version;
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IConsoleCommandBus>().IssueAsync(change(version), Admin, Ct);
    }

    private Task<Outcome> DisableAsync(string userName) =>
        ChangeAsync(userName, v => new SetAccountDisabled(userName, v, true, "Left the team"));

    // ---- revocation -------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Revocation_ApiToken_OfADisabledAccount_IsRefusedWithinTheCacheTime()
    {
        var token = await SignInFlow.AccessTokenAsync(From(app.Browser(), FreshAddress()), "auditor", "Auditor!2026");
        (await GetRequestsAsync(token)).ShouldBe(HttpStatusCode.OK);

        (await DisableAsync("auditor")).Succeeded.ShouldBeTrue();

        var status = await Eventually.Until(() => GetRequestsAsync(token), s => s == HttpStatusCode.Unauthorized,
            "the disabled auditor's token to be refused", TimeSpan.FromSeconds(10));
        status.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Revocation_ApiToken_CarryingARemovedRole_IsRefused_AndAFreshTokenWorks()
    {
        var token = await SignInFlow.AccessTokenAsync(From(app.Browser(), FreshAddress()), "approver2", "Approver2#2026");
        (await GetRequestsAsync(token)).ShouldBe(HttpStatusCode.OK);

        (await ChangeAsync("approver2", v => new ChangeAccountRoles("approver2", v, ["NocOperator"], "Moved to operations")))
            .Succeeded.ShouldBeTrue();

        await Eventually.Until(() => GetRequestsAsync(token), s => s == HttpStatusCode.Unauthorized,
            "the token still carrying NocApprover to be refused", TimeSpan.FromSeconds(10));
        var fresh = await SignInFlow.AccessTokenAsync(From(app.Browser(), FreshAddress()), "approver2", "Approver2#2026");
        (await GetRequestsAsync(fresh)).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Revocation_OpenCircuit_LosesItsSignInWhenTheAccountIsDisabled_WithinAMinute()
    {
        DirectoryRevalidatingAuthenticationStateProvider.Interval.ShouldBeLessThanOrEqualTo(TimeSpan.FromSeconds(30));
        var check = app.Services.GetRequiredService<IDirectoryCheck>();
        var circuit = new DirectoryRevalidatingAuthenticationStateProvider(NullLoggerFactory.Instance, check);
        var manager = new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim("sub", "manager"), new Claim("name", "Marta Manager"), new Claim("role", "Manager")], "test", "name", "role")));
        (await circuit.RevalidateNowAsync(manager, CancellationToken.None)).ShouldBeTrue();

        (await DisableAsync("manager")).Succeeded.ShouldBeTrue();

        await Eventually.Until(() => circuit.RevalidateNowAsync(manager, CancellationToken.None), valid => !valid,
            "the circuit's principal to be found invalid", TimeSpan.FromSeconds(10));
        (await check.CheckAsync(manager.User, Ct)).Reason.ShouldBe("The account manager is disabled.");
    }

    // ---- sign-in throttle -------------------------------------------------------------------------------------------

    [Fact]
    public async Task SignInThrottle_ThirtyWrongPasswords_LockTheAccount_AndTheRightPasswordIsRefusedWithTheSameMessage()
    {
        for (var i = 0; i < 30; i++)
        {
            var (status, error) = await TryLoginAsync("security", "wrong-" + i);
            status.ShouldBe(HttpStatusCode.OK);
            error.ShouldBe("The user name or password is not correct.");
        }

        var store = app.Services.GetRequiredService<ISignInAttemptStore>();
        var attempts = await store.GetAsync("security", CancellationToken.None);
        attempts.Failures.ShouldBeGreaterThan(SignInThrottlePolicy.FreeFailures);
        attempts.LockedUntil.ShouldNotBeNull().ShouldBeGreaterThan(attempts.LastFailureAt.ShouldNotBeNull());
        // Whether that lock still runs now depends on how fast the machine answered thirty attempts (the first locks
        // last 2 s, 4 s, ...; on a loaded CI machine the last one had ended): keep it running, as a longer streak of
        // failures would, so the next answer is given under the lock whatever the machine's speed.
        await store.SaveAsync(attempts with { LockedUntil = DateTimeOffset.UtcNow.AddMinutes(5) }, CancellationToken.None);

        var (rightStatus, rightError) = await TryLoginAsync("security", "Security!2026");
        rightStatus.ShouldBe(HttpStatusCode.OK);
        rightError.ShouldBe("The user name or password is not correct.");
    }

    [Fact]
    public async Task SignInThrottle_UnknownAccount_IsAnsweredExactlyLikeAKnownOne()
    {
        var known = new List<(HttpStatusCode, string?)>();
        var unknown = new List<(HttpStatusCode, string?)>();
        for (var i = 0; i < 8; i++)
        {
            known.Add(await TryLoginAsync("operator", "wrong-" + i));
            unknown.Add(await TryLoginAsync("no-such-person", "wrong-" + i));
        }

        unknown.ShouldBe(known);
        var store = app.Services.GetRequiredService<ISignInAttemptStore>();
        var knownState = await store.GetAsync("operator", CancellationToken.None);
        var unknownState = await store.GetAsync("no-such-person", CancellationToken.None);
        // Both names are throttled alike (exact counts depend on when each short lockout ended).
        knownState.Failures.ShouldBeGreaterThan(SignInThrottlePolicy.FreeFailures);
        unknownState.Failures.ShouldBeGreaterThan(SignInThrottlePolicy.FreeFailures);
        unknownState.LockedUntil.HasValue.ShouldBeTrue();
        knownState.LockedUntil.HasValue.ShouldBeTrue();
    }

    [Fact]
    public async Task SignInThrottle_FailuresAndTheLockout_AreInTheSecurityHistory()
    {
        for (var i = 0; i < SignInThrottlePolicy.FreeFailures + 2; i++)
            await TryLoginAsync("admin", "wrong-" + i);

        var page = await Eventually.Until(
            () => Search(new HistoryFilter(ActorId: "admin", Category: HistoryCategory.Access)),
            p => p.Items.Any(e => e.Summary.StartsWith("Refused SignInLockout", StringComparison.Ordinal)),
            "the lockout in the history");

        page.Items.ShouldContain(e => e.Summary.StartsWith("Refused SignIn on account/admin: Wrong password or unknown account", StringComparison.Ordinal));
        page.Items.ShouldContain(e => e.Summary.Contains($"{SignInThrottlePolicy.FreeFailures + 1} failed sign-ins in a row", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignInThrottle_PerClient_TooManyAttemptsFromOneAddress_AreRefusedBeforeAnyPasswordIsChecked()
    {
        using var browser = From(app.Browser(), "203.0.113.77");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < HardenedConsole.PerClientPerMinute + 2; i++)
        {
            using var response = await SignInFlow.PostLoginAsync(browser, $"someone-{i}", "wrong");
            statuses.Add(response.StatusCode);
        }

        statuses.Take(HardenedConsole.PerClientPerMinute).ShouldAllBe(s => s == HttpStatusCode.OK);
        statuses.Skip(HardenedConsole.PerClientPerMinute).ShouldAllBe(s => s == HttpStatusCode.TooManyRequests);
        var history = await Eventually.Until(
            () => Search(new HistoryFilter(ActorId: "client:203.0.113.77", Category: HistoryCategory.Access)),
            p => p.Items.Count > 0, "the client's refusal in the history");
        history.Items[0].Summary.ShouldContain("sign-in attempts a minute from 203.0.113.77");
    }

    private Task<HistoryPage> Search(HistoryFilter filter) =>
        app.Services.GetRequiredService<IHistoryReader>().SearchAsync(new HistoryQuery(filter, PageSize: 200));

    // ---- hardening --------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("/account/login")]
    [InlineData("/health")]
    [InlineData("/api/requests")]
    [InlineData("/.well-known/openid-configuration")]
    [InlineData("/no-such-page")]
    public async Task Hardening_EveryResponse_CarriesNosniffACspWithFrameAncestorsAndAReferrerPolicy(string path)
    {
        using var client = app.Browser();
        using var response = await client.GetAsync(path, Ct);

        response.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
        response.Headers.GetValues("Referrer-Policy").ShouldBe(["strict-origin-when-cross-origin"]);
        var csp = response.Headers.GetValues("Content-Security-Policy").ShouldHaveSingleItem();
        csp.ShouldContain("frame-ancestors 'none'");
        csp.ShouldContain("script-src 'self' 'nonce-");
    }

    [Fact]
    public async Task Hardening_TheImportMap_CarriesTheNonceOfItsResponse()
    {
        using var client = app.Browser();
        using var response = await client.GetAsync("/account/login", Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);
        var nonce = System.Text.RegularExpressions.Regex.Match(
            response.Headers.GetValues("Content-Security-Policy").Single(), "'nonce-([^']+)'").Groups[1].Value;

        nonce.Length.ShouldBe(32);
        System.Text.RegularExpressions.Regex.Match(html, "<script[^>]*type=\"importmap\"[^>]*>").Value.ShouldContain($"nonce=\"{nonce}\"");
    }

    [Fact]
    public async Task Hardening_Discovery_OffersOnlyS256()
    {
        using var client = app.Browser();
        var json = JsonDocument.Parse(await client.GetStringAsync("/.well-known/openid-configuration", Ct));

        json.RootElement.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()).ShouldBe(["S256"]);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData(null)]
    public async Task Hardening_Authorize_WithAPlainOrMissingChallengeMethod_IssuesNoCode(string? method)
    {
        using var browser = From(app.Browser(), FreshAddress());
        var verifier = new string('a', 50);
        // approver2: the throttle tests of this class lock out operator, security and admin, in no set order.
        using (var login = await SignInFlow.PostLoginAsync(browser, "approver2", "Approver2#2026"))
            login.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        using var response = await browser.GetAsync(SignInFlow.AuthorizeUrl(verifier, method), Ct);

        var location = response.Headers.Location?.ToString() ?? "";
        location.ShouldNotContain("code=");
        (response.StatusCode == HttpStatusCode.BadRequest || location.Contains("error=invalid_request", StringComparison.Ordinal)).ShouldBeTrue(
            $"answered {(int)response.StatusCode} {location}");
    }

    [Fact]
    public async Task Hardening_EndSession_WithoutTheIdTokenHint_SignsNobodyOut()
    {
        using var browser = From(app.Browser(), FreshAddress());
        using (var login = await SignInFlow.PostLoginAsync(browser, "approver", "Approver!2026"))
            login.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        using (var crossSite = await browser.GetAsync("/connect/endsession", Ct))
            crossSite.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using (var crossSitePost = await browser.PostAsync("/connect/endsession", new FormUrlEncodedContent([]), Ct))
            crossSitePost.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        // Still signed in at the provider: the next authorization gives a code without asking for the password.
        var token = await AuthorizeSilentlyAsync(browser);
        token.ShouldContain("code=");
    }

    private static async Task<string> AuthorizeSilentlyAsync(HttpClient browser)
    {
        var challenge = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData("verifier-verifier-verifier-verifier-verifier"u8))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        using var response = await browser.GetAsync(SignInFlow.AuthorizeUrl(challenge, "S256"), Ct);
        return response.Headers.Location?.ToString() ?? "";
    }
}

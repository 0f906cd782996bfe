using Console.UnitTests.Workflows.Audit.Access;
using System.Net;
using System.Security.Claims;
using Console.Web.Hosting;
using Console.Web.Security;
using Console.Workflows.Audit.Access;
using Console.Workflows.Common;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Security;

/// <summary>Refusals of pages and endpoints, and new sessions, reach the access journal; nothing else does.</summary>
public sealed class AccessRecordingTests
{
    private readonly RecordingAccessJournal _journal = new();
    private readonly AnsweringHandler _inner = new();

    private static DefaultHttpContext Request(string path, string? policy, params string[] roles)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "GET";
        http.Request.Path = path;
        if (roles.Length > 0)
        {
            var identity = new ClaimsIdentity([new Claim("sub", "olga"), new Claim("name", "Olga Operator"), .. roles.Select(r => new Claim("role", r))],
                "test", "name", "role");
            http.User = new ClaimsPrincipal(identity);
        }

        http.SetEndpoint(new Endpoint(_ => Task.CompletedTask,
            policy is null ? new EndpointMetadataCollection(new AuthorizeAttribute()) : new EndpointMetadataCollection(new AuthorizeAttribute(policy)),
            path));
        return http;
    }

    private Task Handle(HttpContext http, PolicyAuthorizationResult result) =>
        new RecordingAuthorizationResultHandler(_inner, _journal).HandleAsync(_ => Task.CompletedTask, http,
            new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build(), result);

    [Fact]
    public async Task Forbidden_OnANamedPolicy_RecordsWhoWhatAndWhichRolesWereMissing_ThenAnswersAsBefore()
    {
        var http = Request("/history", Policies.ViewHistory, Roles.NocOperator);

        await Handle(http, PolicyAuthorizationResult.Forbid());

        _journal.Refusals.ShouldHaveSingleItem().ShouldBe(
            ("olga", "GET /history", "/history", "Needs ViewHistory (SecurityOfficer or Auditor); holds NocOperator."));
        _inner.Calls.ShouldBe(1);
    }

    [Fact]
    public async Task Challenged_AnonymousVisitor_IsASignInNotARefusal()
    {
        var http = Request("/history", Policies.ViewHistory);

        await Handle(http, PolicyAuthorizationResult.Challenge());

        _journal.Refusals.ShouldBeEmpty();
        _inner.Calls.ShouldBe(1);
    }

    [Fact]
    public async Task Succeeded_RecordsNothing()
    {
        await Handle(Request("/history", Policies.ViewHistory, Roles.Auditor), PolicyAuthorizationResult.Success());

        _journal.Refusals.ShouldBeEmpty();
        _inner.Calls.ShouldBe(1);
    }

    [Fact]
    public async Task Forbidden_WithoutANamedPolicy_IsNotASensitiveOperation()
    {
        await Handle(Request("/", policy: null, Roles.NocOperator), PolicyAuthorizationResult.Forbid());

        _journal.Refusals.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(false, "the built-in provider")]
    [InlineData(true, "Microsoft Entra ID")]
    public async Task SessionCookie_WhenIssued_RecordsTheSignInWithProviderAndAddressFirst(bool entra, string provider)
    {
        var options = new CookieAuthenticationOptions();
        options.Cookie.Name = AuthenticationSetup.SessionCookieName;
        new SessionSignInRecording(_journal, new ConsoleOptions { UseEntraId = entra }).PostConfigure("Cookies", options);
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse("10.1.2.3");
        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim("sub", "aiko"), new Claim("name", "Aiko Auditor"), new Claim("role", Roles.Auditor)], "oidc", "name", "role"));

        await options.Events.SigningIn(new CookieSigningInContext(http,
            new AuthenticationScheme("Cookies", null, typeof(CookieAuthenticationHandler)), options, principal, null, new CookieOptions()));

        _journal.SignIns.ShouldHaveSingleItem().ShouldBe(("aiko", "Aiko Auditor", provider, "10.1.2.3"));
    }

    [Fact]
    public async Task ProvidersOwnCookie_IsNotAConsoleSession()
    {
        var options = new CookieAuthenticationOptions();
        options.Cookie.Name = ".vnfconsole.idp";
        new SessionSignInRecording(_journal, new ConsoleOptions()).PostConfigure("LocalIdp", options);
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "aiko")], "pwd"));

        await options.Events.SigningIn(new CookieSigningInContext(new DefaultHttpContext(),
            new AuthenticationScheme("LocalIdp", null, typeof(CookieAuthenticationHandler)), options, principal, null, new CookieOptions()));

        _journal.SignIns.ShouldBeEmpty();
    }

    private sealed class AnsweringHandler : IAuthorizationMiddlewareResultHandler
    {
        public int Calls { get; private set; }

        public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
        {
            Calls++;
            return Task.CompletedTask;
        }
    }
}

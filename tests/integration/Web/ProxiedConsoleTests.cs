using System.Net;
using Console.IntegrationTests.Infrastructure;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Web;

/// <summary>The console published at an https origin behind a TLS proxy at 10.0.0.5.</summary>
public sealed class ProxiedConsole : ConsoleWebApp
{
    public const string Proxy = "10.0.0.5";

    protected override IEnumerable<(string Key, string Value)> Settings =>
    [
        ("Console:PublicOrigin", "https://console.example.test"),
        ("Console:ForwardedHeaders:KnownProxies", Proxy),
    ];
}

public sealed class ProxiedConsoleTests(ProxiedConsole app) : IClassFixture<ProxiedConsole>
{
    private async Task<HttpResponseMessage> GetLoginPageAsync(string from)
    {
        using var client = app.Browser();
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://console.example.test/account/login");
        request.Headers.Add(ClientAddressFromHeader.Header, from);
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Hardening_BehindTheKnownTlsProxy_CookiesAreSecureAndHstsIsSent()
    {
        using var response = await GetLoginPageAsync(ProxiedConsole.Proxy);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.GetValues("Strict-Transport-Security").ShouldHaveSingleItem().ShouldContain("max-age=");
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        cookies.ShouldNotBeEmpty();
        cookies.ShouldAllBe(c => c.Contains("secure", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Hardening_AnyoneElseSayingHttps_IsNotBelieved()
    {
        using var response = await GetLoginPageAsync("10.0.0.66");

        // The request stays plain http here: no HSTS, and the form's antiforgery cookie follows the request.
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.Contains("Strict-Transport-Security").ShouldBeFalse();
        response.Headers.GetValues("Set-Cookie").ShouldContain(c => !c.Contains("secure", StringComparison.OrdinalIgnoreCase));
    }
}

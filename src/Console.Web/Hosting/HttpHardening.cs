using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.HttpOverrides;

namespace Console.Web.Hosting;

/// <summary>
/// Headers every response carries, and trusting a TLS proxy. The Content-Security-Policy allows only the console's own
/// scripts (plus, per response, the nonce of the inline import map Blazor writes), the SignalR connection back to the
/// console, MudBlazor's inline styles, and no framing by anyone (frame-ancestors 'none').
/// Behind a proxy, <c>Console:ForwardedHeaders:KnownProxies</c> (addresses) and <c>KnownNetworks</c> (CIDR) name who may
/// say the original scheme and client address; only then is X-Forwarded-Proto believed, so cookies become Secure and
/// HSTS is sent for https as the person sees it.
/// </summary>
public static class HttpHardening
{
    private const string NonceKey = "console.csp-nonce";

    public static void AddConsoleHttpHardening(this WebApplicationBuilder builder, ConsoleOptions console)
    {
        // Published over https: every cookie is Secure. Otherwise as the request came (https via a believed proxy).
        var secure = console.PublicOrigin.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            ? CookieSecurePolicy.Always
            : CookieSecurePolicy.SameAsRequest;
        builder.Services.PostConfigureAll<CookieAuthenticationOptions>(o => o.Cookie.SecurePolicy = secure);
        // Antiforgery refuses Always on a plain request (a 500): it follows the request, which a believed proxy makes https.
        builder.Services.Configure<AntiforgeryOptions>(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);

        var section = builder.Configuration.GetSection("Console:ForwardedHeaders");
        var proxies = Values(section, "KnownProxies");
        var networks = Values(section, "KnownNetworks");
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = 1;
            // Only the configured proxies are believed, not the framework's default loopback entries.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in proxies)
                o.KnownProxies.Add(IPAddress.TryParse(proxy, out var address)
                    ? address
                    : throw new InvalidOperationException($"Console:ForwardedHeaders:KnownProxies: '{proxy}' is not an IP address."));
            foreach (var network in networks)
                o.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var parsed)
                    ? parsed
                    : throw new InvalidOperationException($"Console:ForwardedHeaders:KnownNetworks: '{network}' is not a network in CIDR form (10.0.0.0/8)."));
        });
        builder.Services.AddSingleton(new ForwardedHeadersTrust(proxies.Count + networks.Count > 0));
    }

    /// <summary>First in the pipeline: the proxy's word on scheme and client, then the headers on every answer.</summary>
    public static void UseConsoleHttpHardening(this WebApplication app)
    {
        if (app.Services.GetRequiredService<ForwardedHeadersTrust>().Enabled)
            app.UseForwardedHeaders();

        app.Use((context, next) =>
        {
            // Hex, so no HTML or header encoding can change it on its way into the page.
            var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            context.Items[NonceKey] = nonce;
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
                headers.XFrameOptions = "DENY";
                headers.ContentSecurityPolicy = ContentSecurityPolicy(nonce);
                return Task.CompletedTask;
            });
            return next(context);
        });
    }

    /// <summary>The nonce of this response's Content-Security-Policy, for the one inline script (the import map).</summary>
    public static string? Nonce(HttpContext? context) => context?.Items[NonceKey] as string;

    public static string ContentSecurityPolicy(string nonce) =>
        "default-src 'self'; "
        + $"script-src 'self' 'nonce-{nonce}'; "
        + "style-src 'self' 'unsafe-inline'; "
        + "img-src 'self' data:; "
        + "font-src 'self' data:; "
        + "connect-src 'self'; "
        + "object-src 'none'; "
        + "base-uri 'self'; "
        + "frame-ancestors 'none'";

    private static List<string> Values(IConfigurationSection section, string key)
    {
        var listed = section.GetSection(key).GetChildren().Select(c => c.Value).ToList();
        var raw = listed.Count > 0 ? listed : [section[key]];
        return [.. raw.SelectMany(v => (v ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
    }
}

/// <summary>Whether any proxy is configured whose forwarded headers are believed.</summary>
public sealed record ForwardedHeadersTrust(bool Enabled);

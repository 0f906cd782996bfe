using Console.Web.Hosting;
using Console.Web.Identity;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Identity.Web;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using OpenIddict.Validation.AspNetCore;

namespace Console.Web.Security;

/// <summary>
/// The console's own session is a cookie; people sign in through OpenID Connect, authorization code + PKCE, either
/// at Microsoft Entra ID (when an AzureAd section is configured) or at the embedded provider.
/// </summary>
public static class AuthenticationSetup
{
    public const string SessionCookieName = ".vnfconsole.session";

    /// <summary>
    /// How /api authenticates: bearer access tokens only, never the session cookie. It forwards to OpenIddict's
    /// validation (built-in provider) or to JWT bearer validation of Entra access tokens.
    /// </summary>
    public const string ApiScheme = "ConsoleApi";

    // Kept in the sign-in's protected state (parameters such as prompt are not): this sign-in was asked to be fresh.
    private const string FreshSignInItem = "vnf-console.fresh-sign-in";

    public static void AddConsoleAuthentication(this WebApplicationBuilder builder, ConsoleOptions console)
    {
        if (console.UseEntraId)
        {
            builder.Services.AddAuthentication(OpenIdConnectDefaults.AuthenticationScheme)
                .AddMicrosoftIdentityWebApp(options =>
                {
                    builder.Configuration.GetSection("AzureAd").Bind(options);
                    options.UsePkce = true;
                    // Entra puts app roles in the "roles" claim; map it so IsInRole and the policies see them.
                    options.TokenValidationParameters.RoleClaimType = "roles";
                    options.TokenValidationParameters.NameClaimType = "name";
                }, cookie => ConfigureSessionCookie(cookie));
            builder.Services.Configure<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme, KeepSignInTime);

            // The API accepts Entra access tokens issued for this app registration (audience api://<client id> or the
            // client id), with app roles in "roles" and groups in "groups", validated like AddMicrosoftIdentityWebApi does.
            builder.Services.AddAuthentication()
                .AddMicrosoftIdentityWebApi(
                    jwt =>
                    {
                        jwt.MapInboundClaims = false;
                        jwt.TokenValidationParameters.RoleClaimType = "roles";
                        jwt.TokenValidationParameters.NameClaimType = "name";
                    },
                    identity => builder.Configuration.GetSection("AzureAd").Bind(identity),
                    JwtBearerDefaults.AuthenticationScheme);
            builder.Services.AddAuthentication().AddDirectoryCheckedApi(JwtBearerDefaults.AuthenticationScheme);
            builder.Services.AddSingleton<IDirectoryCheck, EntraDirectoryCheck>();
        }
        else
        {
            builder.AddLocalIdentityProvider(console);
            builder.Services.AddAuthentication(o =>
                {
                    o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                    o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
                })
                .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, ConfigureSessionCookie)
                .AddOpenIdConnect(OpenIdConnectDefaults.AuthenticationScheme, o =>
                {
                    o.Authority = console.PublicOrigin + "/";
                    o.ClientId = console.ClientId;
                    o.ClientSecret = console.ClientSecret;
                    o.ResponseType = "code";
                    // The code comes back in the redirect's query: the default form_post answer is a page whose inline
                    // auto-submit script the Content-Security-Policy (rightly) blocks. PKCE and state protect the code.
                    o.ResponseMode = OpenIdConnectResponseMode.Query;
                    o.UsePkce = true;
                    o.RequireHttpsMetadata = !console.PublicOriginIsLoopback;
                    o.MapInboundClaims = false;
                    o.SaveTokens = true;
                    o.GetClaimsFromUserInfoEndpoint = false;
                    o.Scope.Clear();
                    o.Scope.Add("openid");
                    o.Scope.Add("profile");
                    o.Scope.Add("roles");
                    o.TokenValidationParameters.NameClaimType = "name";
                    o.TokenValidationParameters.RoleClaimType = "role";
                    o.SignedOutRedirectUri = "/account/signed-out";
                })
                .AddDirectoryCheckedApi(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
            builder.Services.AddSingleton<IDirectoryCheck, BuiltInDirectoryCheck>();
        }

        builder.Services.AddAuthorizationBuilder().AddConsolePolicies();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddScoped<CurrentActor>();
        builder.Services.AddScoped<Components.Shared.Requests.StepUpPrompt>();
        builder.Services.AddScoped<AuthenticationStateProvider, DirectoryRevalidatingAuthenticationStateProvider>();
    }

    /// <summary>
    /// Step-up judges an Entra ID person's sign-in by the session's auth_time. When the ID token carries none, the sign-in
    /// we just asked to be fresh (prompt=login) happened now; any other sign-in gets no auth_time and so counts as stale.
    /// </summary>
    private static void KeepSignInTime(OpenIdConnectOptions options)
    {
        var previous = options.Events.OnTokenValidated;
        options.Events.OnTokenValidated = async ctx =>
        {
            await previous(ctx);
            if (ctx.Principal?.Identity is System.Security.Claims.ClaimsIdentity identity && identity.FindFirst("auth_time") is null
                && ctx.Properties?.Items.TryGetValue(FreshSignInItem, out var fresh) == true && fresh == "true")
                identity.AddClaim(new System.Security.Claims.Claim("auth_time",
                    DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        };
    }

    private static AuthenticationBuilder AddDirectoryCheckedApi(this AuthenticationBuilder authentication, string tokenScheme) =>
        authentication.AddScheme<DirectoryCheckedApiOptions, DirectoryCheckedApiHandler>(ApiScheme, "Console API bearer token", o =>
        {
            o.TokenScheme = tokenScheme;
            o.ForwardChallenge = tokenScheme;
            o.ForwardForbid = tokenScheme;
        });

    private static void ConfigureSessionCookie(CookieAuthenticationOptions cookie)
    {
        cookie.Cookie.Name = SessionCookieName;
        cookie.Cookie.HttpOnly = true;
        cookie.Cookie.SameSite = SameSiteMode.Lax;
        cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
        cookie.SlidingExpiration = true;
        cookie.AccessDeniedPath = "/account/forbidden";
        // Each request's session is checked against the directory (cached at most 60 s): a disabled account or a
        // removed role ends the session, and the next sign-in carries the current roles.
        cookie.Events.OnValidatePrincipal = async ctx =>
        {
            if (ctx.Principal is null)
                return;
            var verdict = await ctx.HttpContext.RequestServices.GetRequiredService<IDirectoryCheck>()
                .CheckAsync(ctx.Principal, ctx.HttpContext.RequestAborted);
            if (!verdict.Allowed)
            {
                ctx.RejectPrincipal();
                await ctx.HttpContext.SignOutAsync(ctx.Scheme.Name);
            }
        };
        cookie.Events.OnRedirectToAccessDenied = ctx =>
        {
            // Browsers get the forbidden page (which answers 403 itself); API callers get a bare 403.
            if (ctx.Request.Path.StartsWithSegments("/api"))
            {
                ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            }

            ctx.Response.Redirect(ctx.RedirectUri);
            return Task.CompletedTask;
        };
        cookie.Events.OnRedirectToLogin = ctx =>
        {
            if (ctx.Request.Path.StartsWithSegments("/api"))
            {
                ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Task.CompletedTask;
            }

            ctx.Response.Redirect(ctx.RedirectUri);
            return Task.CompletedTask;
        };
    }

    public static void MapAccountEndpoints(this WebApplication app)
    {
        var account = app.MapGroup("/account");

        // Starts OpenID Connect sign-in; the provider's page asks for the password. With fresh=true (step-up for an
        // approval) the provider must authenticate the person again whatever session it holds: prompt=login, max_age=0.
        account.MapGet("/signin", (string? returnUrl, bool? fresh) =>
            Results.Challenge(
                fresh == true
                    ? new OpenIdConnectChallengeProperties(new Dictionary<string, string?> { [FreshSignInItem] = "true" })
                    {
                        RedirectUri = SafeLocalUrl(returnUrl), Prompt = OpenIdConnectPrompt.Login, MaxAge = TimeSpan.Zero,
                    }
                    : new AuthenticationProperties { RedirectUri = SafeLocalUrl(returnUrl) },
                [OpenIdConnectDefaults.AuthenticationScheme])).AllowAnonymous();

        // Ends the session here and at the provider (RP-initiated sign-out), then lands on the signed-out page.
        account.MapPost("/signout", async (HttpContext http, IAntiforgery antiforgery) =>
            {
                if (!await antiforgery.IsRequestValidAsync(http))
                {
                    return Results.BadRequest("The sign-out form expired; reload the page and sign out again.");
                }

                return Results.SignOut(new AuthenticationProperties { RedirectUri = "/account/signed-out" },
                    [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]);
            })
            .RequireAuthorization()
            .DisableAntiforgery();
    }

    public static string SafeLocalUrl(string? url) => ReturnUrls.SafeLocal(url);
}

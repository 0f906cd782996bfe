using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

using Console.Web.Hosting;

namespace Console.Web.Identity;

/// <summary>
/// The embedded OpenID Connect provider (OpenIddict) that the console signs in with when no Entra ID tenant is
/// configured. It is a real provider: authorization code + PKCE, a confidential client, signed tokens, RP-initiated
/// sign-out; the console talks to it over HTTP exactly as it would to Entra.
/// </summary>
public static class LocalIdentityProvider
{
    /// <summary>The provider's own session (who is signed in at the provider), separate from the console's cookie.</summary>
    public const string ProviderCookieScheme = "LocalIdp";

    public const string ApiScope = "console-api";

    public static void AddLocalIdentityProvider(this WebApplicationBuilder builder, ConsoleOptions console)
    {
        var services = builder.Services;
        services.AddDbContext<IdentityDbContext>(o => Configure(o, console.ConnectionString));

        services.AddAuthentication().AddCookie(ProviderCookieScheme, o =>
        {
            // Cookies are not separated by port: the provider's and the console's cookies need distinct names.
            o.Cookie.Name = ".vnfconsole.idp";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.LoginPath = "/account/login";
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = false;
        });

        services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<IdentityDbContext>())
            .AddServer(o =>
            {
                o.SetIssuer(new Uri(console.PublicOrigin + "/"));
                o.SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token")
                    .SetEndSessionEndpointUris("connect/endsession")
                    .SetUserInfoEndpointUris("connect/userinfo");
                o.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow();
                if (Api.AutomationSettings.Read(builder.Configuration) is not null)
                {
                    o.AllowClientCredentialsFlow();
                }
                o.RequireProofKeyForCodeExchange();
                // Only S256: "plain" sends the verifier itself, so an intercepted code could still be redeemed.
                o.Configure(options =>
                {
                    options.CodeChallengeMethods.Clear();
                    options.CodeChallengeMethods.Add(CodeChallengeMethods.Sha256);
                });
                o.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Roles, Scopes.OfflineAccess, ApiScope);
                o.SetAccessTokenLifetime(TimeSpan.FromMinutes(30));
                o.SetAuthorizationCodeLifetime(TimeSpan.FromMinutes(2));
                o.DisableAccessTokenEncryption();

                // Shared by every node: a code or token one node issues is redeemed or checked by another.
                var keys = Workflows.Keys.KeyStoreOptions.From(builder.Configuration).ResolvedFolder;
                var signing = SharedCertificates.Resolve(console.SigningCertificate, console.SigningCertificatePassword, keys,
                    "provider-signing.pem", "VNF console token signing", X509KeyUsageFlags.DigitalSignature);
                var encryption = console.EncryptionCertificate is not { Length: > 0 } && console.SigningCertificate is { Length: > 0 }
                    ? signing
                    : SharedCertificates.Resolve(console.EncryptionCertificate, console.EncryptionCertificatePassword, keys,
                        "provider-encryption.pem", "VNF console token encryption", X509KeyUsageFlags.KeyEncipherment);
                o.AddSigningCertificate(signing).AddEncryptionCertificate(encryption);

                var aspNet = o.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableStatusCodePagesIntegration();
                if (console.PublicOriginIsLoopback)
                {
                    aspNet.DisableTransportSecurityRequirement();
                }
            })
            .AddValidation(o =>
            {
                o.UseLocalServer();
                o.UseAspNetCore();
                // API tokens must be issued for the console API (aud console-api), not just by this issuer.
                o.AddAudiences(ApiScope);
            });
    }

    private static void Configure(DbContextOptionsBuilder o, string connectionString)
    {
        o.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations", IdentityDbContext.Schema));
        o.UseOpenIddict();
    }

    /// <summary>Creates the provider's tables as the schema owner (before the runtime role is granted its privileges).</summary>
    public static async Task CreateTablesAsync(string ownerConnectionString, CancellationToken ct)
    {
        var options = new DbContextOptionsBuilder<IdentityDbContext>();
        Configure(options, ownerConnectionString);
        await using var db = new IdentityDbContext(options.Options);
        await CreateTablesAsync(db, ct);
    }

    /// <summary>Creates the provider's tables if missing (a no-op once the owner made them) and registers the console as its client.</summary>
    public static async Task InitializeAsync(IServiceProvider services, ConsoleOptions console, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        await CreateTablesAsync(scope.ServiceProvider.GetRequiredService<IdentityDbContext>(), ct);
        await RegisterClientAsync(scope.ServiceProvider, console, ct);
    }

    private static async Task CreateTablesAsync(IdentityDbContext db, CancellationToken ct)
    {
        // EnsureCreated refuses when Marten's tables already exist in the database; create our schema's tables
        // explicitly, once, under an advisory lock so two starting nodes don't race.
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await db.Database.ExecuteSqlRawAsync("select pg_advisory_lock(581027)", ct);
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            await using (var check = new NpgsqlCommand("select to_regclass('identity.\"OpenIddictApplications\"') is not null", conn))
            {
                var exists = (bool)(await check.ExecuteScalarAsync(ct))!;
                if (!exists)
                {
                    await db.Database.ExecuteSqlRawAsync("create schema if not exists identity", ct);
                    await db.Database.GetService<IRelationalDatabaseCreator>().CreateTablesAsync(ct);
                }
            }

            await db.Database.ExecuteSqlRawAsync("select pg_advisory_unlock(581027)", ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task RegisterClientAsync(IServiceProvider services, ConsoleOptions console, CancellationToken ct)
    {
        var manager = services.GetRequiredService<IOpenIddictApplicationManager>();
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = console.ClientId,
            ClientSecret = console.ClientSecret,
            ClientType = ClientTypes.Confidential,
            ConsentType = ConsentTypes.Implicit,
            DisplayName = "VNF mobility console",
            RedirectUris = { new Uri(console.PublicOrigin + "/signin-oidc") },
            PostLogoutRedirectUris = { new Uri(console.PublicOrigin + "/signout-callback-oidc") },
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.Endpoints.EndSession,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.GrantTypes.RefreshToken,
                Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile,
                Permissions.Scopes.Roles,
                Permissions.Prefixes.Scope + ApiScope,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };

        // The redirect URIs follow the configured public origin and the secret follows configuration, so the
        // registration is rewritten at every start.
        var existing = await manager.FindByClientIdAsync(console.ClientId, ct);
        if (existing is null)
        {
            await manager.CreateAsync(descriptor, ct);
        }
        else
        {
            await manager.UpdateAsync(existing, descriptor, ct);
        }

        await Api.ApiClients.RegisterAsync(manager, console, services.GetRequiredService<IConfiguration>(), ct);
    }

    public static void MapLocalIdentityProvider(this WebApplication app)
    {
        var connect = app.MapGroup("/connect").AllowAnonymous().DisableAntiforgery();
        connect.MapMethods("/authorize", ["GET", "POST"], (Delegate)AuthorizeAsync);
        connect.MapPost("/token", (Delegate)TokenAsync);
        connect.MapMethods("/endsession", ["GET", "POST"], (Delegate)EndSessionAsync);
        connect.MapMethods("/userinfo", ["GET", "POST"], (Delegate)UserInfoAsync)
            .RequireAuthorization(p => p.AddAuthenticationSchemes(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme).RequireAuthenticatedUser());
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext http, UserDirectory users, CancellationToken ct)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");

        var session = await http.AuthenticateAsync(ProviderCookieScheme);
        var user = session.Succeeded ? await users.FindAsync(session.Principal!.FindFirstValue(Claims.Subject)!, ct) : null;
        if (user is null || user.Disabled || request.HasPromptValue(PromptValues.Login))
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Results.Forbid(
                    new AuthenticationProperties(new Dictionary<string, string?>
                    {
                        [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.LoginRequired,
                        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The user is not signed in.",
                    }),
                    [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
            }

            // Send the person to the provider's sign-in page and bring them back to this same request.
            var returnUrl = http.Request.PathBase + http.Request.Path + QueryString.Create(
                http.Request.HasFormContentType ? [.. http.Request.Form] : [.. http.Request.Query]);
            return Results.Challenge(new AuthenticationProperties { RedirectUri = returnUrl }, [ProviderCookieScheme]);
        }

        var principal = CreatePrincipal(user, request.GetScopes());
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> TokenAsync(HttpContext http, UserDirectory users, CancellationToken ct)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");
        if (request.IsClientCredentialsGrantType() && request.ClientId == Api.ApiClients.AutomationClientId)
        {
            // OpenIddict has already checked the client secret and the client's permission for this grant. The roles
            // are checked again at issuance (start-up refuses them too): a machine never holds a person's rights.
            var (automation, refusal) = Api.AutomationSettings.ForIssuance(http.RequestServices.GetRequiredService<IConfiguration>());
            if (automation is null)
            {
                return Results.Forbid(
                    new AuthenticationProperties(new Dictionary<string, string?>
                    {
                        [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.UnauthorizedClient,
                        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = refusal,
                    }),
                    [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
            }

            return Results.SignIn(Api.ApiClients.AutomationPrincipal(automation, request.GetScopes()),
                authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        if (!request.IsAuthorizationCodeGrantType() && !request.IsRefreshTokenGrantType())
        {
            return Results.BadRequest();
        }

        var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var user = result.Principal is null ? null : await users.FindAsync(result.Principal.FindFirstValue(Claims.Subject)!, ct);
        if (user is null || user.Disabled)
        {
            // The account was removed or disabled since the code was issued: no tokens.
            return Results.Forbid(
                new AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidGrant,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The account is no longer allowed to sign in.",
                }),
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        // Roles are read afresh from the directory so a role removed since sign-in is not carried forward.
        var principal = CreatePrincipal(user, result.Principal!.GetScopes());
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> EndSessionAsync(HttpContext http)
    {
        // Only the person's own console may end their session: it sends the id token it was given (id_token_hint),
        // which another site cannot know. A bare link or form from elsewhere signs nobody out.
        var hint = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var session = await http.AuthenticateAsync(ProviderCookieScheme);
        if (!EndSessionAllowed(hint.Principal?.FindFirstValue(Claims.Subject), session.Principal?.FindFirstValue(Claims.Subject)))
        {
            return Results.Text(
                "Sign-out must come from the console with the id_token_hint of the signed-in person; use Sign out in the console's menu.",
                "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
        }

        await http.SignOutAsync(ProviderCookieScheme);
        return Results.SignOut(
            new AuthenticationProperties { RedirectUri = "/account/signed-out" },
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    /// <summary>
    /// Whether an end-session request may sign out the provider's session: it must carry a valid id token hint, and
    /// when someone is signed in at the provider, the hint must be theirs.
    /// </summary>
    internal static bool EndSessionAllowed(string? hintSubject, string? sessionSubject) =>
        !string.IsNullOrEmpty(hintSubject) && (sessionSubject is null || string.Equals(hintSubject, sessionSubject, StringComparison.Ordinal));

    private static async Task<IResult> UserInfoAsync(HttpContext http, UserDirectory users, CancellationToken ct)
    {
        var sub = http.User.FindFirstValue(Claims.Subject);
        var user = sub is null ? null : await users.FindAsync(sub, ct);
        if (user is null)
        {
            return Results.Challenge(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        return Results.Ok(new Dictionary<string, object>
        {
            [Claims.Subject] = user.Id,
            [Claims.Name] = user.DisplayName,
            [Claims.PreferredUsername] = user.Id,
            [Claims.Role] = user.Roles,
            ["groups"] = user.Groups,
        });
    }

    private static ClaimsPrincipal CreatePrincipal(ConsoleUser user, IEnumerable<string> scopes)
    {
        var identity = new ClaimsIdentity(
            authenticationType: TokenValidationParameters.DefaultAuthenticationType,
            nameType: Claims.Name,
            roleType: Claims.Role);
        identity.SetClaim(Claims.Subject, user.Id)
            .SetClaim(Claims.Name, user.DisplayName)
            .SetClaim(Claims.PreferredUsername, user.Id)
            .SetClaims(Claims.Role, [.. user.Roles])
            .SetClaims("groups", [.. user.Groups]);
        identity.SetScopes(scopes);
        identity.SetResources(ApiScope);
        identity.SetDestinations(claim => claim.Type switch
        {
            // Name and roles go to both tokens: the console reads the id token, the API the access token.
            Claims.Name or Claims.Role or Claims.PreferredUsername or "groups" => [Destinations.AccessToken, Destinations.IdentityToken],
            _ => [Destinations.AccessToken],
        });
        return new ClaimsPrincipal(identity);
    }

    /// <summary>Signs a person in at the provider after the sign-in page checked their password.</summary>
    public static Task SignInAtProviderAsync(HttpContext http, ConsoleUser user)
    {
        var identity = new ClaimsIdentity(ProviderCookieScheme, Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, user.Id));
        identity.AddClaim(new Claim(Claims.Name, user.DisplayName));
        return http.SignInAsync(ProviderCookieScheme, new ClaimsPrincipal(identity));
    }
}

using System.Security.Claims;
using Console.Web.Hosting;
using Console.Web.Identity;
using Console.Workflows.Common;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Console.Web.Api;

/// <summary>
/// The built-in provider's clients for the API. <c>vnf-cli</c>: a public client (no secret) for people using scripts,
/// authorization code + PKCE with a loopback redirect; its tokens carry the person's roles and groups exactly like a
/// browser sign-in. <c>vnf-automation</c>: client credentials for unattended automation, only when
/// <c>Console:Automation:ClientSecret</c> is configured, with the roles of <c>Console:Automation:Roles</c>.
/// </summary>
public static class ApiClients
{
    public const string CliClientId = "vnf-cli";
    public const string CliRedirectUri = "http://127.0.0.1:8765/callback";
    public const string AutomationClientId = "vnf-automation";
    public const string AutomationSubject = "automation:" + AutomationClientId;

    /// <summary>Where the API reference page receives its code when someone signs in from it.</summary>
    public static string DocsRedirectUri(ConsoleOptions console) => console.PublicOrigin + "/api/docs/v1";

    public static async Task RegisterAsync(IOpenIddictApplicationManager manager, ConsoleOptions console, IConfiguration configuration, CancellationToken ct)
    {
        var cli = new OpenIddictApplicationDescriptor
        {
            ClientId = CliClientId,
            ClientType = ClientTypes.Public,
            ConsentType = ConsentTypes.Implicit,
            DisplayName = "VNF console CLI and scripts",
            RedirectUris = { new Uri(CliRedirectUri), new Uri(DocsRedirectUri(console)) },
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.GrantTypes.RefreshToken,
                Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile,
                Permissions.Scopes.Roles,
                Permissions.Prefixes.Scope + LocalIdentityProvider.ApiScope,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        await CreateOrUpdateAsync(manager, cli, ct);

        var automation = AutomationSettings.Read(configuration);
        var existing = await manager.FindByClientIdAsync(AutomationClientId, ct);
        if (automation is null)
        {
            // Configuration no longer asks for it: a secret registered earlier must stop working.
            if (existing is not null)
            {
                await manager.DeleteAsync(existing, ct);
            }

            return;
        }

        await CreateOrUpdateAsync(manager, new OpenIddictApplicationDescriptor
        {
            ClientId = AutomationClientId,
            ClientSecret = automation.ClientSecret,
            ClientType = ClientTypes.Confidential,
            DisplayName = "VNF console automation",
            Permissions =
            {
                Permissions.Endpoints.Token,
                Permissions.GrantTypes.ClientCredentials,
                Permissions.Prefixes.Scope + LocalIdentityProvider.ApiScope,
            },
        }, ct);
    }

    /// <summary>The identity an automation token is issued for: a fixed subject and the configured roles.</summary>
    public static ClaimsPrincipal AutomationPrincipal(AutomationSettings settings, IEnumerable<string> requestedScopes)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, AutomationSubject)
            .SetClaim(Claims.Name, "Automation (" + AutomationClientId + ")")
            .SetClaims(Claims.Role, [.. settings.Roles]);
        identity.SetScopes(requestedScopes.Where(s => s == LocalIdentityProvider.ApiScope));
        identity.SetResources(LocalIdentityProvider.ApiScope);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        return new ClaimsPrincipal(identity);
    }

    private static async Task CreateOrUpdateAsync(IOpenIddictApplicationManager manager, OpenIddictApplicationDescriptor descriptor, CancellationToken ct)
    {
        var existing = await manager.FindByClientIdAsync(descriptor.ClientId!, ct);
        if (existing is null)
        {
            await manager.CreateAsync(descriptor, ct);
        }
        else
        {
            await manager.UpdateAsync(existing, descriptor, ct);
        }
    }
}

/// <summary><c>Console:Automation:ClientSecret</c> and <c>Console:Automation:Roles</c> ("NocOperator" or "NocOperator,Auditor").</summary>
public sealed record AutomationSettings(string ClientSecret, IReadOnlyList<string> Roles)
{
    /// <summary>Null when no secret is configured (no automation client). Unknown role names stop the start.</summary>
    public static AutomationSettings? Read(IConfiguration configuration)
    {
        var section = configuration.GetSection("Console:Automation");
        var secret = section["ClientSecret"];
        if (string.IsNullOrWhiteSpace(secret))
        {
            return null;
        }

        var listed = section.GetSection("Roles").GetChildren().Select(c => c.Value).ToList();
        var raw = listed.Count > 0 ? listed : [section["Roles"]];
        var roles = raw.SelectMany(r => (r ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal).ToList();
        var unknown = roles.Where(r => !Workflows.Common.Roles.All.Contains(r)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"Console:Automation:Roles names unknown roles ({string.Join(", ", unknown)}); use {string.Join(", ", Workflows.Common.Roles.All)}.");
        }

        if (PrivilegedRoles(roles) is { Count: > 0 } privileged)
        {
            throw new InvalidOperationException(
                $"Console:Automation:Roles may not name {string.Join(", ", privileged)}: approving, security decisions and "
                + "administration need a person. Give the automation client NocOperator (and Auditor to read history) only.");
        }

        return new AutomationSettings(secret, roles);
    }

    /// <summary>
    /// The settings a client-credentials token may be issued with now, or why none may: configuration may have changed
    /// since start-up, and a token with a person-only role is never issued.
    /// </summary>
    public static (AutomationSettings? Settings, string Refusal) ForIssuance(IConfiguration configuration)
    {
        try
        {
            return Read(configuration) is { } settings
                ? (settings, "")
                : (null, "No automation client is configured.");
        }
        catch (InvalidOperationException ex)
        {
            return (null, ex.Message);
        }
    }

    /// <summary>Roles that need a person, never a machine: approving, security decisions, administration.</summary>
    public static readonly IReadOnlySet<string> PersonOnlyRoles =
        new HashSet<string>(StringComparer.Ordinal) { Workflows.Common.Roles.NocApprover, Workflows.Common.Roles.SecurityOfficer, Workflows.Common.Roles.Administrator };

    /// <summary>The person-only roles among <paramref name="roles"/>.</summary>
    public static IReadOnlyList<string> PrivilegedRoles(IEnumerable<string> roles) =>
        [.. roles.Where(PersonOnlyRoles.Contains).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}

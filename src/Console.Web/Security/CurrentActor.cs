using System.Security.Claims;
using Console.Workflows.Common;
using Microsoft.AspNetCore.Components.Authorization;

namespace Console.Web.Security;

/// <summary>Turns the verified principal of the current circuit or request into the Actor commands are carried out for.</summary>
public sealed class CurrentActor(AuthenticationStateProvider authState)
{
    public async Task<Actor> GetAsync()
    {
        var state = await authState.GetAuthenticationStateAsync();
        return FromPrincipal(state.User);
    }

    public static Actor FromPrincipal(ClaimsPrincipal user)
    {
        var id = PersonId(user);
        var name = user.Identity?.Name ?? user.FindFirstValue("name") ?? id;
        var identityRoleTypes = user.Identities.Select(i => i.RoleClaimType).Append(ClaimTypes.Role).Distinct().ToArray();
        var roles = user.Claims.Where(c => identityRoleTypes.Contains(c.Type)).Select(c => c.Value)
            .Where(r => Roles.All.Contains(r)).ToHashSet(StringComparer.Ordinal);
        var groups = user.Claims.Where(c => c.Type is "groups" or "group").Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return new Actor(id, name, roles) { Groups = groups, AuthenticatedAt = AuthenticatedAt(user) };
    }

    /// <summary>
    /// When the person signed in at the identity provider: the verified ID or access token's auth_time (seconds since
    /// the epoch), which step-up judges a fresh sign-in by; null when the token did not carry one.
    /// </summary>
    public static DateTimeOffset? AuthenticatedAt(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return long.TryParse(user.FindFirstValue("auth_time"), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and < 253402300800
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
    }

    // Entra ID names these claims "oid" and "tid" in access tokens (the API maps no inbound claims) and by their long
    // names in the browser's session (Microsoft.Identity.Web maps them).
    private const string ObjectIdLong = "http://schemas.microsoft.com/identity/claims/objectidentifier";
    private const string TenantIdLong = "http://schemas.microsoft.com/identity/claims/tenantid";

    /// <summary>
    /// The person's id, the same whichever way they came in. With Entra ID it is the object id within its tenant
    /// ("oid@tid"), never "sub": Entra's sub is pairwise per application, so the browser's ID token and an API access
    /// token carry different subs for one person, who would then count twice in a quorum. The built-in provider's sub
    /// is the account id in both tokens.
    /// </summary>
    public static string PersonId(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var oid = user.FindFirstValue("oid") ?? user.FindFirstValue(ObjectIdLong);
        if (!string.IsNullOrWhiteSpace(oid))
        {
            var tid = user.FindFirstValue("tid") ?? user.FindFirstValue(TenantIdLong);
            return string.IsNullOrWhiteSpace(tid) ? oid : $"{oid}@{tid}";
        }

        return user.FindFirstValue("sub") ?? user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonymous";
    }
}

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
        var id = user.FindFirstValue("sub") ?? user.FindFirstValue(ClaimTypes.NameIdentifier)
            ?? user.FindFirstValue("oid") ?? "anonymous";
        var name = user.Identity?.Name ?? user.FindFirstValue("name") ?? id;
        var identityRoleTypes = user.Identities.Select(i => i.RoleClaimType).Append(ClaimTypes.Role).Distinct().ToArray();
        var roles = user.Claims.Where(c => identityRoleTypes.Contains(c.Type)).Select(c => c.Value)
            .Where(r => Roles.All.Contains(r)).ToHashSet(StringComparer.Ordinal);
        var groups = user.Claims.Where(c => c.Type is "groups" or "group").Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return new Actor(id, name, roles) { Groups = groups };
    }
}

using Console.Web.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Console.Web.Api;

public static class ApiAuthorization
{
    /// <summary>
    /// The named policy the pages use, evaluated against the bearer token only: the session cookie is never read on
    /// /api, so a page can't be tricked into calling the API for its visitor (no CSRF surface).
    /// </summary>
    public static TBuilder RequireApiPolicy<TBuilder>(this TBuilder endpoint, string policy)
        where TBuilder : IEndpointConventionBuilder =>
        endpoint.RequireAuthorization(new AuthorizeAttribute(policy) { AuthenticationSchemes = AuthenticationSetup.ApiScheme });

    /// <summary>Any valid bearer token.</summary>
    public static TBuilder RequireApiToken<TBuilder>(this TBuilder endpoint)
        where TBuilder : IEndpointConventionBuilder =>
        endpoint.RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = AuthenticationSetup.ApiScheme });

    public static bool IsApiPath(PathString path) => path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// On /api, a missing or invalid token is answered with a 401 problem and a missing role with a 403 problem that names
/// the roles needed; elsewhere the default behaviour (sign-in redirect, forbidden page) stays.
/// </summary>
internal sealed class ApiAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded || !ApiAuthorization.IsApiPath(context.Request.Path))
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        if (authorizeResult.Challenged)
        {
            // The schemes set WWW-Authenticate (error="invalid_token" for a bad one); the problem explains.
            foreach (var scheme in Schemes(policy))
            {
                await context.ChallengeAsync(scheme);
            }

            await WriteAsync(context, ApiResults.Problem(
                StatusCodes.Status401Unauthorized,
                "Access token required",
                "Send a valid, unexpired access token for the console API in the Authorization header (Bearer). "
                + "How to get one: /api/docs and docs/api.md in the repository."));
            return;
        }

        foreach (var scheme in Schemes(policy))
        {
            await context.ForbidAsync(scheme);
        }

        await WriteAsync(context, ApiResults.Problem(StatusCodes.Status403Forbidden, "Not allowed", ForbiddenDetail(policy, context)));
    }

    internal static string ForbiddenDetail(AuthorizationPolicy policy, HttpContext context)
    {
        var needed = policy.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles).Distinct().ToList();
        if (needed.Count == 0)
        {
            return "Your token does not allow this.";
        }

        var held = CurrentActor.FromPrincipal(context.User).Roles;
        return $"This needs one of the roles {string.Join(", ", needed)}; your token carries "
            + (held.Count == 0 ? "none." : string.Join(", ", held.Order()) + ".");
    }

    private static IEnumerable<string?> Schemes(AuthorizationPolicy policy) =>
        policy.AuthenticationSchemes.Count > 0 ? policy.AuthenticationSchemes.Select(s => (string?)s) : [null];

    private static async Task WriteAsync(HttpContext context, IResult problem)
    {
        if (!context.Response.HasStarted)
        {
            await problem.ExecuteAsync(context);
        }
    }
}

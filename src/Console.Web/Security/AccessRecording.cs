using Console.Web.Hosting;
using Console.Workflows.Audit.Access;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.Options;

namespace Console.Web.Security;

/// <summary>
/// Puts sign-ins and refused attempts at pages and endpoints into the security history: the console's session cookie
/// records each new session (whichever provider the person came through), and every named-policy refusal of an
/// HTTP request is recorded before the usual answer (forbidden page or 403 problem) is given.
/// </summary>
public static class AccessRecording
{
    /// <summary>Call after the authentication and API registrations: it wraps what they registered.</summary>
    public static IServiceCollection AddAccessRecording(this IServiceCollection services)
    {
        var inner = services.LastOrDefault(d => d.ServiceType == typeof(IAuthorizationMiddlewareResultHandler));
        if (inner is not null)
            services.Remove(inner);
        services.AddSingleton<IAuthorizationMiddlewareResultHandler>(sp => new RecordingAuthorizationResultHandler(
            inner is null ? new AuthorizationMiddlewareResultHandler() : Create(sp, inner), sp.GetRequiredService<IAccessJournal>()));
        services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>, SessionSignInRecording>();
        return services;
    }

    /// <summary>"Needs ViewHistory (SecurityOfficer or Auditor); holds NocOperator."</summary>
    internal static string Reason(IEnumerable<string> policies, IReadOnlySet<string> held)
    {
        var needed = policies.Select(p => Policies.RolesFor.TryGetValue(p, out var roles) ? $"{p} ({string.Join(" or ", roles)})" : p);
        return $"Needs {string.Join(" and ", needed)}; holds {(held.Count == 0 ? "no role" : string.Join(", ", held.Order(StringComparer.Ordinal)))}.";
    }

    private static IAuthorizationMiddlewareResultHandler Create(IServiceProvider services, ServiceDescriptor descriptor) =>
        (IAuthorizationMiddlewareResultHandler)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}

/// <summary>Records a signed-in person refused by a named policy, then lets the wrapped handler answer as before.</summary>
internal sealed class RecordingAuthorizationResultHandler(IAuthorizationMiddlewareResultHandler inner, IAccessJournal journal)
    : IAuthorizationMiddlewareResultHandler
{
    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && context.User.Identity?.IsAuthenticated == true)
        {
            var named = context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>()
                .Select(a => a.Policy).OfType<string>().Distinct().ToList() ?? [];
            if (named.Count > 0)
            {
                var actor = CurrentActor.FromPrincipal(context.User);
                var path = context.Request.Path.Value ?? "/";
                // The attempt happened whether or not the caller waits for the answer.
                await journal.RefusedAsync(actor, $"{context.Request.Method} {path}", path, AccessRecording.Reason(named, actor.Roles),
                    CancellationToken.None);
            }
        }

        await inner.HandleAsync(next, context, policy, authorizeResult);
    }
}

/// <summary>
/// Records each new console session as it is issued. Recording comes before the cookie: a session the history cannot
/// record is not started (the sign-in fails and can be retried).
/// </summary>
internal sealed class SessionSignInRecording(IAccessJournal journal, ConsoleOptions console) : IPostConfigureOptions<CookieAuthenticationOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions options)
    {
        // The provider's own cookie (the built-in sign-in page) is not a console session.
        if (options.Cookie.Name != AuthenticationSetup.SessionCookieName)
            return;

        var provider = console.UseEntraId ? "Microsoft Entra ID" : "the built-in provider";
        var earlier = options.Events.OnSigningIn;
        options.Events.OnSigningIn = async context =>
        {
            await earlier(context);
            if (context.Principal?.Identity?.IsAuthenticated == true)
            {
                await journal.SignedInAsync(CurrentActor.FromPrincipal(context.Principal), provider,
                    context.HttpContext.Connection.RemoteIpAddress?.ToString(), context.HttpContext.RequestAborted);
            }
        };
    }
}

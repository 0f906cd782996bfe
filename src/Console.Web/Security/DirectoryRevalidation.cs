using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;

namespace Console.Web.Security;

/// <summary>
/// Open Blazor circuits ask the directory again every 30 seconds (with the directory's cache, a change takes effect
/// within <see cref="DirectoryRules.MaxDelay"/>): a disabled account or a removed role signs the circuit out, and the
/// pages then ask the person to sign in again, which issues a principal with the current roles.
/// </summary>
public sealed class DirectoryRevalidatingAuthenticationStateProvider(ILoggerFactory loggerFactory, IDirectoryCheck directory)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override TimeSpan RevalidationInterval => Interval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        var verdict = await directory.CheckAsync(authenticationState.User, cancellationToken);
        return verdict.Allowed;
    }

    /// <summary>For tests: the same question the timer asks.</summary>
    internal Task<bool> RevalidateNowAsync(AuthenticationState state, CancellationToken ct) => ValidateAuthenticationStateAsync(state, ct);
}

/// <summary>
/// The API's authentication: the bearer token validated by the provider's scheme, then the person checked against the
/// directory on every request (cached at most 60 s), so a token issued before a disabled account or a removed role
/// stops working too.
/// </summary>
public sealed class DirectoryCheckedApiHandler(
    IOptionsMonitor<DirectoryCheckedApiOptions> options, ILoggerFactory logger, System.Text.Encodings.Web.UrlEncoder encoder, IDirectoryCheck directory)
    : AuthenticationHandler<DirectoryCheckedApiOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var inner = await Context.AuthenticateAsync(Options.TokenScheme);
        if (!inner.Succeeded)
            return inner;

        var verdict = await directory.CheckAsync(inner.Principal!, Context.RequestAborted);
        return verdict.Allowed
            ? AuthenticateResult.Success(new AuthenticationTicket(inner.Principal!, inner.Properties, Scheme.Name))
            : AuthenticateResult.Fail(verdict.Reason);
    }
}

public sealed class DirectoryCheckedApiOptions : AuthenticationSchemeOptions
{
    /// <summary>The scheme that validates the bearer token itself (OpenIddict validation or Entra JWT bearer).</summary>
    public string TokenScheme { get; set; } = "";
}

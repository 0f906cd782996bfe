using System.Collections.Concurrent;
using System.Security.Claims;
using Console.Web.Api;
using Console.Web.Identity;
using Console.Workflows.Accounts;
using Console.Workflows.Common;

namespace Console.Web.Security;

/// <summary>
/// Whether a principal issued earlier (session cookie, open Blazor circuit, API access token) still matches the
/// directory: the account exists and is enabled, and every role and group it carries is still held. A principal
/// carrying less than the person now holds stays valid (the new right shows after the next sign-in).
/// </summary>
public interface IDirectoryCheck
{
    Task<DirectoryVerdict> CheckAsync(ClaimsPrincipal principal, CancellationToken ct = default);
}

public sealed record DirectoryVerdict(bool Allowed, string Reason)
{
    public static DirectoryVerdict Allow { get; } = new(true, "");

    public static DirectoryVerdict Refuse(string reason) => new(false, reason);
}

/// <summary>The pure rules, shared by every way the directory is asked.</summary>
public static class DirectoryRules
{
    /// <summary>At most this long between a change in the directory and its effect (the cache is half of it).</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(60);

    public static DirectoryVerdict Check(Actor claimed, UserAccount? current) =>
        AccountStanding.Problem(claimed, current) is { } problem ? DirectoryVerdict.Refuse(problem) : DirectoryVerdict.Allow;

    /// <summary>The automation client: still configured, and its token holds no role the configuration no longer gives it.</summary>
    public static DirectoryVerdict CheckAutomation(Actor claimed, AutomationSettings? current, string? configurationProblem)
    {
        if (current is null)
            return DirectoryVerdict.Refuse(configurationProblem is { Length: > 0 } ? configurationProblem : "The automation client is no longer configured.");
        if (AutomationSettings.PrivilegedRoles(claimed.Roles) is { Count: > 0 } privileged)
            return DirectoryVerdict.Refuse($"The automation client may not hold {string.Join(", ", privileged)}.");
        var removed = claimed.Roles.Except(current.Roles, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return removed.Count > 0
            ? DirectoryVerdict.Refuse($"The automation client no longer holds {string.Join(", ", removed)}.")
            : DirectoryVerdict.Allow;
    }
}

/// <summary>
/// The built-in provider's directory (the user_account documents, projected from the account events). Each account is read at most once per
/// <c>Console:Directory:CacheSeconds</c> (default and most 30) per node, so a check per request stays cheap.
/// </summary>
public sealed class BuiltInDirectoryCheck(UserDirectory users, IConfiguration configuration, TimeProvider time) : IDirectoryCheck
{
    private const int MaxCached = 10_000;

    /// <summary>The longest a directory answer is reused; with the circuits' 30 s revalidation, a change bites within a minute.</summary>
    public static readonly TimeSpan MaxCacheFor = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, (UserAccount? User, DateTimeOffset ReadAt)> _cache = new(StringComparer.Ordinal);

    public TimeSpan CacheFor { get; } = TimeSpan.FromSeconds(Math.Clamp(configuration.GetValue("Console:Directory:CacheSeconds", 30), 0, MaxCacheFor.TotalSeconds));

    public async Task<DirectoryVerdict> CheckAsync(ClaimsPrincipal principal, CancellationToken ct = default)
    {
        if (principal.Identity?.IsAuthenticated != true)
            return DirectoryVerdict.Allow;
        var claimed = CurrentActor.FromPrincipal(principal);
        if (claimed.UserId == ApiClients.AutomationSubject)
        {
            var (settings, problem) = AutomationSettings.ForIssuance(configuration);
            return DirectoryRules.CheckAutomation(claimed, settings, problem);
        }

        var verdict = DirectoryRules.Check(claimed, await ReadAsync(claimed.UserId, fresh: false, ct));
        // Never refuse on a cached answer: a role granted since (a new session carries it) would be refused until the
        // cache expires, and each refusal sends the browser back through sign-in, which issues the same roles again.
        return verdict.Allowed ? verdict : DirectoryRules.Check(claimed, await ReadAsync(claimed.UserId, fresh: true, ct));
    }

    private async Task<UserAccount?> ReadAsync(string userId, bool fresh, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (!fresh && _cache.TryGetValue(userId, out var cached) && now - cached.ReadAt < CacheFor)
            return cached.User;
        var user = (await users.FindAsync(userId, ct))?.Account;
        if (_cache.Count >= MaxCached)
            _cache.Clear();
        _cache[userId] = (user, now);
        return user;
    }
}

/// <summary>
/// Microsoft Entra ID: the console does not query the tenant (that would need Graph permissions). What it checks per
/// request is what the token itself says: an app-only token (no person) may not hold a person-only role. A disabled
/// account or a removed app role takes effect at Entra when tokens are next issued (sessions are bounded by the ID
/// token's lifetime through re-authentication, access tokens by their lifetime); see the README.
/// </summary>
public sealed class EntraDirectoryCheck : IDirectoryCheck
{
    public Task<DirectoryVerdict> CheckAsync(ClaimsPrincipal principal, CancellationToken ct = default)
    {
        var appOnly = principal.FindFirstValue("idtyp") == "app";
        var privileged = AutomationSettings.PrivilegedRoles(CurrentActor.FromPrincipal(principal).Roles);
        return Task.FromResult(appOnly && privileged.Count > 0
            ? DirectoryVerdict.Refuse($"An application token may not hold {string.Join(", ", privileged)}.")
            : DirectoryVerdict.Allow);
    }
}

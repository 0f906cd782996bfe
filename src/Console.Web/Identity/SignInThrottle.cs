using Marten;

namespace Console.Web.Identity;

/// <summary>
/// The failed sign-ins of one account name at the built-in provider, known or not (an unknown name is throttled
/// exactly like a real one, so the throttle reveals nothing). Kept in PostgreSQL so every console node sees the same.
/// </summary>
public sealed record SignInAttempts(string Id, int Failures, DateTimeOffset? LockedUntil, DateTimeOffset? LastFailureAt)
{
    public static SignInAttempts None(string id) => new(id, 0, null, null);
}

/// <summary>
/// The back-off: the first <see cref="FreeFailures"/> wrong passwords cost nothing; each further one locks the account
/// name for twice as long as the previous (2 s, 4 s, 8 s ... up to <see cref="MaxLockout"/>). While locked, no password
/// is checked, the right one included, and the answer is the same as for a wrong one. A quiet
/// <see cref="ForgetAfter"/> since the last failure, or a successful sign-in, starts the count again.
/// </summary>
public static class SignInThrottlePolicy
{
    public const int FreeFailures = 3;

    public static readonly TimeSpan MaxLockout = TimeSpan.FromMinutes(15);

    public static readonly TimeSpan ForgetAfter = TimeSpan.FromMinutes(30);

    public static bool IsLockedOut(SignInAttempts state, DateTimeOffset now) => state.LockedUntil is { } until && now < until;

    /// <summary>The state after one more wrong password at <paramref name="now"/>.</summary>
    public static SignInAttempts Failed(SignInAttempts state, DateTimeOffset now)
    {
        var failures = state.LastFailureAt is { } last && now - last >= ForgetAfter ? 1 : state.Failures + 1;
        return state with { Failures = failures, LastFailureAt = now, LockedUntil = failures > FreeFailures ? now + Lockout(failures) : null };
    }

    public static TimeSpan Lockout(int failures)
    {
        if (failures <= FreeFailures)
            return TimeSpan.Zero;
        var seconds = Math.Pow(2, Math.Min(failures - FreeFailures, 20));
        return TimeSpan.FromSeconds(Math.Min(seconds, MaxLockout.TotalSeconds));
    }

    /// <summary>The key an attempt is counted under: the typed name as the directory would read it.</summary>
    public static string Key(string? userName)
    {
        var key = (userName ?? "").Trim().ToLowerInvariant();
        return key.Length > 100 ? key[..100] : key;
    }
}

/// <summary>Where failed sign-ins are kept; the Marten store makes them shared by all nodes.</summary>
public interface ISignInAttemptStore
{
    Task<SignInAttempts> GetAsync(string key, CancellationToken ct);

    Task SaveAsync(SignInAttempts attempts, CancellationToken ct);

    Task ForgetAsync(string key, CancellationToken ct);
}

public sealed class MartenSignInAttemptStore(IDocumentStore store) : ISignInAttemptStore
{
    public async Task<SignInAttempts> GetAsync(string key, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<SignInAttempts>(key, ct) ?? SignInAttempts.None(key);
    }

    public async Task SaveAsync(SignInAttempts attempts, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.Store(attempts);
        await session.SaveChangesAsync(ct);
    }

    public async Task ForgetAsync(string key, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.Delete<SignInAttempts>(key);
        await session.SaveChangesAsync(ct);
    }
}

using Console.Workflows.Audit.Access;
using Console.Workflows.Common;

namespace Console.Web.Identity;

/// <summary>
/// The built-in provider's password check with the per-account back-off (<see cref="SignInThrottlePolicy"/>). Every
/// refusal reads the same and takes about as long (a password hash is computed on every path), whether the account
/// exists, the password was wrong, or the name is locked; the security history records each refusal and each lockout.
/// </summary>
public sealed class SignInService(UserDirectory users, ISignInAttemptStore attempts, IAccessJournal journal, TimeProvider time, ILogger<SignInService> logger)
{
    /// <summary>The one answer to every refused sign-in.</summary>
    public const string RefusedMessage = "The user name or password is not correct.";

    public const string Operation = "SignIn";

    public const string LockoutOperation = "SignInLockout";

    public async Task<ConsoleUser?> AttemptAsync(string? userName, string? password, string? remoteAddress, CancellationToken ct)
    {
        var key = SignInThrottlePolicy.Key(userName);
        var now = time.GetUtcNow();
        var state = await attempts.GetAsync(key, ct);
        var from = string.IsNullOrWhiteSpace(remoteAddress) ? "" : $" (from {remoteAddress})";
        if (SignInThrottlePolicy.IsLockedOut(state, now))
        {
            users.HashForTiming(password ?? "");
            logger.LogWarning("Refused sign-in for {UserName}: locked until {Until}", key, state.LockedUntil);
            await RecordAsync(key, Operation, $"Sign-in refused without checking the password: locked after {state.Failures} failures until {state.LockedUntil:u}{from}.");
            return null;
        }

        var user = await users.VerifyAsync(userName ?? "", password ?? "", ct);
        if (user is not null)
        {
            if (state.Failures > 0)
                await attempts.ForgetAsync(key, ct);
            return user;
        }

        var next = SignInThrottlePolicy.Failed(state, now);
        await attempts.SaveAsync(next, ct);
        logger.LogWarning("Refused sign-in for {UserName}: unknown user or wrong password ({Failures} in a row)", key, next.Failures);
        await RecordAsync(key, Operation, $"Wrong password or unknown account{from}.");
        if (next.LockedUntil is { } until)
            await RecordAsync(key, LockoutOperation, $"{next.Failures} failed sign-ins in a row: locked until {until:u}{from}.");
        return null;
    }

    private Task RecordAsync(string key, string operation, string reason) =>
        journal.RefusedAsync(new Actor(key, key, new HashSet<string>()), operation, "account/" + key, reason, CancellationToken.None);
}

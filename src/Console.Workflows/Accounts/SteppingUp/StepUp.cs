using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Requests;
using Microsoft.Extensions.Configuration;

namespace Console.Workflows.Accounts.SteppingUp;

/// <summary>How a person proved, at the moment of a decision, that they are at the keyboard.</summary>
public static class StepUpMethods
{
    /// <summary>A code of the authenticator app enrolled on the built-in account.</summary>
    public const string Totp = "totp";

    /// <summary>One of the built-in account's one-time recovery codes.</summary>
    public const string RecoveryCode = "recovery-code";

    /// <summary>A sign-in at the identity provider (Microsoft Entra ID) no older than <see cref="StepUpOptions.MaxSignInAge"/>.</summary>
    public const string FreshSignIn = "fresh-sign-in";

    /// <summary>The work did not need a fresh authentication.</summary>
    public const string None = "none";

    /// <summary>What an approval's or rejection's line adds about how the person authenticated ("" when nothing to add).</summary>
    public static string Suffix(string? method, DateTimeOffset? at) =>
        method is null or None ? "" : $" (authenticated by {Describe(method, at)})";

    /// <summary>How the method reads for people; null (events older than step-up) reads as not recorded.</summary>
    public static string Describe(string? method, DateTimeOffset? at)
    {
        var when = at is { } t ? $" at {t.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC" : "";
        return method switch
        {
            Totp => "authenticator code" + when,
            RecoveryCode => "recovery code" + when,
            FreshSignIn => "fresh sign-in" + when,
            None => "no step-up needed",
            null => "not recorded (before step-up)",
            _ => method + when,
        };
    }
}

/// <summary>The authentication a decision was taken with (recorded on the approval or rejection).</summary>
public sealed record ApproverAuthentication(string Method, DateTimeOffset? At)
{
    public static ApproverAuthentication None { get; } = new(StepUpMethods.None, null);

    public bool IsFresh => Method is StepUpMethods.Totp or StepUpMethods.RecoveryCode or StepUpMethods.FreshSignIn;
}

/// <summary>Settings of step-up (configuration section <c>StepUp</c>).</summary>
public sealed class StepUpOptions
{
    public const string Section = "StepUp";

    /// <summary>How old an Entra ID sign-in may be for approving work that needs step-up (default 5 minutes).</summary>
    public TimeSpan MaxSignInAge { get; set; } = TimeSpan.FromMinutes(5);

    public static StepUpOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(Section).Get<StepUpOptions>() ?? new StepUpOptions();
        if (options.MaxSignInAge <= TimeSpan.Zero || options.MaxSignInAge > TimeSpan.FromHours(1))
            throw new InvalidOperationException($"{Section}:{nameof(MaxSignInAge)} is {options.MaxSignInAge}; choose between a second and an hour.");
        return options;
    }
}

/// <summary>
/// What verifying a step-up proof concluded: the authentication and the events that use the proof up, or why not.
/// <see cref="Counted"/> is a wrong code's <see cref="SecondFactorCodeRefused"/>, recorded although the decision is
/// refused (with the refusal's transaction), so that guessing is counted on every node.
/// </summary>
public sealed record StepUpVerdict(ApproverAuthentication? Authentication, IReadOnlyList<object> Events, Refusal? Refusal)
{
    public SecondFactorCodeRefused? Counted { get; init; }

    /// <summary>Set when <see cref="Counted"/> is the wrong code that locks the authenticator's codes.</summary>
    public SecondFactorLockedOut? LockedOut { get; init; }

    /// <summary>What a refused proof records on the factor's stream with the refusal: the counted code and any lock it set.</summary>
    public IReadOnlyList<object> RefusalEvents => [.. new object?[] { Counted, LockedOut }.OfType<object>()];

    public static StepUpVerdict Accept(ApproverAuthentication authentication, params IEnumerable<object> events) =>
        new(authentication, [.. events], null);

    public static StepUpVerdict Refuse(string message) => new(null, [], Refusal.Because(message, RefusalKind.Forbidden));

    public static StepUpVerdict RefuseCounted(string message, SecondFactorCodeRefused counted, SecondFactorLockedOut? lockedOut) =>
        Refuse(message) with { Counted = counted, LockedOut = lockedOut };
}

/// <summary>
/// Which decisions need a fresh authentication, and whether a proof is one. Pure: the handlers read the account's
/// factor and decrypt its secret, then ask here. Approving or rejecting work on Sensitive or Critical components, work
/// that crosses trust domains, or a change that weakens the console's own protection needs it.
/// </summary>
public static class StepUpRules
{
    /// <summary>Wrong codes within <see cref="WrongCodeWindow"/> after which authenticator codes are refused unchecked.</summary>
    public const int MaxWrongCodes = 5;

    /// <summary>
    /// The window of <see cref="MaxWrongCodes"/>: five guesses per 15 minutes give a guesser of a 6-digit code (three
    /// codes accepted at any moment) about one chance in 100 of being right within a week (3,360 guesses).
    /// </summary>
    public static readonly TimeSpan WrongCodeWindow = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Until when the account's authenticator codes are refused without being checked: <see cref="MaxWrongCodes"/> wrong
    /// codes within <see cref="WrongCodeWindow"/> lock them until the oldest of those is a window old. Null: not locked.
    /// Recovery codes (80 random bits, not guessable) still work, so a person whose codes someone else guessed at can
    /// still decide.
    /// </summary>
    public static DateTimeOffset? LockedUntil(SecondFactor factor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(factor);
        if (factor.RecentRefusals.Count < MaxWrongCodes)
            return null;
        var until = factor.RecentRefusals[^MaxWrongCodes] + WrongCodeWindow;
        return until > now ? until : null;
    }

    /// <summary>Why this request's approval needs a fresh authentication ("it touches Critical components"), or null.</summary>
    public static string? Why(ChangeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Content.Kind == RequestKind.GuardChange)
            return "it weakens the console's protection";
        var reasons = new List<string>();
        switch (request.Requirement.HighestSensitivity)
        {
            case null:
                // Submitted before the sensitivity was recorded with the requirement: assume the worst.
                reasons.Add("the sensitivity of its components was not recorded");
                break;
            case >= Sensitivity.Sensitive and var s:
                reasons.Add($"it touches {s} components");
                break;
        }

        if (request.Requirement.CrossesTrustDomains)
            reasons.Add("it crosses trust domains");
        return reasons.Count == 0 ? null : string.Join(" and ", reasons);
    }

    /// <summary>The refusal of a decision on <paramref name="request"/> taken without a fresh authentication, or null.</summary>
    public static Refusal? Check(ChangeRequest request, ApproverAuthentication? authentication, string what) =>
        Why(request) is { } why && authentication is not { IsFresh: true }
            ? Refusal.Because($"{Capitalise(what)} this request needs a fresh authentication because {why}. {HowTo}", RefusalKind.Forbidden)
            : null;

    internal const string HowTo =
        "Give the current code of your authenticator app (or an unused recovery code); with Microsoft Entra ID, sign in again. Nothing was changed.";

    /// <summary>
    /// A built-in account's proof: the current code of its enrolled authenticator (each time step once) or one of its
    /// unused recovery codes. <paramref name="secret"/> is the decrypted secret (null when it would not decrypt).
    /// </summary>
    public static StepUpVerdict WithSecondFactor(
        SecondFactor? factor, byte[]? secret, string? code, string usedFor, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (factor is not { IsEnrolled: true })
            return StepUpVerdict.Refuse(
                "This needs a code from a second factor, and you have none enrolled. Enrol an authenticator app on your profile page (/profile), then try again. Nothing was changed.");
        if (string.IsNullOrWhiteSpace(code))
            return StepUpVerdict.Refuse(
                "This needs a fresh authentication: enter the current code of your authenticator app (or an unused recovery code). Nothing was changed.");

        SecondFactorCodeRefused Wrong() => new(factor.Id, factor.UserName, usedFor, actor.UserId, now);
        // The lock this wrong code sets (the factor with it counted, judged at the same moment), once: a wrong recovery
        // code while codes are locked is counted but reports no new lock.
        SecondFactorLockedOut? Locks(SecondFactorCodeRefused wrong) =>
            LockedUntil(factor, now) is null && LockedUntil(factor.Apply(wrong), now) is { } until
                ? new SecondFactorLockedOut(factor.Id, factor.UserName, MaxWrongCodes, until, usedFor, actor.UserId, now)
                : null;
        if (TotpCodes.LooksLikeCode(code))
        {
            if (LockedUntil(factor, now) is { } until)
                return StepUpVerdict.Refuse(
                    $"Too many wrong codes were given for your account ({MaxWrongCodes} within {WrongCodeWindow.TotalMinutes:0} minutes): authenticator codes are refused until {until.UtcDateTime:HH:mm:ss} UTC. Use one of your recovery codes, or wait. If the wrong codes were not yours, tell your security team. Nothing was changed.");
            if (secret is null || TotpCodes.DigestOf(secret) != factor.SecretDigest)
                return StepUpVerdict.Refuse(
                    "Your second factor's secret cannot be read on this console (its key is missing or the stored secret was altered). Use a recovery code, or ask an administrator. Nothing was changed.");
            return TotpCodes.Check(secret, code, now, factor.LastTimeStep, out var step) switch
            {
                CodeCheck.Valid => StepUpVerdict.Accept(new ApproverAuthentication(StepUpMethods.Totp, now),
                    new SecondFactorCodeUsed(factor.Id, factor.UserName, step, usedFor, actor.UserId, now)),
                CodeCheck.AlreadyUsed => StepUpVerdict.Refuse(
                    "That code was already used: each code works once. Wait for the next code of your authenticator app (at most 30 seconds) and enter it. Nothing was changed."),
                _ => StepUpVerdict.RefuseCounted(
                    "That code is not the current one of your authenticator app. Check the app's clock and enter the code it shows now. "
                    + Counting(factor, now), Wrong(), Locks(Wrong())),
            };
        }

        if (RecoveryCodes.Match(factor.RecoveryCodeHashes, code) is { } hash)
            return StepUpVerdict.Accept(new ApproverAuthentication(StepUpMethods.RecoveryCode, now),
                new RecoveryCodeUsed(factor.Id, factor.UserName, hash, factor.RecoveryCodeHashes.Count - 1, usedFor, actor.UserId, now));
        return StepUpVerdict.RefuseCounted(
            "That is neither a code of your authenticator app (6 digits) nor one of your unused recovery codes. " + Counting(factor, now),
            Wrong(), Locks(Wrong()));
    }

    /// <summary>What a wrong code's refusal adds: how many more may be wrong before codes are refused.</summary>
    private static string Counting(SecondFactor factor, DateTimeOffset now)
    {
        var wrongInWindow = factor.RecentRefusals.Count(at => at > now - WrongCodeWindow) + 1;
        var left = MaxWrongCodes - wrongInWindow;
        return left > 0
            ? $"Nothing was changed; wrong codes are counted ({left} more within {WrongCodeWindow.TotalMinutes:0} minutes and authenticator codes are refused for a while)."
            : $"Nothing was changed; that was the {MaxWrongCodes}th wrong code within {WrongCodeWindow.TotalMinutes:0} minutes, so authenticator codes are now refused for a while (recovery codes still work).";
    }

    /// <summary>
    /// The proof of a person without a built-in account (Microsoft Entra ID): their session's sign-in time, which the
    /// web layer took from the verified token's auth_time, is at most <paramref name="maxAge"/> old.
    /// </summary>
    public static StepUpVerdict WithFreshSignIn(Actor actor, TimeSpan maxAge, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.AuthenticatedAt is not { } at)
            return StepUpVerdict.Refuse(
                "This needs a fresh sign-in, and your session does not say when you signed in (an API token carries no sign-in time). Sign in again in the console and decide there. Nothing was changed.");
        // A sign-in time ahead of the clock is not believed (beyond a minute of drift between machines).
        if (at > now.AddMinutes(1) || now - at > maxAge)
            return StepUpVerdict.Refuse(
                $"This needs a sign-in at most {Minutes(maxAge)} old; yours was at {at.UtcDateTime:HH:mm:ss} UTC. Sign in again, then decide. Nothing was changed.");
        return StepUpVerdict.Accept(new ApproverAuthentication(StepUpMethods.FreshSignIn, at));
    }

    private static string Minutes(TimeSpan span) =>
        span.TotalMinutes >= 1 ? $"{span.TotalMinutes:0.#} minute{(span.TotalMinutes == 1 ? "" : "s")}" : $"{span.TotalSeconds:0} seconds";

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}

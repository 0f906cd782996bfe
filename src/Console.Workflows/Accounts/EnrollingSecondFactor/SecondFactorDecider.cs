using Console.Workflows.Accounts.SteppingUp;
using Console.Workflows.Common;

namespace Console.Workflows.Accounts.EnrollingSecondFactor;

/// <summary>Enrolling, confirming and removing one's own second factor: pure, the secret decrypted by the handler.</summary>
public static class SecondFactorDecider
{
    public const int ReasonMaxLength = 500;

    public static Decision Start(StartSecondFactorEnrolment command, UserAccount? account, SecondFactor? current, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (Owner(ConsoleCommand.StartSecondFactorEnrolment, account, actor) is { } refusal)
            return refusal;
        if (current is { IsEnrolled: true })
            return Refusal.Because("You already have an authenticator enrolled. Remove it first (with one of its codes) to enrol another.", RefusalKind.Conflict);
        if (TotpCodes.Decode(command.Secret) is not { } secret)
            return Refusal.ForFields(new Dictionary<string, string[]>
            {
                [nameof(StartSecondFactorEnrolment.Secret)] = ["The secret must be 160 bits in base32 (32 characters A to Z and 2 to 7)."],
            });
        return Decision.Emit(new SecondFactorEnrolmentStarted(
            SecondFactor.IdFor(account!.UserName), account.UserName, TotpCodes.DigestOf(secret), actor.UserId, now));
    }

    public static Decision Confirm(ConfirmSecondFactor command, UserAccount? account, SecondFactor? current, byte[]? secret, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (Owner(ConsoleCommand.ConfirmSecondFactor, account, actor) is { } refusal)
            return refusal;
        if (current is not { Status: SecondFactorStatus.Pending })
            return Refusal.Because("There is no enrolment waiting for confirmation: start again on your profile page.", RefusalKind.Conflict);
        if (secret is null || TotpCodes.DigestOf(secret) != current.SecretDigest)
            return Refusal.Because("The secret of this enrolment cannot be read any more: start the enrolment again.", RefusalKind.Conflict);
        var codes = command.RecoveryCodes ?? [];
        if (codes.Count != RecoveryCodes.Count || codes.Any(c => RecoveryCodes.Normalise(c) is null)
            || codes.Select(RecoveryCodes.Normalise).Distinct(StringComparer.Ordinal).Count() != codes.Count)
            return Refusal.ForFields(new Dictionary<string, string[]>
            {
                [nameof(ConfirmSecondFactor.RecoveryCodes)] = [$"Give {RecoveryCodes.Count} distinct recovery codes of 16 base32 characters."],
            });
        return TotpCodes.Check(secret, command.Code, now, current.LastTimeStep, out var step) switch
        {
            CodeCheck.Valid => Decision.Emit(new SecondFactorEnrolled(
                current.Id, current.UserName, [.. codes.Select(RecoveryCodes.Hash)], step, actor.UserId, now)),
            CodeCheck.AlreadyUsed => CodeRefusal("That code was already used; wait for the next one of your authenticator app."),
            _ => CodeRefusal("That is not the code your authenticator app shows now. Check that it scanned this QR code and that its clock is right."),
        };
    }

    /// <summary>
    /// Removing needs the same proof an approval takes (the current code or an unused recovery code), verified by the
    /// handler with <see cref="StepUpRules.WithSecondFactor"/> so that a wrong one is counted like any other.
    /// </summary>
    public static Decision Remove(RemoveSecondFactor command, UserAccount? account, SecondFactor? current, StepUpVerdict proof, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(proof);
        ArgumentNullException.ThrowIfNull(command);
        if (Owner(ConsoleCommand.RemoveSecondFactor, account, actor) is { } refusal)
            return refusal;
        if (current is not { IsEnrolled: true })
            return Refusal.Because("You have no authenticator enrolled.", RefusalKind.Conflict);
        var reason = command.Reason?.Trim() ?? "";
        if (reason.Length is 0 or > ReasonMaxLength)
            return Refusal.ForFields(new Dictionary<string, string[]>
            {
                [nameof(RemoveSecondFactor.Reason)] = [$"Say why (1 to {ReasonMaxLength} characters)."],
            });
        if (proof.Refusal is { } notProven)
            return notProven;
        return Decision.Emit([.. proof.Events, new SecondFactorRemoved(current.Id, current.UserName, reason, actor.UserId, now)]);
    }

    /// <summary>
    /// Only the person themselves, and only with a built-in account: people signed in through Microsoft Entra ID prove
    /// freshness by signing in again there, so they have nothing to enrol here.
    /// </summary>
    private static Refusal? Owner(ConsoleCommand command, UserAccount? account, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (CommandRoles.Check(command, actor) is { } forbidden)
            return forbidden;
        return account is null
            ? Refusal.Because(
                "Your sign-in is not a built-in account (Microsoft Entra ID or an API client): step-up for you is a fresh sign-in at your identity provider, there is no authenticator to enrol here.",
                RefusalKind.Forbidden)
            : null;
    }

    private static Refusal CodeRefusal(string message) =>
        Refusal.ForFields(new Dictionary<string, string[]> { [nameof(ConfirmSecondFactor.Code)] = [message] });
}

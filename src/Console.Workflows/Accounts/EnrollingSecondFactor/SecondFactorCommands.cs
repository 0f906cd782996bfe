using Console.Workflows.Common;

namespace Console.Workflows.Accounts.EnrollingSecondFactor;

/// <summary>
/// Begin enrolling an authenticator app with <paramref name="Secret"/> (base32, 160 bits, from
/// <see cref="SteppingUp.TotpCodes.NewSecret"/>): like ids, the randomness comes from the caller, so the page can show
/// it as a QR code; the handler keeps it only encrypted. Always for the person issuing it, never for someone else.
/// </summary>
public sealed record StartSecondFactorEnrolment(string Secret) : IConsoleCommand
{
    public ICommandBy By(Actor actor) => new StartSecondFactorEnrolmentBy(this, actor);
}

/// <summary>
/// Confirm the pending enrolment with the app's current code; <paramref name="RecoveryCodes"/> (from
/// <see cref="SteppingUp.RecoveryCodes.New"/>, shown to the person once) are kept only as hashes.
/// </summary>
public sealed record ConfirmSecondFactor(string Code, IReadOnlyList<string> RecoveryCodes) : IConsoleCommand
{
    public ICommandBy By(Actor actor) => new ConfirmSecondFactorBy(this, actor);
}

/// <summary>Remove the enrolled factor, proven with its current code or a recovery code (a stolen session alone cannot).</summary>
public sealed record RemoveSecondFactor(string Code, string Reason) : IConsoleCommand
{
    public ICommandBy By(Actor actor) => new RemoveSecondFactorBy(this, actor);
}

public sealed record StartSecondFactorEnrolmentBy(StartSecondFactorEnrolment Command, Actor Actor) : ICommandBy
{
    public string Resource => SecondFactorHandler.Resource(Actor);

    public string ConflictMessage => SecondFactorHandler.ConflictMessage;
}

public sealed record ConfirmSecondFactorBy(ConfirmSecondFactor Command, Actor Actor) : ICommandBy
{
    public string Resource => SecondFactorHandler.Resource(Actor);

    public string ConflictMessage => SecondFactorHandler.ConflictMessage;
}

public sealed record RemoveSecondFactorBy(RemoveSecondFactor Command, Actor Actor) : ICommandBy
{
    public string Resource => SecondFactorHandler.Resource(Actor);

    public string ConflictMessage => SecondFactorHandler.ConflictMessage;
}

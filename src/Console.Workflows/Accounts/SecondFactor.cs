using Console.Workflows.Common;

namespace Console.Workflows.Accounts;

// A built-in account's second factor (TOTP, RFC 6238) and its recovery codes. The secret itself never enters the log:
// it is kept encrypted in a document of its own (SteppingUp/SecondFactorSecrets), deleted on removal; the events carry
// only its digest, and recovery codes only as SHA-256 hashes of 80 random bits each.

/// <summary>A person began enrolling an authenticator app; it counts only once confirmed with a first valid code.</summary>
public sealed record SecondFactorEnrolmentStarted(Guid FactorId, string UserName, string SecretDigest, string By, DateTimeOffset At);

/// <summary>The person confirmed the enrolment with a valid code (its time step is used up) and received recovery codes.</summary>
public sealed record SecondFactorEnrolled(
    Guid FactorId, string UserName, IReadOnlyList<string> RecoveryCodeHashes, long TimeStep, string By, DateTimeOffset At);

/// <summary>A code of the authenticator proved a fresh authentication (for an approval or rejection); its time step is used up.</summary>
public sealed record SecondFactorCodeUsed(Guid FactorId, string UserName, long TimeStep, string UsedFor, string By, DateTimeOffset At);

/// <summary>
/// A wrong authenticator or recovery code was given as proof (for an approval, a rejection or the removal of the factor):
/// counted, so that guessing codes is stopped (<c>StepUpRules.LockedUntil</c>).
/// </summary>
public sealed record SecondFactorCodeRefused(Guid FactorId, string UserName, string UsedFor, string By, DateTimeOffset At);

/// <summary>
/// The wrong code that locked the account's authenticator codes: <paramref name="WrongCodes"/> within the window, so
/// codes are refused unchecked until <paramref name="Until"/>. Raised with that code's <see cref="SecondFactorCodeRefused"/>,
/// with a security alert: someone may be guessing with the person's session.
/// </summary>
public sealed record SecondFactorLockedOut(
    Guid FactorId, string UserName, int WrongCodes, DateTimeOffset Until, string UsedFor, string By, DateTimeOffset At);

/// <summary>A one-time recovery code stood in for the authenticator; it can never be used again.</summary>
public sealed record RecoveryCodeUsed(Guid FactorId, string UserName, string CodeHash, int Remaining, string UsedFor, string By, DateTimeOffset At);

/// <summary>
/// An administrator reset the person's second factor after they lost it (a guard change a security officer approved,
/// <c>ResettingSecondFactor</c>); its secret was erased.
/// </summary>
public sealed record SecondFactorReset(Guid FactorId, string UserName, string Reason, string By, DateTimeOffset At);

/// <summary>The person removed their second factor (proving it with a code); its secret was erased.</summary>
public sealed record SecondFactorRemoved(Guid FactorId, string UserName, string Reason, string By, DateTimeOffset At);

public enum SecondFactorStatus
{
    /// <summary>Secret issued, waiting for the first valid code.</summary>
    Pending = 0,
    Enrolled = 1,
    Removed = 2,
}

/// <summary>
/// One account's second factor as its events made it: one stream per account (<see cref="IdFor"/>), so enrolling again
/// after a removal continues the same stream and the last used time step stays known (a code is never accepted twice).
/// </summary>
public sealed record SecondFactor(
    Guid Id, string UserName, SecondFactorStatus Status, string SecretDigest, IReadOnlyList<string> RecoveryCodeHashes,
    long LastTimeStep, DateTimeOffset ChangedAt)
{
    public int Version { get; init; }

    public bool IsEnrolled => Status == SecondFactorStatus.Enrolled;

    /// <summary>
    /// When the latest wrong codes were given (at most <c>StepUpRules.MaxWrongCodes</c>), since the last code that was
    /// right: what the lock-out against guessing counts.
    /// </summary>
    public IReadOnlyList<DateTimeOffset> RecentRefusals { get; init; } = [];

    public static Guid IdFor(string userName) => NameBasedGuid.From("console-second-factor:" + UserAccount.Normalise(userName));

    public static SecondFactor Create(SecondFactorEnrolmentStarted e) =>
        new(e.FactorId, e.UserName, SecondFactorStatus.Pending, e.SecretDigest, [], 0, e.At);

    public SecondFactor Apply(SecondFactorEnrolmentStarted e) =>
        this with { Status = SecondFactorStatus.Pending, SecretDigest = e.SecretDigest, RecoveryCodeHashes = [], ChangedAt = e.At };

    public SecondFactor Apply(SecondFactorEnrolled e) =>
        this with
        {
            Status = SecondFactorStatus.Enrolled, RecoveryCodeHashes = e.RecoveryCodeHashes,
            LastTimeStep = Math.Max(LastTimeStep, e.TimeStep), ChangedAt = e.At, RecentRefusals = [],
        };

    public SecondFactor Apply(SecondFactorCodeUsed e) =>
        this with { LastTimeStep = Math.Max(LastTimeStep, e.TimeStep), ChangedAt = e.At, RecentRefusals = [] };

    public SecondFactor Apply(RecoveryCodeUsed e) =>
        this with { RecoveryCodeHashes = [.. RecoveryCodeHashes.Where(h => h != e.CodeHash)], ChangedAt = e.At, RecentRefusals = [] };

    public SecondFactor Apply(SecondFactorCodeRefused e) =>
        this with { RecentRefusals = [.. RecentRefusals.Append(e.At).TakeLast(SteppingUp.StepUpRules.MaxWrongCodes)] };

    // The lock itself is read from the counted refusals (StepUpRules.LockedUntil); this event only reports it.
    public SecondFactor Apply(SecondFactorLockedOut e) => this;

    public SecondFactor Apply(SecondFactorReset e) =>
        this with { Status = SecondFactorStatus.Removed, SecretDigest = "", RecoveryCodeHashes = [], RecentRefusals = [], ChangedAt = e.At };

    public SecondFactor Apply(SecondFactorRemoved e) =>
        this with { Status = SecondFactorStatus.Removed, SecretDigest = "", RecoveryCodeHashes = [], ChangedAt = e.At };
}

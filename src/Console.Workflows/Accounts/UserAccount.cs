using System.Security.Cryptography;
using System.Text;
using Console.Workflows.Common;

namespace Console.Workflows.Accounts;

/// <summary>
/// An account of the built-in identity provider came into being (seeded from the demo users file). The password hash
/// itself stays out of the log, which is exported to auditors: the event carries only its digest
/// (<see cref="UserAccount.DigestOf"/>), and sign-in refuses a stored hash that does not match it.
/// </summary>
public sealed record AccountCreated(
    Guid AccountId, string UserName, string DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<string> Groups,
    string PasswordDigest, string By, DateTimeOffset At);

/// <summary>
/// The console made accounts of a database's console_user rows, once (<c>LegacyUserMigration</c>, at the first start
/// on a database): from then on such a row is never read again, so one inserted later by hand grants nothing.
/// </summary>
public sealed record LegacyAccountsMigrated(int Accounts, string By, DateTimeOffset At);

/// <summary>An administrator replaced an account's roles.</summary>
public sealed record AccountRolesChanged(
    Guid AccountId, string UserName, IReadOnlyList<string> Roles, IReadOnlyList<string> PreviousRoles, string Reason, string By, DateTimeOffset At);

/// <summary>An administrator disabled an account: it can no longer sign in, and its sessions and tokens end within a minute.</summary>
public sealed record AccountDisabled(Guid AccountId, string UserName, string Reason, string By, DateTimeOffset At);

/// <summary>An administrator enabled a disabled account again.</summary>
public sealed record AccountEnabled(Guid AccountId, string UserName, string Reason, string By, DateTimeOffset At);

/// <summary>The account's password was rehashed at sign-in (a stronger hashing setting); the password itself is unchanged.</summary>
public sealed record AccountPasswordRehashed(Guid AccountId, string UserName, string PasswordDigest, string By, DateTimeOffset At);

/// <summary>
/// A built-in provider account as its events made it: what sign-in and the per-request directory check read (roles,
/// groups, disabled). One stream per account, its id derived from the user name (<see cref="IdFor"/>).
/// </summary>
public sealed record UserAccount(
    Guid Id, string UserName, string DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<string> Groups, bool Disabled,
    string PasswordDigest, DateTimeOffset CreatedAt)
{
    public int Version { get; init; }

    /// <summary>The stream id of an account: the same user name gives the same id on every node.</summary>
    public static Guid IdFor(string userName) => NameBasedGuid.From("console-account:" + Normalise(userName));

    public static string Normalise(string userName) => userName.Trim().ToLowerInvariant();

    /// <summary>SHA-256 of the stored password hash (hex): lets the log pin the hash without disclosing it.</summary>
    public static string DigestOf(string passwordHash) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(passwordHash)));

    public static UserAccount Create(AccountCreated e) =>
        new(e.AccountId, e.UserName, e.DisplayName, e.Roles, e.Groups, false, e.PasswordDigest, e.At);

    public UserAccount Apply(AccountRolesChanged e) => this with { Roles = e.Roles };

    public UserAccount Apply(AccountDisabled e) => this with { Disabled = true };

    public UserAccount Apply(AccountEnabled e) => this with { Disabled = false };

    public UserAccount Apply(AccountPasswordRehashed e) => this with { PasswordDigest = e.PasswordDigest };
}

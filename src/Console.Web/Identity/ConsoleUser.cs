using Console.Workflows.Accounts;

namespace Console.Web.Identity;

/// <summary>
/// A person who may sign in through the built-in identity provider, as sign-in and the directory check see them: the
/// account as its events made it (<see cref="UserAccount"/>: roles, groups, disabled) and its credential. Only the
/// embedded default uses these; with Entra ID, people and their app roles live in the tenant.
/// </summary>
public sealed record ConsoleUser(UserAccount Account, AccountCredential? Credential)
{
    /// <summary>The user name, lower case; also the subject identifier in tokens.</summary>
    public string Id => Account.UserName;

    public string DisplayName => Account.DisplayName;

    public IReadOnlyList<string> Roles => Account.Roles;

    /// <summary>Groups (e.g. a trust domain's owner group such as "noc-core"); sent in the "groups" claim.</summary>
    public IReadOnlyList<string> Groups => Account.Groups;

    public bool Disabled => Account.Disabled;

    public DateTimeOffset CreatedAt => Account.CreatedAt;

    public DateTimeOffset? LastSignInAt => Credential?.LastSignInAt;
}

/// <summary>
/// The password hash of an account and when it last signed in: kept beside the event-sourced account, out of the log
/// (which is exported to auditors). The account's events pin the hash by its digest, so a hash edited in the table
/// does not sign anyone in. The last sign-in time is no decision input, only shown to administrators.
/// </summary>
public sealed class AccountCredential
{
    /// <summary>The account's id (its stream id).</summary>
    public Guid Id { get; set; }

    public string PasswordHash { get; set; } = "";

    public DateTimeOffset? LastSignInAt { get; set; }
}

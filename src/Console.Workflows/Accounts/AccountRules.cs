using Console.Workflows.Common;

namespace Console.Workflows.Accounts;

/// <summary>The checks every account command shares: the role, the account, the version read, the reason.</summary>
public static class AccountRules
{
    public const int ReasonMaxLength = 500;

    public static Refusal? Check(ConsoleCommand command, string userName, long expectedVersion, string? reason, UserAccount? current, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (CommandRoles.Check(command, actor) is { } forbidden)
            return forbidden;
        if (current is null)
            return Refusal.Because($"There is no account {userName}.", RefusalKind.NotFound);
        if (expectedVersion != current.Version)
            return Refusal.Because(
                $"Someone else changed the account {current.UserName} first (now version {current.Version}, you saw {expectedVersion}). Reload it and apply your change again.",
                RefusalKind.Conflict);
        var trimmed = reason?.Trim() ?? "";
        if (trimmed.Length == 0)
            return Refusal.ForFields(new Dictionary<string, string[]> { ["Reason"] = ["Say why the account changes."] });
        return trimmed.Length > ReasonMaxLength
            ? Refusal.ForFields(new Dictionary<string, string[]> { ["Reason"] = [$"The reason must be at most {ReasonMaxLength} characters."] })
            : null;
    }

    /// <summary>
    /// Roles whose grant gives a person power over other people's work or over the guards: approving requests
    /// (NOC approver, security officer) and administering the inventory, the policy and the accounts. Granting one is a
    /// guard change (a security officer other than the administrator approves it); other roles only read or request.
    /// </summary>
    public static readonly IReadOnlySet<string> Empowering =
        new HashSet<string>(StringComparer.Ordinal) { Roles.NocApprover, Roles.SecurityOfficer, Roles.Administrator };

    /// <summary>Whether the acting person is the account's owner (administrators may not lock themselves out).</summary>
    public static bool IsSelf(UserAccount account, Actor actor) =>
        string.Equals(account.UserName, UserAccount.Normalise(actor.UserId), StringComparison.Ordinal);
}

using Console.Workflows.Common;

namespace Console.Workflows.Accounts.Creating;

/// <summary>A new account of the built-in provider, with the hash of its password (never the password).</summary>
public sealed record NewAccount(string UserName, string DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<string> Groups, string PasswordHash);

/// <summary>
/// Accounts are created only by seeding the demo users file at start-up (the console itself, no person), so no role
/// is checked here; people change accounts through the command bus (<see cref="AccountHandler"/>).
/// </summary>
public static class CreateAccountDecider
{
    public static Decision Decide(NewAccount account, UserAccount? existing, string by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(account);
        var userName = UserAccount.Normalise(account.UserName ?? "");
        if (userName.Length is 0 or > 100)
            return Refusal.Because("A user name of 1 to 100 characters is needed.");
        if (existing is not null)
            return Refusal.Because($"The account {userName} exists already.", RefusalKind.Conflict);
        if (account.Roles.FirstOrDefault(r => !Roles.All.Contains(r)) is { } unknown)
            return Refusal.Because($"Unknown role '{unknown}' for {userName}; use {string.Join(", ", Roles.All)}.");
        if (string.IsNullOrEmpty(account.PasswordHash))
            return Refusal.Because($"The account {userName} needs a password.");

        return Decision.Emit(new AccountCreated(
            UserAccount.IdFor(userName), userName, account.DisplayName.Trim(), [.. Roles.All.Where(account.Roles.Contains)],
            [.. account.Groups], UserAccount.DigestOf(account.PasswordHash), by, now));
    }
}

using Console.Workflows.Accounts.Creating;
using Console.Workflows.Common;

namespace Console.Workflows.Accounts.Migrating;

/// <summary>
/// An account as databases from before event-sourced accounts kept it: one console_user document, roles and the
/// disabled flag edited in place (so with no history to carry over).
/// </summary>
/// <param name="LastSignInAt">Carried into the account's credential; it decides nothing.</param>
public sealed record LegacyUser(
    string UserName, string DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<string> Groups, string PasswordHash, bool Disabled,
    DateTimeOffset? LastSignInAt = null);

/// <summary>
/// Turns a legacy console_user row into an account stream at start-up: the account is created as the row last stood
/// (its known roles, its groups, its password hash pinned by digest), and disabled again if the row was, both by the
/// console itself (<see cref="By"/>). An account whose stream exists is left alone. The migration runs once per
/// database, recorded by <see cref="LegacyAccountsMigrated"/> on <see cref="StreamId"/>.
/// </summary>
public static class MigrateLegacyUserDecider
{
    /// <summary>Who migrates: the console itself, at start-up.</summary>
    public const string By = "system:migrated-console-user";

    /// <summary>The stream that records that the migration was made.</summary>
    public static readonly Guid StreamId = NameBasedGuid.From("vnf-console:accounts:legacy-console-users-migrated");

    public const string DisabledReason = "Migrated: the console_user row was disabled before accounts became event streams.";

    /// <param name="accountExists">Whether the account's stream exists (whatever its document says).</param>
    public static Decision Decide(LegacyUser user, bool accountExists, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (accountExists)
            return Decision.Emit();
        // Roles this console no longer knows grant nothing; the account keeps the ones it does (possibly none).
        var roles = user.Roles.Where(Roles.All.Contains).ToList();
        var created = CreateAccountDecider.Decide(
            new NewAccount(user.UserName, string.IsNullOrWhiteSpace(user.DisplayName) ? user.UserName : user.DisplayName, roles, user.Groups,
                user.PasswordHash), null, By, now);
        if (created.Refused || !user.Disabled)
            return created;
        var account = (AccountCreated)created.Events[0];
        return Decision.Emit(account, new AccountDisabled(account.AccountId, account.UserName, DisabledReason, By, now));
    }
}

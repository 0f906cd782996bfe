using Console.Workflows.Common;

namespace Console.Workflows.Accounts.ChangingRoles;

/// <summary>
/// Administrators replace an account's roles (known roles only); sessions and tokens follow within a minute. Nobody
/// gives themselves a role; a grant of a role that approves or administers waits for a security officer
/// (<see cref="Guards.Classifying.GuardClassifier.AccountRoles"/>, applied by the account handler).
/// </summary>
public static class ChangeAccountRolesDecider
{
    public static Decision Decide(ChangeAccountRoles command, UserAccount? current, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (AccountRules.Check(ConsoleCommand.ChangeAccountRoles, command.UserName, command.ExpectedVersion, command.Reason, current, actor) is { } refused)
            return refused;

        var roles = (command.Roles ?? []).Select(r => r?.Trim() ?? "").Distinct(StringComparer.Ordinal).ToList();
        if (roles.FirstOrDefault(r => !Roles.All.Contains(r)) is { } unknown)
            return Refusal.ForFields(new Dictionary<string, string[]>
            {
                [nameof(ChangeAccountRoles.Roles)] = [$"Unknown role '{unknown}'; use {string.Join(", ", Roles.All)}."],
            });

        // The table's order, so equal role sets read (and compare) the same.
        roles = [.. Roles.All.Where(roles.Contains)];
        if (roles.Count == current!.Roles.Count && roles.All(current.Roles.Contains))
            return Refusal.Because($"The account {current.UserName} already holds exactly these roles.");
        if (AccountRules.IsSelf(current, actor) && current.Roles.Contains(Roles.Administrator) && !roles.Contains(Roles.Administrator))
            return Refusal.Because("You cannot remove your own Administrator role; ask another administrator.");
        if (AccountRules.IsSelf(current, actor) && roles.Except(current.Roles).FirstOrDefault() is { } added)
            return Refusal.Because($"You cannot give yourself a role ({added}); ask another administrator.", RefusalKind.Forbidden);

        return Decision.Emit(new AccountRolesChanged(
            current.Id, current.UserName, roles, current.Roles, command.Reason.Trim(), actor.UserId, now));
    }
}

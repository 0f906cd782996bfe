using Console.Workflows.Common;
using Marten;

namespace Console.Workflows.Accounts;

/// <summary>
/// Whether what a session claims for a person (roles, groups) still stands against their account as its events made
/// it. One rule for the sign-in session's per-request check (Console.Web's directory check) and for every command the
/// workflow carries out (<see cref="CommandBus"/>), so an old session cannot act on a role taken away meanwhile.
/// A claim carrying less than the account now holds still stands (the new right shows after the next sign-in).
/// </summary>
public static class AccountStanding
{
    /// <summary>Null when the claims still stand; otherwise why not, in words.</summary>
    public static string? Problem(Actor claimed, UserAccount? current)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        if (current is null)
            return $"The account {claimed.UserId} no longer exists.";
        if (current.Disabled)
            return $"The account {claimed.UserId} is disabled.";
        var removedRoles = claimed.Roles.Except(current.Roles, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (removedRoles.Count > 0)
            return $"The account {claimed.UserId} no longer holds {string.Join(", ", removedRoles)}.";
        var removedGroups = claimed.Groups.Except(current.Groups, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return removedGroups.Count > 0 ? $"The account {claimed.UserId} is no longer in {string.Join(", ", removedGroups)}." : null;
    }

    /// <summary>
    /// The refusal of a command issued by a session whose claims no longer stand; null when they stand or when the
    /// person has no account in the built-in directory (Microsoft Entra ID people, the automation client, the console's
    /// own system actors: their claims are checked where they are issued).
    /// </summary>
    /// <summary><see cref="ForCommand"/> with the person's account read afresh from <paramref name="session"/>.</summary>
    public static async Task<Refusal?> CheckAsync(IQuerySession session, Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(actor);
        return ForCommand(actor, await session.LoadAsync<UserAccount>(UserAccount.IdFor(actor.UserId), ct));
    }

    public static Refusal? ForCommand(Actor actor, UserAccount? account) =>
        account is not null && Problem(actor, account) is { } problem
            ? Refusal.Because($"{problem} Your session was signed in before that change: sign in again. Nothing was changed.", RefusalKind.Forbidden)
            : null;
}

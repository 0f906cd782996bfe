using Console.Workflows.Common;

namespace Console.Workflows.Accounts;

/// <summary>Replace an account's roles with <paramref name="Roles"/>; the reason is recorded with who and when.</summary>
public sealed record ChangeAccountRoles(string UserName, long ExpectedVersion, IReadOnlyList<string> Roles, string Reason);

/// <summary>Disable (or, with <paramref name="Disabled"/> false, enable) an account.</summary>
public sealed record SetAccountDisabled(string UserName, long ExpectedVersion, bool Disabled, string Reason);

/// <summary>What administrators do to the built-in provider's accounts. Each change is an event on the account's stream.</summary>
public interface IAccountCommands
{
    Task<Outcome> ChangeRolesAsync(ChangeAccountRoles command, Actor actor, CancellationToken ct = default);

    Task<Outcome> SetDisabledAsync(SetAccountDisabled command, Actor actor, CancellationToken ct = default);
}

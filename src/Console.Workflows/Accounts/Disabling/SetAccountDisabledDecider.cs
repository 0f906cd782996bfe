using Console.Workflows.Common;

namespace Console.Workflows.Accounts.Disabling;

/// <summary>Administrators disable or enable accounts; a disabled account's sessions and tokens end within a minute.</summary>
public static class SetAccountDisabledDecider
{
    public static Decision Decide(SetAccountDisabled command, UserAccount? current, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (AccountRules.Check(ConsoleCommand.SetAccountDisabled, command.UserName, command.ExpectedVersion, command.Reason, current, actor) is { } refused)
            return refused;
        if (current!.Disabled == command.Disabled)
            return Refusal.Because($"The account {current.UserName} is already {(current.Disabled ? "disabled" : "enabled")}.");
        if (command.Disabled && AccountRules.IsSelf(current, actor))
            return Refusal.Because("You cannot disable your own account; ask another administrator.");

        var reason = command.Reason.Trim();
        return command.Disabled
            ? Decision.Emit(new AccountDisabled(current.Id, current.UserName, reason, actor.UserId, now))
            : Decision.Emit(new AccountEnabled(current.Id, current.UserName, reason, actor.UserId, now));
    }
}

using Console.Workflows.Accounts.SteppingUp;
using Console.Workflows.Common;
using Console.Workflows.Guards;
using Console.Workflows.Guards.Classifying;
using Console.Workflows.Guards.Submitting;
using Marten;
using Wolverine;

namespace Console.Workflows.Accounts.ResettingSecondFactor;

/// <summary>
/// An administrator resets the second factor of a person who lost both their authenticator and their recovery codes,
/// so that they can enrol again on their profile. It removes a protection of someone else's decisions, so it is always a
/// guard change: in force only once a security officer other than the administrator approves it.
/// </summary>
public sealed record ResetSecondFactor(string UserName, int ExpectedVersion, string Reason) : IConsoleCommand
{
    public ICommandBy By(Actor actor) => new ResetSecondFactorBy(this, actor);
}

public sealed record ResetSecondFactorBy(ResetSecondFactor Command, Actor Actor) : ICommandBy
{
    public string Resource => AccountHandler.Resource(Command.UserName);

    public string ConflictMessage => "The person's second factor changed at the same moment. Reload the users and try again.";
}

public static class ResetSecondFactorDecider
{
    public static Decision Decide(ResetSecondFactor command, UserAccount? account, SecondFactor? factor, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(actor);
        if (CommandRoles.Check(ConsoleCommand.ResetSecondFactor, actor) is { } forbidden)
            return forbidden;
        if (string.IsNullOrWhiteSpace(command.UserName) || command.UserName.Length > 100)
            return Refusal.Because("Name the account (1 to 100 characters).", RefusalKind.NotFound);
        if (account is null)
            return Refusal.Because($"There is no account {command.UserName}.", RefusalKind.NotFound);
        if (AccountRules.IsSelf(account, actor))
            return Refusal.Because(
                "You cannot reset your own second factor: remove it on your profile with a code or a recovery code, or ask another administrator.",
                RefusalKind.Forbidden);
        if (factor is not { Status: SecondFactorStatus.Enrolled or SecondFactorStatus.Pending })
            return Refusal.Because($"{account.UserName} has no authenticator to reset.", RefusalKind.Conflict);
        if (command.ExpectedVersion != factor.Version)
            return Refusal.Because(
                $"{account.UserName}'s second factor changed after you looked (now version {factor.Version}, you saw {command.ExpectedVersion}). Reload the users and try again.",
                RefusalKind.Conflict);
        var reason = command.Reason?.Trim() ?? "";
        if (reason.Length is 0 or > AccountRules.ReasonMaxLength)
            return Refusal.ForFields(new Dictionary<string, string[]>
            {
                [nameof(ResetSecondFactor.Reason)] = [$"Say why (1 to {AccountRules.ReasonMaxLength} characters), e.g. the ticket of the lost phone."],
            });
        return Decision.Emit(new SecondFactorReset(factor.Id, account.UserName, reason, actor.UserId, now));
    }
}

/// <summary>Submits the reset for a security officer's approval; <c>ApplyGuardChange</c> carries it out once approved.</summary>
public static class ResetSecondFactorHandler
{
    public static async Task<Outcome> Handle(
        ResetSecondFactorBy message, IDocumentSession session, IMessageContext bus, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow();
        var (account, factor) = await ReadAsync(session, message.Command.UserName, ct);
        var decision = ResetSecondFactorDecider.Decide(message.Command, account, factor, message.Actor, now);
        if (decision.Refusal is { } refusal)
            return Outcome.Refused(refusal);
        var verdict = GuardClassifier.SecondFactor(factor!, decision.Events);
        return await GuardGate.SubmitAsync(session, bus, GuardChange.For(message.Command, factor!, verdict), factor!.Id, message.Actor, now, ct);
    }

    /// <summary>Applies an approved reset: decided again on the factor as it is now, its secret erased with the event.</summary>
    internal static async Task<(Decision Decision, int? CurrentVersion)> ApplyAsync(
        IDocumentSession session, ResetSecondFactor command, Actor actor, DateTimeOffset now, CancellationToken ct)
    {
        var account = await session.LoadAsync<UserAccount>(UserAccount.IdFor(command.UserName ?? ""), ct);
        var stream = await session.Events.FetchForWriting<SecondFactor>(SecondFactor.IdFor(command.UserName ?? ""), ct);
        var decision = ResetSecondFactorDecider.Decide(command, account, stream.Aggregate, actor, now);
        if (!decision.Refused)
        {
            stream.AppendMany(decision.Events);
            session.Delete<SecondFactorSecret>(stream.Id);
        }

        return (decision, stream.Aggregate?.Version);
    }

    private static async Task<(UserAccount? Account, SecondFactor? Factor)> ReadAsync(IDocumentSession session, string? userName, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(userName) || userName.Length > 100)
            return (null, null);
        var account = await session.LoadAsync<UserAccount>(UserAccount.IdFor(userName), ct);
        var factor = account is null ? null : await session.LoadAsync<SecondFactor>(SecondFactor.IdFor(account.UserName), ct);
        return (account, factor);
    }
}

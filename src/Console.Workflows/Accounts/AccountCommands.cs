using Console.Workflows.Accounts.ChangingRoles;
using Console.Workflows.Accounts.Disabling;
using Console.Workflows.Common;
using Console.Workflows.Guards;
using Console.Workflows.Guards.Classifying;
using Console.Workflows.Guards.Submitting;
using JasperFx.Events;
using Marten;
using Wolverine;

namespace Console.Workflows.Accounts;

/// <summary>Replace an account's roles with <paramref name="Roles"/>; the reason is recorded with who and when.</summary>
public sealed record ChangeAccountRoles(string UserName, long ExpectedVersion, IReadOnlyList<string> Roles, string Reason) : IConsoleCommand
{
    public ICommandBy By(Actor actor) => new ChangeAccountRolesBy(this, actor);
}

/// <summary>Disable (or, with <paramref name="Disabled"/> false, enable) an account.</summary>
public sealed record SetAccountDisabled(string UserName, long ExpectedVersion, bool Disabled, string Reason) : IConsoleCommand
{
    public ICommandBy By(Actor actor) => new SetAccountDisabledBy(this, actor);
}

public sealed record ChangeAccountRolesBy(ChangeAccountRoles Command, Actor Actor) : ICommandBy
{
    public string Resource => AccountHandler.Resource(Command.UserName);

    public string ConflictMessage => AccountHandler.ConflictMessage;
}

public sealed record SetAccountDisabledBy(SetAccountDisabled Command, Actor Actor) : ICommandBy
{
    public string Resource => AccountHandler.Resource(Command.UserName);

    public string ConflictMessage => AccountHandler.ConflictMessage;
}

/// <summary>
/// What administrators do to the built-in provider's accounts, on the account's stream: read it for writing, decide,
/// append with the version read (the transactional middleware commits). Each change is an event with who and when.
/// </summary>
public static class AccountHandler
{
    internal const string ConflictMessage = "Someone else changed the account at the same moment. Reload it and apply your change again.";

    internal static string Resource(string? userName) => "account/" + (userName ?? "");

    /// <summary>
    /// A grant of a role that approves or administers is not applied: it becomes a guard change waiting for a security
    /// officer other than the administrator (<see cref="GuardClassifier.AccountRoles"/>), in this transaction.
    /// </summary>
    public static async Task<Outcome> Handle(
        ChangeAccountRolesBy message, IDocumentSession session, IMessageContext bus, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow();
        if (await ReadAsync(session, message.Command.UserName, ct) is not { } stream)
            return NoName;
        var decision = ChangeAccountRolesDecider.Decide(message.Command, stream.Aggregate, message.Actor, now);
        if (decision.Refusal is { } refusal)
            return Outcome.Refused(refusal);

        var verdict = GuardClassifier.AccountRoles(stream.Aggregate!, decision.Events);
        if (verdict.Weakens)
            return await GuardGate.SubmitAsync(
                session, bus, GuardChange.For(message.Command, stream.Aggregate!, verdict), stream.Id, message.Actor, now, ct);
        stream.AppendMany(decision.Events);
        return Outcome.Done(stream.Id);
    }

    public static Task<Outcome> Handle(SetAccountDisabledBy message, IDocumentSession session, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(time);
        return DecideAsync(session, message.Command.UserName,
            current => SetAccountDisabledDecider.Decide(message.Command, current, message.Actor, time.GetUtcNow()), ct);
    }

    private static Outcome NoName => Outcome.Refused(Refusal.Because("Name the account (1 to 100 characters).", RefusalKind.NotFound));

    private static async Task<IEventStream<UserAccount>?> ReadAsync(IDocumentSession session, string? userName, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (string.IsNullOrWhiteSpace(userName) || userName.Length > 100)
            return null;
        return await session.Events.FetchForWriting<UserAccount>(UserAccount.IdFor(userName), ct);
    }

    private static async Task<Outcome> DecideAsync(IDocumentSession session, string? userName, Func<UserAccount?, Decision> decide, CancellationToken ct)
    {
        if (await ReadAsync(session, userName, ct) is not { } stream)
            return NoName;
        var decision = decide(stream.Aggregate);
        if (decision.Refusal is { } refusal)
            return Outcome.Refused(refusal);
        stream.AppendMany(decision.Events);
        return Outcome.Done(stream.Id);
    }
}

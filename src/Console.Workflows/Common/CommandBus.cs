using Console.Workflows.Accounts;
using Console.Workflows.Audit.Access;
using Marten;
using Wolverine;

namespace Console.Workflows.Common;

/// <summary>
/// A command together with the person issuing it (<c>ApproveRequestBy</c>, <c>RegisterVnfBy</c>, ...): the one message
/// shape every capability's Wolverine handler takes. The handler checks the person's role first (the one role table,
/// <see cref="CommandRoles"/>), then runs the pure decider.
/// </summary>
public interface ICommandBy
{
    Actor Actor { get; }

    /// <summary>What the security history names as acted on when the command is refused ("request/{id}").</summary>
    string Resource { get; }

    /// <summary>What losing an optimistic-concurrency race at commit means to the person.</summary>
    string ConflictMessage { get; }

    /// <summary>The refusal a commit failure other than a lost race stands for, or null when it is a fault.</summary>
    Refusal? RefusalFor(Exception commitFailure) => null;
}

/// <summary>
/// A command a person issues (<c>ApproveRequest</c>, <c>PinSnapshot</c>, ...). It names the message its handler takes,
/// the command with that person, so the acting person reaches every handler the same way.
/// </summary>
public interface IConsoleCommand
{
    ICommandBy By(Actor actor);
}

/// <summary>The one way pages, the API and tests issue a command: no per-capability port in between.</summary>
public interface IConsoleCommandBus
{
    /// <summary>Carries the command out as this person; refusals come back as <see cref="Outcome.Refusal"/>, never as exceptions.</summary>
    Task<Outcome> IssueAsync(IConsoleCommand command, Actor actor, CancellationToken ct = default);
}

/// <summary>
/// <see cref="IConsoleCommandBus"/> on the durable workflow: wraps the command with the acting person, runs its handler inline
/// (one Marten transaction with the outbox), turns a lost race into a Conflict refusal, and records refusals worth
/// keeping (<see cref="AccessRefusals"/>) in the security history. Before any of that it reads the person's account
/// afresh: a session signed in before a role, a group or the account itself was taken away is refused here, on every
/// node and whatever page or API route the command came through, not only when the session is next revalidated.
/// </summary>
public sealed class CommandBus(IMessageBus bus, IAccessJournal journal, IDocumentStore store, CommandPressure pressure) : IConsoleCommandBus
{
    /// <summary>
    /// What a person reads when the database went away under a command. A connection cut while committing leaves
    /// PostgreSQL's answer unknown, so the message says to look before trying again rather than promising nothing changed.
    /// </summary>
    public const string DatabaseUnavailableMessage =
        "The database could not be reached (it may be restarting), so this was most likely not carried out. "
        + "Reload in a few seconds to see the current state, then try again if it is not there.";

    // Inline handlers normally finish in milliseconds; the bound only stops a caller waiting forever on a stuck database.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public Task<Outcome> IssueAsync(IConsoleCommand command, Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        return IssueAsync(command.By(actor), ct);
    }

    /// <summary>A message that already carries its person (tests issue the guard change a handler would raise this way).</summary>
    internal async Task<Outcome> IssueAsync(ICommandBy command, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        Outcome outcome;
        try
        {
            if (await StandingRefusalAsync(command.Actor, ct) is { } stale)
                outcome = Outcome.Refused(stale);
            else
            {
                // Executions on this node give way while this runs (ExecutionShare). Counted only once the account
                // stands: an old session's commands are refused without holding anyone's executions back.
                using var counted = pressure.Enter();
                outcome = await bus.InvokeAsync<Outcome>(command, ct, Timeout);
            }
        }
        catch (Exception ex) when (Concurrency.LostRace(ex))
        {
            outcome = Outcome.Refused(Refusal.Because(command.ConflictMessage, RefusalKind.Conflict));
        }
        catch (Exception ex) when (command.RefusalFor(ex) is { } refusal)
        {
            outcome = Outcome.Refused(refusal);
        }
        catch (Exception ex) when (Concurrency.DatabaseUnavailable(ex))
        {
            // Nothing to journal either: the journal lives in the same database.
            return Outcome.Refused(Refusal.Because(DatabaseUnavailableMessage, RefusalKind.Unavailable));
        }

        await AccessRefusals.RecordAsync(journal, outcome, command);
        return outcome;
    }

    private async Task<Refusal?> StandingRefusalAsync(Actor actor, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await AccountStanding.CheckAsync(session, actor, ct);
    }
}

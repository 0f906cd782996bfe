using Console.Workflows.Audit.Access;
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
/// The one way a command is issued, from pages, the API and tests alike: the command port wraps it with the acting
/// person, and this runs its handler inline (one Marten transaction with the outbox), turns a lost race into a Conflict
/// refusal, and records refusals worth keeping (<see cref="AccessRefusals"/>) in the security history.
/// </summary>
public sealed class CommandBus(IMessageBus bus, IAccessJournal journal)
{
    // Inline handlers normally finish in milliseconds; the bound only stops a caller waiting forever on a stuck database.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public async Task<Outcome> IssueAsync(ICommandBy command, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        Outcome outcome;
        try
        {
            outcome = await bus.InvokeAsync<Outcome>(command, ct, Timeout);
        }
        catch (Exception ex) when (Concurrency.LostRace(ex))
        {
            outcome = Outcome.Refused(Refusal.Because(command.ConflictMessage, RefusalKind.Conflict));
        }
        catch (Exception ex) when (command.RefusalFor(ex) is { } refusal)
        {
            outcome = Outcome.Refused(refusal);
        }

        await AccessRefusals.RecordAsync(journal, outcome, command);
        return outcome;
    }
}

using Console.Workflows.Common;
using Marten;

namespace Console.Workflows.Audit.Integrity.Acknowledging;

/// <summary>Take note of the open integrity alert raised by run <paramref name="RunId"/>, seen at <paramref name="ExpectedVersion"/>.</summary>
public sealed record AcknowledgeIntegrityAlert(Guid RunId, string Note, int ExpectedVersion) : IConsoleCommand
{
    public const int NoteMaxLength = 500;

    public ICommandBy By(Actor actor) => new AcknowledgeIntegrityAlertBy(this, actor);
}

public sealed record AcknowledgeIntegrityAlertBy(AcknowledgeIntegrityAlert Command, Actor Actor) : ICommandBy
{
    public string Resource => "audit/integrity";

    public string ConflictMessage => "Someone else acted on the alert at the same moment; reload.";
}

/// <summary>Decides on the integrity stream's state and appends at the version the person saw (the middleware commits).</summary>
public static class AcknowledgeIntegrityAlertHandler
{
    public static async Task<Outcome> Handle(AcknowledgeIntegrityAlertBy message, IDocumentSession session, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(time);
        var state = await session.LoadAsync<IntegrityStatus>(IntegrityStatus.StreamId, ct);
        var decision = AcknowledgeIntegrityAlertDecider.Decide(message.Command, state, message.Actor, time.GetUtcNow());
        if (decision.Refusal is { } refusal)
            return Outcome.Refused(refusal);
        session.Events.Append(IntegrityStatus.StreamId, message.Command.ExpectedVersion + decision.Events.Count, decision.Events);
        return Outcome.Done(IntegrityStatus.StreamId);
    }
}

public static class AcknowledgeIntegrityAlertDecider
{
    public static Decision Decide(AcknowledgeIntegrityAlert command, IntegrityStatus? state, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(actor);
        if (CommandRoles.Check(ConsoleCommand.AcknowledgeIntegrityAlert, actor) is { } forbidden)
            return forbidden;

        var note = (command.Note ?? "").Trim();
        if (note.Length > AcknowledgeIntegrityAlert.NoteMaxLength)
        {
            return Refusal.ForFields(new Dictionary<string, string[]>
            {
                [nameof(AcknowledgeIntegrityAlert.Note)] = [$"At most {AcknowledgeIntegrityAlert.NoteMaxLength} characters."],
            });
        }

        if (state?.OpenAlert is not { } alert)
            return Refusal.Because("There is no open integrity alert any more (acknowledged, or a later verification passed); reload.", RefusalKind.Conflict);
        if (alert.RunId != command.RunId)
            return Refusal.Because("A newer verification replaced this alert; reload and look at it first.", RefusalKind.Conflict);
        if (state.Version != command.ExpectedVersion)
            return Refusal.Because("Someone else acted first; reload.", RefusalKind.Conflict);

        return Decision.Emit(new IntegrityAlertAcknowledged(command.RunId, note, actor.UserId, actor.DisplayName, now));
    }
}

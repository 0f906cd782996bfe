using Console.Workflows.Audit.Access;
using Console.Workflows.Common;
using Console.Workflows.Requests.Expiring;
using Marten;
using Wolverine;

namespace Console.Workflows.Requests.Submitting;

/// <summary>A person's submission as the workflow carries it: the command and who gave it.</summary>
public sealed record SubmitRequestBy(SubmitRequest Command, Actor Actor) : ICommandBy
{
    public string Resource => Command.TargetEnvironmentId is { } target
        ? $"{AccessResources.Vnf(Command.VnfId)}/{AccessResources.Environment(target)}"
        : AccessResources.Vnf(Command.VnfId);

    public string ConflictMessage => RequestHandler.ConflictMessage;
}

public static class SubmitRequestHandler
{
    public static async Task<Outcome> Handle(
        SubmitRequestBy message, IDocumentSession session, IMessageContext bus, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var command = message.Command;
        if (CommandRoles.Check(CommandRoles.Submit(command.Kind), message.Actor) is { } forbidden)
            return Outcome.Refused(forbidden);
        var (facts, refusal) = await RequestHandler.LoadFactsAsync(session, command.VnfId, command.SnapshotId, ct);
        if (refusal is not null)
            return Outcome.Refused(refusal);

        var now = time.GetUtcNow();
        var requestId = Guid.CreateVersion7(now);
        var decision = SubmitRequestDecider.Decide(command, requestId, facts!, message.Actor, now);
        if (decision.Refusal is { } refused)
            return Outcome.Refused(refused);

        session.Events.StartStream<ChangeRequest>(requestId, decision.Events);
        var submitted = decision.Events.OfType<RequestSubmitted>().Single();
        // The timeout is a durable scheduled message in PostgreSQL: it fires even if this node is gone by then.
        if (!decision.Events.OfType<RequestApproved>().Any())
            await bus.ScheduleAsync(new ExpireRequest(requestId), submitted.ExpiresAt);
        await RequestHandler.StartExecutionIfApprovedAsync(requestId, decision, bus);
        return Outcome.Done(requestId);
    }
}

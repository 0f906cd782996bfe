using Console.Workflows.Audit.Access;
using Console.Workflows.Common;
using Marten;
using Wolverine;

namespace Console.Workflows.Requests.Amending;

public sealed record AmendRequestBy(AmendRequest Command, Actor Actor) : RequestCommandBy(Command.RequestId, Actor)
{
    public override string Resource => Command.TargetEnvironmentId is { } target
        ? $"{base.Resource}/{AccessResources.Environment(target)}"
        : base.Resource;
}

public static class AmendRequestHandler
{
    public static async Task<Outcome> Handle(
        AmendRequestBy message, IDocumentSession session, IMessageContext bus, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        // Before the request is even looked up: a person without the role learns nothing about it.
        if (CommandRoles.Check(ConsoleCommand.AmendRequest, message.Actor) is { } forbidden)
            return Outcome.Refused(forbidden);
        var stream = await session.Events.FetchForWriting<ChangeRequest>(message.Command.RequestId, ct);
        if (stream.Aggregate is not { } request)
            return RequestHandler.NotFound;
        if (request.Content.Kind == RequestKind.GuardChange)
            return Outcome.Refused(AmendRequestDecider.GuardChangeNotAmendable);

        var (facts, refusal) = await RequestHandler.LoadFactsAsync(session, request.Content.VnfId, request.Content.SnapshotId, ct);
        if (refusal is not null)
            return Outcome.Refused(refusal);

        var decision = AmendRequestDecider.Decide(message.Command, request, facts!, message.Actor, time.GetUtcNow());
        return await RequestHandler.AppendAsync(stream, decision, bus);
    }
}

using Console.Workflows.Common;
using Marten;
using Wolverine;

namespace Console.Workflows.Requests.Cancelling;

public sealed record CancelRequestBy(CancelRequest Command, Actor Actor) : RequestCommandBy(Command.RequestId, Actor);

public static class CancelRequestHandler
{
    public static async Task<Outcome> Handle(
        CancelRequestBy message, IDocumentSession session, IMessageContext bus, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        // Before the request is even looked up: a person without the role learns nothing about it.
        if (CommandRoles.Check(ConsoleCommand.CancelRequest, message.Actor) is { } forbidden)
            return Outcome.Refused(forbidden);
        var stream = await session.Events.FetchForWriting<ChangeRequest>(message.Command.RequestId, ct);
        if (stream.Aggregate is not { } request)
            return RequestHandler.NotFound;

        var decision = CancelRequestDecider.Decide(message.Command, request, message.Actor, time.GetUtcNow());
        return await RequestHandler.AppendAsync(stream, decision, bus);
    }
}

using Console.Workflows.Common;
using Marten;
using Wolverine;

namespace Console.Workflows.Requests.Cancelling;

public sealed record CancelRequestBy(CancelRequest Command, Actor Actor);

public static class CancelRequestHandler
{
    public static async Task<Outcome> Handle(
        CancelRequestBy message, IDocumentSession session, IMessageContext bus, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var stream = await session.Events.FetchForWriting<ChangeRequest>(message.Command.RequestId, ct);
        if (stream.Aggregate is not { } request)
            return RequestHandler.NotFound;

        var decision = CancelRequestDecider.Decide(message.Command, request, message.Actor, time.GetUtcNow());
        return await RequestHandler.AppendAsync(stream, decision, bus);
    }
}

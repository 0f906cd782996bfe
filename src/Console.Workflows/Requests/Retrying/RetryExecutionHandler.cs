using Console.Workflows.Common;
using Console.Workflows.Requests.Executing;
using Marten;
using Wolverine;

namespace Console.Workflows.Requests.Retrying;

public sealed record RetryExecutionBy(RetryExecution Command, Actor Actor);

public static class RetryExecutionHandler
{
    public static async Task<Outcome> Handle(
        RetryExecutionBy message, IDocumentSession session, IMessageContext bus, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var stream = await session.Events.FetchForWriting<ChangeRequest>(message.Command.RequestId, ct);
        if (stream.Aggregate is not { } request)
            return RequestHandler.NotFound;

        var decision = RetryExecutionDecider.Decide(message.Command, request, message.Actor, time.GetUtcNow());
        if (decision.Refusal is { } refusal)
            return Outcome.Refused(refusal);

        stream.AppendMany(decision.Events);
        // Stored with the retry request in one transaction, delivered after the commit.
        // Inside the window, and at its opening if that is still ahead.
        await RequestHandler.HandOverAsync(new ExecuteRequest(request.Id, request.ExecutionAttempts + 1), bus,
            ChangeWindows.WaitBeforeStart(request.Window, time.GetUtcNow()));
        return Outcome.Done(request.Id);
    }
}

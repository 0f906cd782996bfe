using Console.Workflows.Common;
using Console.Workflows.Policy;
using Console.Workflows.Requests.Executing;
using Marten;
using Wolverine;

namespace Console.Workflows.Requests.Retrying;

public sealed record RetryExecutionBy(RetryExecution Command, Actor Actor) : RequestCommandBy(Command.RequestId, Actor);

public static class RetryExecutionHandler
{
    public static async Task<Outcome> Handle(
        RetryExecutionBy message, IDocumentSession session, IMessageContext bus, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        // Before the request is even looked up: a person without the role learns nothing about it.
        if (CommandRoles.Check(ConsoleCommand.RetryExecution, message.Actor) is { } forbidden)
            return Outcome.Refused(forbidden);
        var stream = await session.Events.FetchForWriting<ChangeRequest>(message.Command.RequestId, ct);
        if (stream.Aggregate is not { } request)
            return RequestHandler.NotFound;

        var policy = await session.LoadAsync<ApprovalPolicy>(ApprovalPolicy.StreamId, ct);
        var maxAttempts = (policy?.Document ?? DefaultPolicy.Document).ExecutionAttemptsBound;
        var decision = RetryExecutionDecider.Decide(message.Command, request, maxAttempts, message.Actor, time.GetUtcNow());
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

using Console.Workflows.Accounts.SteppingUp;
using Console.Workflows.Common;
using Marten;
using Wolverine;

namespace Console.Workflows.Requests.Rejecting;

public sealed record RejectRequestBy(RejectRequest Command, Actor Actor) : RequestCommandBy(Command.RequestId, Actor);

public static class RejectRequestHandler
{
    public static async Task<Outcome> Handle(
        RejectRequestBy message, IDocumentSession session, IMessageContext bus, TimeProvider time, StepUpCheck stepUp, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        // Before the request is even looked up: a person without the role learns nothing about it.
        if (CommandRoles.Check(ConsoleCommand.RejectRequest, message.Actor) is { } forbidden)
            return Outcome.Refused(forbidden);
        var stream = await session.Events.FetchForWriting<ChangeRequest>(message.Command.RequestId, ct);
        if (stream.Aggregate is not { } request)
            return RequestHandler.NotFound;

        var now = time.GetUtcNow();
        var proof = await stepUp.VerifyAsync(session, request, message.Actor, message.Command.StepUpCode, now, ct);
        var decision = RejectRequestDecider.Decide(message.Command, request, message.Actor, now, proof.Verdict);
        if (!decision.Refused)
            proof.UseUp();
        return await RequestHandler.AppendAsync(stream, decision, bus);
    }
}

using Console.Workflows.Accounts.SteppingUp;
using Console.Workflows.Common;
using Marten;
using Wolverine;

namespace Console.Workflows.Requests.Approving;

public sealed record ApproveRequestBy(ApproveRequest Command, Actor Actor) : RequestCommandBy(Command.RequestId, Actor);

/// <summary>
/// Two approvers acting at the same moment both read version n; the first commit moves the stream to n+1 and the
/// second fails its optimistic check, so a quorum is never counted twice and RequestApproved is appended once.
/// </summary>
public static class ApproveRequestHandler
{
    public static async Task<Outcome> Handle(
        ApproveRequestBy message, IDocumentSession session, IMessageContext bus, TimeProvider time, StepUpCheck stepUp, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        // Before the request is even looked up: a person without the role learns nothing about it.
        if (CommandRoles.Check(ConsoleCommand.ApproveRequest, message.Actor) is { } forbidden)
            return Outcome.Refused(forbidden);
        var stream = await session.Events.FetchForWriting<ChangeRequest>(message.Command.RequestId, ct);
        if (stream.Aggregate is not { } request)
            return RequestHandler.NotFound;

        var now = time.GetUtcNow();
        var proof = await stepUp.VerifyAsync(session, request, message.Actor, message.Command.StepUpCode, now, ct);
        var decision = ApproveRequestDecider.Decide(message.Command, request, message.Actor, now, proof.Verdict);
        if (!decision.Refused)
            proof.UseUp();
        return await RequestHandler.AppendAsync(stream, decision, bus);
    }
}

using Console.Workflows.Common;
using JasperFx;
using JasperFx.Events;
using Marten;

namespace Console.Workflows.Policy.Revising;

public static class RevisePolicyHandler
{
    public static async Task<Outcome> Handle(
        IDocumentSession session, TimeProvider time, RevisePolicy command, Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(time);
        var stream = await session.Events.FetchForWriting<ApprovalPolicy>(ApprovalPolicy.StreamId, ct);
        var decision = RevisePolicyDecider.Decide(command, stream.Aggregate, actor, time.GetUtcNow());
        if (decision.Refusal is { } refusal)
            return Outcome.Refused(refusal);

        stream.AppendMany(decision.Events);
        try
        {
            await session.SaveChangesAsync(ct);
            return Outcome.Done(ApprovalPolicy.StreamId);
        }
        catch (Exception ex) when (ex is ConcurrencyException or EventStreamUnexpectedMaxEventIdException
            || ex.InnerException is ConcurrencyException or EventStreamUnexpectedMaxEventIdException)
        {
            return Outcome.Refused(Refusal.Because(
                "Someone else revised the policy at the same moment. Reload it and apply your change again.", RefusalKind.Conflict));
        }
    }
}

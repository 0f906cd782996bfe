using Console.Workflows.Common;
using Console.Workflows.Guards;
using Console.Workflows.Guards.Classifying;
using Console.Workflows.Guards.Submitting;
using JasperFx;
using JasperFx.Events;
using Marten;

namespace Console.Workflows.Policy.Revising;

public static class RevisePolicyHandler
{
    public static async Task<Outcome> Handle(
        IDocumentSession session, TimeProvider time, RevisePolicy command, Actor actor, CancellationToken ct,
        IGuardChangeRequests? guardChanges = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(time);
        var stream = await session.Events.FetchForWriting<ApprovalPolicy>(ApprovalPolicy.StreamId, ct);
        var decision = RevisePolicyDecider.Decide(command, stream.Aggregate, actor, time.GetUtcNow());
        if (decision.Refusal is { } refusal)
            return Outcome.Refused(refusal);

        // A weakening revision waits for a security officer; the policy in force stays as it is until then.
        if (stream.Aggregate is { } current && decision.Events.OfType<PolicyRevised>().SingleOrDefault() is { } revised)
        {
            var verdict = GuardClassifier.Policy(current.Document, revised.Document);
            if (verdict.Weakens)
                return await GuardGate.SubmitAsync(guardChanges, GuardChange.For(command, verdict), ApprovalPolicy.StreamId, actor, ct);
        }

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

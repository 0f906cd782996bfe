using Console.Workflows.Audit.Access;
using Console.Workflows.Common;
using Console.Workflows.Guards;
using Console.Workflows.Guards.Classifying;
using Console.Workflows.Guards.Submitting;
using Marten;
using Wolverine;

namespace Console.Workflows.Policy.Revising;

/// <summary>A revision as the workflow carries it, with the administrator who gave it.</summary>
public sealed record RevisePolicyBy(RevisePolicy Command, Actor Actor) : ICommandBy
{
    public string Resource => AccessResources.Policy;

    public string ConflictMessage => "Someone else revised the policy at the same moment. Reload it and apply your change again.";
}

public static class RevisePolicyHandler
{
    public static async Task<Outcome> Handle(
        RevisePolicyBy message, IDocumentSession session, IMessageContext bus, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow();
        var stream = await session.Events.FetchForWriting<ApprovalPolicy>(ApprovalPolicy.StreamId, ct);
        var decision = RevisePolicyDecider.Decide(message.Command, stream.Aggregate, message.Actor, now);
        if (decision.Refusal is { } refusal)
            return Outcome.Refused(refusal);

        // A weakening revision waits for a security officer; the policy in force stays as it is until then.
        if (stream.Aggregate is { } current && decision.Events.OfType<PolicyRevised>().SingleOrDefault() is { } revised)
        {
            var verdict = GuardClassifier.Policy(current.Document, revised.Document);
            if (verdict.Weakens)
                return await GuardGate.SubmitAsync(
                    session, bus, GuardChange.For(message.Command, verdict), ApprovalPolicy.StreamId, message.Actor, now, ct);
        }

        stream.AppendMany(decision.Events);
        return Outcome.Done(ApprovalPolicy.StreamId);
    }
}

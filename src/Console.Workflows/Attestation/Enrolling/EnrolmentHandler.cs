using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Marten;

namespace Console.Workflows.Attestation.Enrolling;

/// <summary>The Wolverine handlers: role table, the stream at the version the person saw, the pure decider, append.</summary>
public static class EnrolmentHandler
{
    public static Task<Outcome> Handle(ProposeEnrolmentBy message, IDocumentSession session, TimeProvider time, CancellationToken ct) =>
        DecideAsync(message, session, (state, exists, version) =>
            ProposeEnrolmentDecider.Decide(message.Command, state, exists, version, Guid.NewGuid(), message.Actor, time.GetUtcNow()), ct);

    public static Task<Outcome> Handle(ApproveEnrolmentBy message, IDocumentSession session, TimeProvider time, CancellationToken ct) =>
        DecideAsync(message, session, (state, exists, version) =>
            DecideEnrolmentDecider.Approve(message.Command, state, exists, version, message.Actor, time.GetUtcNow()), ct);

    public static Task<Outcome> Handle(RejectEnrolmentBy message, IDocumentSession session, TimeProvider time, CancellationToken ct) =>
        DecideAsync(message, session, (state, exists, version) =>
            DecideEnrolmentDecider.Reject(message.Command, state, exists, version, message.Actor, time.GetUtcNow()), ct);

    public static Task<Outcome> Handle(RevokeAttestationKeyBy message, IDocumentSession session, TimeProvider time, CancellationToken ct) =>
        DecideAsync(message, session, (state, exists, version) =>
            RevokeAttestationKeyDecider.Decide(message.Command, state, exists, version, message.Actor, time.GetUtcNow()), ct);

    private static async Task<Outcome> DecideAsync(
        EnrolmentCommandBy message, IDocumentSession session, Func<AttestationSubject?, bool, int, Decision> decide, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var exists = await session.LoadAsync<ExecutionEnvironment>(message.EnvironmentId, ct) is not null;
        var stream = await session.Events.FetchForWriting<AttestationSubject>(message.EnvironmentId, ct);
        var decision = decide(stream.Aggregate, exists, EnrolmentGuards.VersionOf(stream));
        if (decision.Refusal is { } refusal)
            return Outcome.Refused(refusal);
        stream.AppendMany(decision.Events);
        return Outcome.Done(message.EnvironmentId);
    }
}

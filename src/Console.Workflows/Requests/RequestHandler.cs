using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;
using Console.Workflows.Requests.Executing;
using Console.Workflows.Requests.Submitting;
using Console.Workflows.Snapshots;
using JasperFx.Events;
using Marten;
using Wolverine;

namespace Console.Workflows.Requests;

/// <summary>
/// The steps every request handler shares: load the facts a decider needs, append its events to the request stream,
/// and start execution through the outbox when the decision approved the request. The transactional middleware
/// commits the session, so the events and the outgoing <see cref="ExecuteRequest"/> are stored in one transaction.
/// </summary>
internal static class RequestHandler
{
    public const string ConflictMessage = "Someone else acted on this request first; reload to see what changed.";

    public static Outcome NotFound => Outcome.Refused(Refusal.Because("This request does not exist.", RefusalKind.NotFound));

    public static async Task<Outcome> AppendAsync(
        IEventStream<ChangeRequest> stream, Decision decision, IMessageContext bus)
    {
        if (decision.Refusal is { } refusal)
            return Outcome.Refused(refusal);

        stream.AppendMany(decision.Events);
        await StartExecutionIfApprovedAsync(stream.Id, decision, bus, stream.Aggregate?.Window);
        return Outcome.Done(stream.Id);
    }

    /// <summary>
    /// Sends attempt 1 through the outbox: it is stored with the RequestApproved event and delivered only after the
    /// commit, so a crash in between neither loses the execution nor runs it for an approval that was never saved.
    /// With a change window ahead, it is scheduled for the moment the window opens (durable: it survives restarts).
    /// </summary>
    /// <param name="window">The request's window; for a submission approved at once, the one it was submitted with.</param>
    public static async Task StartExecutionIfApprovedAsync(Guid requestId, Decision decision, IMessageContext bus, ChangeWindow? window = null)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.Events.OfType<RequestApproved>().FirstOrDefault() is not { } approved)
            return;
        window ??= decision.Events.OfType<RequestSubmitted>().FirstOrDefault()?.Window;
        await HandOverAsync(new ExecuteRequest(requestId, 1), bus, ChangeWindows.WaitBeforeStart(window, approved.At));
    }

    /// <summary>
    /// Hands an execution to the durable schedule rather than straight to the execution queue. Either way it is stored
    /// in the command's transaction; but a straight hand-off waits after the commit for room in the queue's buffer,
    /// and with a backlog of executions (each takes as long as the infrastructure does) the person approving would wait
    /// for one of them to finish. Right after the commit <see cref="ExecutionWakeup"/> moves it from the schedule to the
    /// queue; should this node die first, the durability agent does within a polling interval
    /// (<see cref="RequestWorkflowOptions.ScheduledJobPollingTime"/>).
    /// </summary>
    /// <param name="wait">How long the execution must wait for its change window to open (zero: it may start now).</param>
    public static ValueTask HandOverAsync(ExecuteRequest execution, IMessageContext bus, TimeSpan wait = default)
    {
        ArgumentNullException.ThrowIfNull(bus);
        return bus.ScheduleAsync(execution, wait > ExecutionHandOverDelay ? wait : ExecutionHandOverDelay);
    }

    /// <summary>
    /// Far enough ahead that the envelope is stored as scheduled, not delivered at once; also the horizon within which
    /// <see cref="ExecutionWakeup"/> takes scheduled executions to be hand-overs.
    /// </summary>
    public static readonly TimeSpan ExecutionHandOverDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>What a submission or amendment is judged against: the inventory and the policy in force now.</summary>
    public static async Task<(SubmissionFacts? Facts, Refusal? Refusal)> LoadFactsAsync(
        IQuerySession session, Guid vnfId, Guid? snapshotId, CancellationToken ct)
    {
        var vnf = await session.LoadAsync<Vnf>(vnfId, ct);
        if (vnf is null)
            return (null, Refusal.Because("This VNF does not exist (any more).", RefusalKind.NotFound));
        var policy = await session.LoadAsync<ApprovalPolicy>(ApprovalPolicy.StreamId, ct);
        if (policy is null)
            return (null, Refusal.Because(
                "No approval policy is in force, so no request can be judged. Restart the console to seed the default policy.",
                RefusalKind.Invalid));

        var environments = await session.Query<ExecutionEnvironment>().ToListAsync(ct);
        var trustDomains = await session.Query<TrustDomain>().ToListAsync(ct);
        var snapshot = snapshotId is { } id ? await session.LoadAsync<Snapshot>(id, ct) : null;
        return (new SubmissionFacts(
            vnf, environments.ToDictionary(e => e.Id), trustDomains.ToDictionary(t => t.Id), policy, snapshot), null);
    }
}

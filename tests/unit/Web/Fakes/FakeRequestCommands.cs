using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Approving;
using Console.Workflows.Requests.Cancelling;
using Console.Workflows.Requests.Rejecting;
using Console.Workflows.Requests.Retrying;
using Console.Workflows.Requests.Submitting;

namespace Console.UnitTests.Web.Fakes;

/// <summary>
/// Carries request commands out on <see cref="InMemoryRequests"/> with the checks the workflow makes (expected version,
/// bound digest, quorum eligibility, mandatory reasons, who may cancel or retry), records them with their actor, and
/// announces each committed change. <see cref="RefuseNextWith"/> makes the next command come back refused.
/// </summary>
public sealed class FakeRequestCommands(
    InMemoryRequests store, IPolicyReader policy, FakeSnapshotReader snapshots, FakeRequestNotifications notifications) : IRequestCommands
{
    private Refusal? _nextRefusal;

    public List<(object Command, Actor Actor)> Received { get; } = [];

    public DateTimeOffset Now { get; set; } = new(2025, 11, 20, 10, 0, 0, TimeSpan.Zero);

    /// <summary>When set, the next command waits for it before answering, so tests can see the page while it works.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public void RefuseNextWith(Refusal refusal) => _nextRefusal = refusal;

    // Submission goes through the workflow's decider too, with the facts its handler would load.
    public Task<Outcome> SubmitAsync(SubmitRequest command, Actor actor, CancellationToken ct = default) =>
        Handle(command, actor, null, async () =>
        {
            var vnf = store.Inventory.Vnfs.FirstOrDefault(v => v.Id == command.VnfId);
            if (vnf is null)
                return Refused("This VNF does not exist (any more).", RefusalKind.NotFound);
            var facts = new SubmissionFacts(
                vnf, store.Inventory.Environments.ToDictionary(e => e.Id), store.Inventory.TrustDomains.ToDictionary(d => d.Id),
                await policy.CurrentAsync(ct), snapshots.Snapshots.FirstOrDefault(s => s.Id == command.SnapshotId));
            var id = Guid.NewGuid();
            var decision = SubmitRequestDecider.Decide(command, id, facts, actor, Now);
            if (decision.Refusal is { } refusal)
                return Outcome.Refused(refusal);
            store.Add(decision.Events.OfType<RequestSubmitted>().Single());
            foreach (var approved in decision.Events.OfType<RequestApproved>())
                store.Append(id, approved, SubmitRequestDecider.PolicyActor, Now, "No approval needed.");
            return Outcome.Done(id);
        });

    public Task<Outcome> AmendAsync(AmendRequest command, Actor actor, CancellationToken ct = default) =>
        Handle(command, actor, (command.RequestId, command.ExpectedVersion), () =>
            Task.FromResult(Refused("Amending is not part of these tests.", RefusalKind.Invalid)));

    // Approve, reject, cancel and retry go through the workflow's own deciders, so the pages are tested against the
    // rules the server enforces (role table first), not a copy of them.
    public Task<Outcome> ApproveAsync(ApproveRequest command, Actor actor, CancellationToken ct = default) =>
        Handle(command, actor, (command.RequestId, command.ExpectedVersion), () =>
            Decide(command.RequestId, actor, r => ApproveRequestDecider.Decide(command, r, actor, Now)));

    public Task<Outcome> RejectAsync(RejectRequest command, Actor actor, CancellationToken ct = default) =>
        Handle(command, actor, (command.RequestId, command.ExpectedVersion), () =>
            Decide(command.RequestId, actor, r => RejectRequestDecider.Decide(command, r, actor, Now)));

    public Task<Outcome> CancelAsync(CancelRequest command, Actor actor, CancellationToken ct = default) =>
        Handle(command, actor, (command.RequestId, command.ExpectedVersion), () =>
            Decide(command.RequestId, actor, r => CancelRequestDecider.Decide(command, r, actor, Now)));

    public Task<Outcome> RetryAsync(RetryExecution command, Actor actor, CancellationToken ct = default) =>
        Handle(command, actor, (command.RequestId, command.ExpectedVersion), async () =>
        {
            var maxAttempts = (await policy.CurrentAsync(ct)).Document.ExecutionAttemptsBound;
            return await Decide(command.RequestId, actor, r => RetryExecutionDecider.Decide(command, r, maxAttempts, actor, Now));
        });

    private Task<Outcome> Decide(Guid id, Actor actor, Func<ChangeRequest, Decision> decide)
    {
        var decision = decide(store.Get(id));
        if (decision.Refusal is { } refusal)
            return Done(Outcome.Refused(refusal));
        foreach (var e in decision.Events)
        {
            var (who, summary) = e switch
            {
                ApprovalGranted g => (actor.DisplayName, $"Approved for {g.Group}"),
                RequestApproved => ("system:quorum", "Quorum reached."),
                RequestRejected x => (actor.DisplayName, $"Rejected: {x.Reason}"),
                RequestCancelled x => (actor.DisplayName, $"Cancelled: {x.Reason}"),
                ExecutionRetryRequested x => (actor.DisplayName, $"Retry requested: {x.Reason}"),
                _ => (actor.DisplayName, e.GetType().Name),
            };
            store.Append(id, e, who, Now, summary);
        }

        return Done(Outcome.Done(id));
    }

    private async Task<Outcome> Handle(object command, Actor actor, (Guid Id, int ExpectedVersion)? target, Func<Task<Outcome>> apply)
    {
        Received.Add((command, actor));
        if (Gate is { } gate)
            await gate.Task;

        if (_nextRefusal is { } refusal)
        {
            _nextRefusal = null;
            return Outcome.Refused(refusal);
        }

        if (target is { } t)
        {
            if (!store.Requests.TryGetValue(t.Id, out var current))
                return Refused("This request does not exist.", RefusalKind.NotFound);
            if (current.Version != t.ExpectedVersion)
                return Refused("Someone else acted first; reload.", RefusalKind.Conflict);
        }

        var outcome = await apply();
        if (outcome.Succeeded)
            notifications.Raise(outcome.Id);
        return outcome;
    }

    private static Task<Outcome> Done(Outcome outcome) => Task.FromResult(outcome);

    private static Outcome Refused(string message, RefusalKind kind = RefusalKind.Invalid) => Outcome.Refused(Refusal.Because(message, kind));

}

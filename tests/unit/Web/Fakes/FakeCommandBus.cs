using Console.UnitTests.Web.Components.Pages.Snapshots;
using Console.Workflows.Accounts.SteppingUp;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.ChangingEnvironment;
using Console.Workflows.Inventory.ChangingTrustDomain;
using Console.Workflows.Inventory.ChangingVnf;
using Console.Workflows.Inventory.RegisteringEnvironment;
using Console.Workflows.Inventory.RegisteringTrustDomain;
using Console.Workflows.Inventory.RegisteringVnf;
using Console.Workflows.Policy;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Amending;
using Console.Workflows.Requests.Approving;
using Console.Workflows.Requests.Cancelling;
using Console.Workflows.Requests.Rejecting;
using Console.Workflows.Requests.Retrying;
using Console.Workflows.Requests.Submitting;
using Console.Workflows.Snapshots.Holding;
using Console.Workflows.Snapshots.MarkingNotNeeded;
using Console.Workflows.Snapshots.Pinning;

namespace Console.UnitTests.Web.Fakes;

/// <summary>
/// The command bus of the page tests: carries inventory commands out on <see cref="FakeInventoryCommands"/>, request commands on <see cref="InMemoryRequests"/> (and snapshot
/// retention commands on <see cref="SnapshotLifecycle"/>) through the workflow's own
/// deciders (expected version, bound digest, quorum eligibility, mandatory reasons, who may cancel or retry, the role
/// table first), records them with their actor, and announces each committed change. <see cref="RefuseNextWith"/> makes
/// the next command come back refused.
/// </summary>
public sealed class FakeCommandBus(
    FakeInventoryCommands inventory, InMemoryRequests store, FakePolicyService policy, FakeSnapshotReader snapshots,
    FakeRequestNotifications notifications) : IConsoleCommandBus
{
    private Refusal? _nextRefusal;

    public List<(object Command, Actor Actor)> Received { get; } = [];

    public DateTimeOffset Now { get; set; } = new(2025, 11, 20, 10, 0, 0, TimeSpan.Zero);

    /// <summary>When set, the next command waits for it before answering, so tests can see the page while it works.</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>Where snapshot retention commands are carried out, for the tests of the snapshot pages.</summary>
    public InMemorySnapshots? SnapshotLifecycle { get; set; }

    private InMemorySnapshots Lifecycle =>
        SnapshotLifecycle ?? throw new InvalidOperationException("This test set no SnapshotLifecycle; snapshot commands need one.");

    public void RefuseNextWith(Refusal refusal) => _nextRefusal = refusal;

    public Task<Outcome> IssueAsync(IConsoleCommand command, Actor actor, CancellationToken ct = default) => command switch
    {
        SubmitRequest submit => SubmitAsync(submit, actor, ct),
        AmendRequest amend => AmendAsync(amend, actor, ct),
        ApproveRequest approve => ApproveAsync(approve, actor),
        RejectRequest reject => RejectAsync(reject, actor),
        CancelRequest cancel => CancelAsync(cancel, actor),
        RetryExecution retry => RetryAsync(retry, actor, ct),
        RegisterTrustDomain register => inventory.RegisterTrustDomainAsync(register, actor, ct),
        ChangeTrustDomain change => inventory.ChangeTrustDomainAsync(change, actor, ct),
        RegisterEnvironment register => inventory.RegisterEnvironmentAsync(register, actor, ct),
        ChangeEnvironment change => inventory.ChangeEnvironmentAsync(change, actor, ct),
        RegisterVnf register => inventory.RegisterVnfAsync(register, actor, ct),
        ChangeVnf change => inventory.ChangeVnfAsync(change, actor, ct),
        RevisePolicy revise => policy.ReviseAsync(revise, actor, ct),
        PinSnapshot pin => Lifecycle.PinAsync(pin, actor, ct),
        UnpinSnapshot unpin => Lifecycle.UnpinAsync(unpin, actor, ct),
        PlaceLegalHold hold => Lifecycle.PlaceLegalHoldAsync(hold, actor, ct),
        ReleaseLegalHold release => Lifecycle.ReleaseLegalHoldAsync(release, actor, ct),
        MarkSnapshotNotNeeded notNeeded => Lifecycle.MarkNotNeededAsync(notNeeded, actor, ct),
        _ => throw new NotSupportedException($"The page tests' bus does not carry out {command.GetType().Name}."),
    };

    // Submission goes through the workflow's decider too, with the facts its handler would load.
    private Task<Outcome> SubmitAsync(SubmitRequest command, Actor actor, CancellationToken ct) =>
        Handle(command, actor, null, async () =>
        {
            if (await FactsAsync(command.VnfId, command.SnapshotId, ct) is not { } facts)
                return Refused("This VNF does not exist (any more).", RefusalKind.NotFound);
            var id = Guid.NewGuid();
            var decision = SubmitRequestDecider.Decide(command, id, facts, actor, Now);
            if (decision.Refusal is { } refusal)
                return Outcome.Refused(refusal);
            store.Add(decision.Events.OfType<RequestSubmitted>().Single());
            foreach (var approved in decision.Events.OfType<RequestApproved>())
                store.Append(id, approved, SubmitRequestDecider.PolicyActor, Now, "No approval needed.");
            return Outcome.Done(id);
        });

    private Task<Outcome> AmendAsync(AmendRequest command, Actor actor, CancellationToken ct) =>
        Handle(command, actor, command.RequestId, async () =>
        {
            var request = store.Get(command.RequestId);
            if (await FactsAsync(request.Content.VnfId, request.Content.SnapshotId, ct) is not { } facts)
                return Refused("This VNF does not exist (any more).", RefusalKind.NotFound);
            return await Decide(command.RequestId, actor, r => AmendRequestDecider.Decide(command, r, facts, actor, Now));
        });

    // What the submission and amendment handlers load: the VNF, the environments and domains, the policy, the snapshot.
    private async Task<SubmissionFacts?> FactsAsync(Guid vnfId, Guid? snapshotId, CancellationToken ct) =>
        store.Inventory.Vnfs.FirstOrDefault(v => v.Id == vnfId) is { } vnf
            ? new SubmissionFacts(
                vnf, store.Inventory.Environments.ToDictionary(e => e.Id), store.Inventory.TrustDomains.ToDictionary(d => d.Id),
                await policy.CurrentAsync(ct), snapshots.Snapshots.FirstOrDefault(s => s.Id == snapshotId))
            : null;

    // Approve, reject, cancel and retry go through the workflow's own deciders, so the pages are tested against the
    // rules the server enforces (role table first), not a copy of them.
    private Task<Outcome> ApproveAsync(ApproveRequest command, Actor actor) =>
        Handle(command, actor, command.RequestId, () =>
            Decide(command.RequestId, actor, r => ApproveRequestDecider.Decide(command, r, actor, Now, StepUp(command.StepUpCode))));

    private Task<Outcome> RejectAsync(RejectRequest command, Actor actor) =>
        Handle(command, actor, command.RequestId, () =>
            Decide(command.RequestId, actor, r => RejectRequestDecider.Decide(command, r, actor, Now, StepUp(command.StepUpCode))));

    private Task<Outcome> CancelAsync(CancelRequest command, Actor actor) =>
        Handle(command, actor, command.RequestId, () =>
            Decide(command.RequestId, actor, r => CancelRequestDecider.Decide(command, r, actor, Now)));

    private Task<Outcome> RetryAsync(RetryExecution command, Actor actor, CancellationToken ct) =>
        Handle(command, actor, command.RequestId, async () =>
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
                RequestAmended => (actor.DisplayName, "Changed the request; earlier approvals no longer count."),
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

    private async Task<Outcome> Handle(object command, Actor actor, Guid? requestId, Func<Task<Outcome>> apply)
    {
        Received.Add((command, actor));
        if (Gate is { } gate)
            await gate.Task;

        if (_nextRefusal is { } refusal)
        {
            _nextRefusal = null;
            return Outcome.Refused(refusal);
        }

        // The expected version is the deciders' to judge (as in the workflow), after the digest an approval carries.
        if (requestId is { } id && !store.Requests.ContainsKey(id))
            return Refused("This request does not exist.", RefusalKind.NotFound);

        var outcome = await apply();
        if (outcome.Succeeded)
            notifications.Raise(outcome.Id);
        return outcome;
    }

    // The handler verifies the code against the enrolled secret (integration StepUp_ tests); here a page that sends one
    // stands for a person who typed a valid code, and a page that sends none for one who was not asked.
    private StepUpVerdict StepUp(string? code) =>
        StepUpVerdict.Accept(string.IsNullOrWhiteSpace(code) ? ApproverAuthentication.None : new ApproverAuthentication(StepUpMethods.Totp, Now));

    private static Task<Outcome> Done(Outcome outcome) => Task.FromResult(outcome);

    private static Outcome Refused(string message, RefusalKind kind = RefusalKind.Invalid) => Outcome.Refused(Refusal.Because(message, kind));

}

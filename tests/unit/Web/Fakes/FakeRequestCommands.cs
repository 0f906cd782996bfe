using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Approvals;
using Console.Workflows.Requests.Submitting;

namespace Console.UnitTests.Web.Fakes;

/// <summary>
/// Carries request commands out on <see cref="InMemoryRequests"/> with the checks the workflow makes (expected version,
/// bound digest, quorum eligibility, mandatory reasons, who may cancel or retry), records them with their actor, and
/// announces each committed change. <see cref="RefuseNextWith"/> makes the next command come back refused.
/// </summary>
public sealed class FakeRequestCommands(InMemoryRequests store, IPolicyService policy, FakeRequestNotifications notifications) : IRequestCommands
{
    private Refusal? _nextRefusal;

    public List<(object Command, Actor Actor)> Received { get; } = [];

    public DateTimeOffset Now { get; set; } = new(2025, 11, 20, 10, 0, 0, TimeSpan.Zero);

    /// <summary>When set, the next command waits for it before answering, so tests can see the page while it works.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public void RefuseNextWith(Refusal refusal) => _nextRefusal = refusal;

    public Task<Outcome> SubmitAsync(SubmitRequest command, Actor actor, CancellationToken ct = default) =>
        Handle(command, actor, null, async () =>
        {
            var vnf = store.Inventory.Vnfs.FirstOrDefault(v => v.Id == command.VnfId);
            if (vnf is null)
                return Refused("This VNF does not exist (any more).", RefusalKind.NotFound);
            if (command.Justification.Trim().Length < RequestLimits.JustificationMinLength)
                return Outcome.Refused(Refusal.ForFields(Field(nameof(SubmitRequest.Justification), "Explain why in at least 10 characters.")));

            var current = await policy.CurrentAsync(ct);
            var ids = command.ComponentIds.Count == 0 ? vnf.Components.Select(c => c.Id).ToList() : [.. command.ComponentIds];
            var content = new RequestContent(command.Kind, vnf.Id, ids, vnf.EnvironmentId, command.TargetEnvironmentId, command.SnapshotId, current.Revision);
            var facts = new SubmissionFacts(
                vnf, store.Inventory.Environments.ToDictionary(e => e.Id), store.Inventory.TrustDomains.ToDictionary(d => d.Id), current, null);
            var requirement = ApprovalRules.RequirementFor(content, facts);
            var id = Guid.NewGuid();
            store.Add(new RequestSubmitted(id, content, ContentDigest.Of(content), vnf.Name, command.Justification.Trim(), command.Window,
                requirement, actor.UserId, actor.DisplayName, Now, Now + current.Document.PendingRequestTimeout));
            if (requirement.NoneNeeded)
                store.Append(id, new RequestApproved(id, store.Get(id).ContentDigest, "system:policy", Now), "system:policy", Now, "No approval needed.");
            return Outcome.Done(id);
        });

    public Task<Outcome> AmendAsync(AmendRequest command, Actor actor, CancellationToken ct = default) =>
        Handle(command, actor, (command.RequestId, command.ExpectedVersion), () =>
            Task.FromResult(Refused("Amending is not part of these tests.", RefusalKind.Invalid)));

    public Task<Outcome> ApproveAsync(ApproveRequest command, Actor actor, CancellationToken ct = default) =>
        Handle(command, actor, (command.RequestId, command.ExpectedVersion), () =>
        {
            var r = store.Get(command.RequestId);
            if (r.Status != RequestStatus.PendingApproval)
                return Done(Refused($"This request is {r.Status}; it no longer waits for approval."));
            if (command.ContentDigest != r.ContentDigest)
                return Done(Refused("The request changed since you looked at it; reload.", RefusalKind.Conflict));
            if (Quorum.GroupFor(r.Requirement, r.CurrentApprovals, actor, r.RequesterId) is not { } group)
                return Done(Refused("Your approval would fill no group this request still needs.", RefusalKind.Forbidden));

            store.Append(r.Id, new ApprovalGranted(r.Id, actor.UserId, actor.DisplayName, group, r.ContentDigest, command.Comment, Now)
            {
                EligibleGroups = Quorum.EligibleGroups(r.Requirement, actor),
            }, actor.DisplayName, Now, $"Approved for {group}");
            if (Quorum.IsMet(store.Get(r.Id)))
                store.Append(r.Id, new RequestApproved(r.Id, r.ContentDigest, "system:quorum", Now), "system:quorum", Now, "Quorum reached.");
            return Done(Outcome.Done(r.Id));
        });

    public Task<Outcome> RejectAsync(RejectRequest command, Actor actor, CancellationToken ct = default) =>
        Handle(command, actor, (command.RequestId, command.ExpectedVersion), () =>
        {
            var r = store.Get(command.RequestId);
            if (string.IsNullOrWhiteSpace(command.Reason))
                return Done(Outcome.Refused(Refusal.ForFields(Field(nameof(RejectRequest.Reason), "Say why you reject it."))));
            if (actor.UserId == r.RequesterId || Quorum.EligibleGroups(r.Requirement, actor).Count == 0)
                return Done(Refused("You may not decide on this request.", RefusalKind.Forbidden));
            store.Append(r.Id, new RequestRejected(r.Id, actor.UserId, actor.DisplayName, command.Reason, Now), actor.DisplayName, Now,
                $"Rejected: {command.Reason}");
            return Done(Outcome.Done(r.Id));
        });

    public Task<Outcome> CancelAsync(CancelRequest command, Actor actor, CancellationToken ct = default) =>
        Handle(command, actor, (command.RequestId, command.ExpectedVersion), () =>
        {
            var r = store.Get(command.RequestId);
            if (actor.UserId != r.RequesterId && !actor.IsInRole(Roles.Administrator))
                return Done(Refused("Only the requester or an administrator may cancel.", RefusalKind.Forbidden));
            if (r.Status is not (RequestStatus.PendingApproval or RequestStatus.Approved))
                return Done(Refused("Execution has started; it can no longer be cancelled."));
            store.Append(r.Id, new RequestCancelled(r.Id, actor.UserId, actor.DisplayName, command.Reason, Now), actor.DisplayName, Now,
                $"Cancelled: {command.Reason}");
            return Done(Outcome.Done(r.Id));
        });

    public Task<Outcome> RetryAsync(RetryExecution command, Actor actor, CancellationToken ct = default) =>
        Handle(command, actor, (command.RequestId, command.ExpectedVersion), () =>
        {
            var r = store.Get(command.RequestId);
            if (!actor.IsInRole(Roles.NocOperator))
                return Done(Refused("Only a NOC operator may retry.", RefusalKind.Forbidden));
            if (r.Status != RequestStatus.Failed)
                return Done(Refused("Only a failed execution can be retried."));
            store.Append(r.Id, new ExecutionRetryRequested(r.Id, actor.UserId, actor.DisplayName, Now), actor.DisplayName, Now, "Retry requested.");
            return Done(Outcome.Done(r.Id));
        });

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

    private static Dictionary<string, string[]> Field(string key, string message) => new() { [key] = [message] };
}

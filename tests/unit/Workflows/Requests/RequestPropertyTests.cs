using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Nfv;
using Console.Workflows.Policy;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Amending;
using Console.Workflows.Requests.Approvals;
using Console.Workflows.Requests.Approving;
using Console.Workflows.Requests.Cancelling;
using Console.Workflows.Requests.Executing;
using Console.Workflows.Requests.Expiring;
using Console.Workflows.Requests.Rejecting;
using Console.Workflows.Requests.Retrying;
using Console.Workflows.Requests.Submitting;
using FsCheck.Xunit;
using Shouldly;
using static Console.UnitTests.Workflows.Requests.Scenarios;

namespace Console.UnitTests.Workflows.Requests;

/// <summary>
/// Invariants over random worlds and random command sequences. FsCheck generates (and shrinks) a byte script; each
/// byte chooses the next policy detail, component, person or command, and the deciders' events are folded through
/// Apply as the event store would.
/// </summary>
public sealed class RequestPropertyTests
{
    private sealed class Script(byte[]? bytes)
    {
        private readonly byte[] _bytes = bytes is { Length: > 0 } ? bytes : [0];
        private int _next;

        public int Pick(int n) => _bytes[_next++ % _bytes.Length] % n;

        public T Pick<T>(IReadOnlyList<T> items) => items[Pick(items.Count)];

        public bool Chance(int inTen) => Pick(10) < inTen;
    }

    private static readonly Guid[] Domains = [CoreDomainId, SubscriberDomainId, Guid.Parse("d0000000-0000-4000-8000-000000000003")];
    private static readonly string[] OwnerGroups = ["noc-core", "sec-subscriber-data", "noc-interconnect"];

    private sealed record World(SubmissionFacts Facts, Actor Requester, IReadOnlyList<Actor> People);

    private static World RandomWorld(Script s)
    {
        // Policy: required trust non-decreasing with sensitivity, random groups of 1..3 from roles, random cross-domain group.
        var trust = Enumerable.Range(0, 4).Select(_ => (TrustLevel)s.Pick(4)).Order().ToArray();
        var roles = new[] { Roles.NocApprover, Roles.SecurityOfficer, Roles.Manager };
        var rules = Enum.GetValues<Sensitivity>().Select(sensitivity => new SensitivityRule(
            sensitivity,
            trust[(int)sensitivity],
            [.. Enumerable.Range(0, s.Pick(3)).Select(i =>
                new ApproverGroup($"Group {(char)('A' + s.Pick(3))}", ApproverSource.Role, s.Pick(roles), 1 + s.Pick(3)))
                .DistinctBy(g => g.Name)],
            TimeSpan.FromDays(7))).ToList();
        var cross = s.Chance(7) ? new[] { new ApproverGroup("Owners", ApproverSource.TargetDomainOwners, null, 1 + s.Pick(2)) } : [];
        var policy = new PolicyDocument(rules, cross, TimeSpan.FromHours(24), true);

        var environments = Enumerable.Range(0, 4).Select(i => Environment(
            Guid.Parse($"e0000000-0000-4000-8000-0000000001{i:00}"), $"Env {i}", (TrustLevel)s.Pick(4), s.Pick(Domains))).ToList();
        var components = Enumerable.Range(0, 1 + s.Pick(4)).Select(i => new VnfComponent(
            Guid.Parse($"c0000000-0000-4000-8000-0000000001{i:00}"), $"vnfc-{i}", (Sensitivity)s.Pick(4), s.Pick(Domains))).ToList();
        var vnf = new Vnf(UdmId, "vnf", VnfType.UDM, "V", "1", environments[0].Id, components) { Version = 1 };
        var domains = Domains.Select((id, i) => new TrustDomain(id, $"Domain {i}", OwnerGroups[i], "")).ToDictionary(d => d.Id);

        var requester = Person("requester", [Roles.NocOperator, Roles.NocApprover, Roles.SecurityOfficer], OwnerGroups);
        var people = Enumerable.Range(0, 6).Select(i => Person(
            $"person-{i}",
            [.. roles.Where(_ => s.Chance(6)).Append(Roles.NocOperator)],
            [.. OwnerGroups.Where(_ => s.Chance(5))])).Append(requester).ToList();
        return new World(new SubmissionFacts(vnf, environments.ToDictionary(e => e.Id), domains, PolicyAt(1, policy), null), requester, people);
    }

    private static SubmitRequest RandomCommand(Script s, World w)
    {
        var ids = w.Facts.Vnf.Components.Where(_ => s.Chance(5)).Select(c => c.Id).ToList();
        var kind = s.Chance(7) ? RequestKind.Migration : RequestKind.Snapshot;
        return new SubmitRequest(kind, UdmId, ids, s.Pick(w.Facts.Environments.Keys.ToList()), null, Justification, null);
    }

    /// <summary>Runs a random sequence of commands against a submitted request, folding every accepted decision.</summary>
    private static (ChangeRequest? State, Vnf Vnf, List<object> Events) RunSequence(Script s, World w)
    {
        var events = new List<object>();
        var vnf = w.Facts.Vnf;
        var submit = SubmitRequestDecider.Decide(RandomCommand(s, w), RequestId, w.Facts, w.Requester, Now);
        if (submit.Refused)
            return (null, vnf, events);
        events.AddRange(submit.Events);
        var state = Fold(null, submit.Events)!;
        var clock = Now;

        for (var step = 0; step < 24; step++)
        {
            clock = clock.AddMinutes(s.Pick(100));
            var actor = s.Pick(w.People);
            var decision = s.Pick(12) switch
            {
                0 or 1 or 2 or 3 or 4 => ApproveRequestDecider.Decide(new ApproveRequest(state.Id, state.Version, state.ContentDigest, null), state, actor, clock, global::Console.UnitTests.Workflows.Requests.Scenarios.SteppedUp),
                5 => RejectRequestDecider.Decide(new RejectRequest(state.Id, state.Version, "No, not now."), state, actor, clock, global::Console.UnitTests.Workflows.Requests.Scenarios.SteppedUp),
                6 => CancelRequestDecider.Decide(new CancelRequest(state.Id, state.Version, "Changed plans."), state, actor, clock),
                7 => ExpireRequestDecider.Decide(state, clock),
                8 => AmendRequestDecider.Decide(
                    new AmendRequest(state.Id, state.Version, RandomCommand(s, w).ComponentIds, s.Pick(w.Facts.Environments.Keys.ToList()), Justification, null),
                    state, w.Facts with { Vnf = vnf }, actor, clock),
                9 => RetryExecutionDecider.Decide(new RetryExecution(state.Id, state.Version, "The VIM is back."), state, PolicyRules.MaxExecutionAttemptsDefault, actor, clock),
                _ => Execute(s, state, vnf, w, clock),
            };
            if (decision.Refused)
                continue;
            events.AddRange(decision.Events);
            state = Fold(state, decision.Events.Where(e => e is not (ComponentsMoved or VnfMoved)))!;
            foreach (var moved in decision.Events.Where(e => e is ComponentsMoved or VnfMoved))
                vnf = moved is ComponentsMoved cm ? vnf.Apply(cm) : vnf.Apply((VnfMoved)moved);
        }

        return (state, vnf, events);
    }

    /// <summary>The execution step as the handler runs it: start, attest (random evidence), then move or fail.</summary>
    private static Decision Execute(Script s, ChangeRequest state, Vnf vnf, World w, DateTimeOffset now)
    {
        var attempt = state.Status == RequestStatus.Approved ? 1 : state.ExecutionAttempts + 1;
        var started = ExecutionDecider.Start(state, attempt, now);
        if (started.Events.Count == 0)
            return started;
        var running = Fold(state, started.Events)!;
        var environment = ExecutionDecider.EnvironmentToAttest(running);
        // Usually the environment's own trust level, sometimes a random (possibly degraded) one.
        var trust = s.Chance(6) ? w.Facts.Environments[environment].TrustLevel : (TrustLevel)s.Pick(4);
        var report = new AttestationReport(environment, s.Chance(9), trust, s.Chance(9) ? "nonce" : "stale",
            now.AddMinutes(-s.Pick(10)), "evidence");
        var (passed, checkedEvent) = ExecutionDecider.JudgeAttestation(
            running, report, "nonce", w.Facts.Policy.Document, ExecutionDecider.ComponentsOf(running, vnf), now, TimeSpan.FromMinutes(5));
        running = Fold(running, [checkedEvent])!;
        var outcome = passed && s.Chance(8)
            ? ExecutionDecider.Complete(running, attempt, "done", now)
            : ExecutionDecider.Fail(running, attempt, passed ? "VIM error" : checkedEvent.Detail, now);
        var inventory = passed && running.Content.Kind == RequestKind.Migration && outcome.Events.Single() is ExecutionCompleted
            ? new[] { ExecutionDecider.MigrationEvent(running, vnf, now) }
            : [];
        return Decision.Emit([.. started.Events, checkedEvent, .. outcome.Events, .. inventory]);
    }

    [Property(MaxTest = 400)]
    public void Property_NoAcceptedMigrationTargetsBelowRequiredTrust(byte[] script)
    {
        var s = new Script(script);
        var w = RandomWorld(s);
        var (_, vnf, events) = RunSequence(s, w);
        var policy = w.Facts.Policy.Document;

        foreach (var content in events.OfType<RequestSubmitted>().Select(e => e.Content).Concat(events.OfType<RequestAmended>().Select(e => e.Content)))
        {
            if (content.Kind != RequestKind.Migration)
                continue;
            var target = w.Facts.Environments[content.TargetEnvironmentId!.Value];
            w.Facts.Vnf.Components.Where(c => content.ComponentIds.Contains(c.Id))
                .ShouldAllBe(c => target.TrustLevel >= policy.RequiredTrustLevel(c.Sensitivity));
        }

        // Whatever ran: every component that was moved sits where its sensitivity may run.
        foreach (var c in vnf.Components.Where(c => vnf.PlacementOf(c) != w.Facts.Vnf.PlacementOf(w.Facts.Vnf.Components.Single(o => o.Id == c.Id))))
            ((int)w.Facts.Environments[vnf.PlacementOf(c)].TrustLevel).ShouldBeGreaterThanOrEqualTo((int)policy.RequiredTrustLevel(c.Sensitivity));
    }

    [Property(MaxTest = 400)]
    public void Property_RequesterNeverCountsAndNoPersonCountsTwice(byte[] script)
    {
        var s = new Script(script);
        var w = RandomWorld(s);
        var (state, _, events) = RunSequence(s, w);
        if (state is null)
            return;

        events.OfType<ApprovalGranted>().ShouldAllBe(a => a.ApproverId != w.Requester.UserId);
        var counted = Quorum.Progress(state.Requirement, state.CurrentApprovals).SelectMany(p => p.FilledBy.Select(a => (a.ApproverId, p.Group.Name))).ToList();
        counted.Select(c => c.ApproverId).ShouldBeUnique();
        counted.ShouldAllBe(c => c.ApproverId != w.Requester.UserId);
        foreach (var (approver, group) in counted)
            state.CurrentApprovals.First(a => a.ApproverId == approver).EligibleGroups.ShouldContain(group);
        foreach (var progress in Quorum.Progress(state.Requirement, state.CurrentApprovals))
            progress.FilledBy.Count.ShouldBeLessThanOrEqualTo(progress.Group.Required);

        // Approval by people means the bound requirement was met by distinct eligible people at that moment.
        if (events.OfType<RequestApproved>().Any() && state.Status is not RequestStatus.PendingApproval)
            (state.Requirement.NoneNeeded || Quorum.IsMet(state)).ShouldBeTrue();
    }

    [Property(MaxTest = 400)]
    public void Property_RejectedExpiredOrCancelledRequestNeverExecutes(byte[] script)
    {
        var s = new Script(script);
        var w = RandomWorld(s);
        var (state, _, events) = RunSequence(s, w);
        if (state is null)
            return;

        var ended = events.FindIndex(e => e is RequestRejected or RequestExpired or RequestCancelled);
        if (ended < 0)
            return;

        events.Skip(ended).OfType<ExecutionStarted>().ShouldBeEmpty();
        events.Take(ended).OfType<ExecutionStarted>().ShouldBeEmpty();
        state.Status.ShouldBeOneOf(RequestStatus.Rejected, RequestStatus.Expired, RequestStatus.Cancelled);
        foreach (var attempt in Enumerable.Range(1, 3))
            ExecutionDecider.Start(state, attempt, Now.AddDays(3)).Events.ShouldBeEmpty();
        foreach (var later in new[] { state with { RetryRequested = true } })
            ExecutionDecider.Start(later, later.ExecutionAttempts + 1, Now.AddDays(3)).Events.ShouldBeEmpty();
    }
}

using Console.IntegrationTests.Infrastructure;
using Console.Nfv.Simulator;
using Console.Testing;
using Console.Testing.Workflows.Common;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Nfv;
using Console.Workflows.Policy;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Amending;
using Console.Workflows.Requests.Approvals;
using Console.Workflows.Requests.Executing;
using Console.Workflows.Requests.Retrying;
using Console.Workflows.Snapshots;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Runtime;

/// <summary>
/// Requests carried through the real workflow: Wolverine (solo) and Marten on PostgreSQL, the simulated
/// infrastructure, read back through the reader as a page would.
/// </summary>
public sealed class RequestWorkflowTests(WorkflowFixture fixture) : IClassFixture<WorkflowFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WorkflowHost Host => fixture.Host;

    private Task<Outcome> Command(Func<IConsoleCommandBus, Task<Outcome>> act) => Host.With(act);

    private Task<RequestDetails?> Details(Guid id) => Host.With<IRequestReader, RequestDetails?>(r => r.GetAsync(id));

    private async Task<RequestDetails> WaitFor(Guid id, RequestStatus status) =>
        (await Eventually.Until(() => Details(id), d => d?.Request.Status == status, $"request {id} to be {status}"))!;

    private async Task<IReadOnlyList<object>> EventsOf(Guid streamId)
    {
        await using var session = Host.Store.QuerySession();
        return [.. (await session.Events.FetchStreamAsync(streamId, token: Ct)).Select(e => e.Data)];
    }

    private async Task<Vnf> VnfOf(Guid id)
    {
        await using var session = Host.Store.QuerySession();
        return (await session.LoadAsync<Vnf>(id, Ct)).ShouldNotBeNull();
    }

    private async Task<Guid> Submit(SubmitRequest request, Actor actor)
    {
        var outcome = await Command(c => c.IssueAsync(request, actor));
        outcome.Succeeded.ShouldBeTrue(outcome.Refusal?.Message);
        return outcome.Id;
    }

    private async Task<Outcome> Approve(Guid id, Actor approver)
    {
        var details = (await Details(id)).ShouldNotBeNull();
        return await Command(c => c.IssueAsync(
            new ApproveRequest(id, details.Request.Version, details.Request.ContentDigest, "Looks right."), Host.SignedIn(approver)));
    }

    [Fact]
    public async Task Approve_ConcurrentApprovalsOfTwentyApprovers_GiveExactlyOneRequestApprovedAndOneExecution()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        // Sensitive: two NOC approvers must approve.
        var id = await Submit(s.Migration(s.DcB, s.ContextStore), s.Operator);
        var approvers = Enumerable.Range(1, 20).Select(RuntimeScenario.Approver).ToList();

        // Each approver acts like a person: on "someone else acted first" they reload and try again.
        var outcomes = await AllAtOnce.RunAsync(approvers, async approver =>
        {
            while (true)
            {
                var outcome = await Approve(id, approver);
                if (outcome.Refusal is { Kind: RefusalKind.Conflict } refusal
                    && (refusal.Message == RequestGuards.ConflictMessage || refusal.Message.StartsWith("Someone else acted", StringComparison.Ordinal)))
                    continue;
                return outcome;
            }
        });

        outcomes.Count(o => o.Succeeded).ShouldBe(2);
        var done = await WaitFor(id, RequestStatus.Completed);
        var events = await EventsOf(id);
        events.OfType<ApprovalGranted>().Count().ShouldBe(2);
        events.OfType<RequestApproved>().Count().ShouldBe(1);
        events.OfType<ExecutionStarted>().Count().ShouldBe(1);
        events.OfType<ExecutionCompleted>().Count().ShouldBe(1);
        done.Groups.Single().FilledBy.Count.ShouldBe(2);

        await using var session = Host.Store.QuerySession();
        (await session.Query<SimulatedOperation>().Where(o => o.VnfId == s.Vnf).CountAsync(Ct)).ShouldBe(1);
        (await session.LoadAsync<SimulatedOperation>(ExecutionDecider.OperationId(id, 1), Ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task SubmitMigration_BelowRequiredTrustLevel_IsRefusedAndNeverReachesApproval()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);

        // ue-context-store is Sensitive (needs Medium); the edge offers Low.
        var outcome = await Command(c => c.IssueAsync(s.Migration(s.Edge, s.ContextStore), s.Operator));

        var refusal = outcome.Refusal.ShouldNotBeNull();
        refusal.Kind.ShouldBe(RefusalKind.Invalid);
        refusal.Message.ShouldContain("ue-context-store is Sensitive and needs trust level Medium");
        refusal.Message.ShouldContain("less trustworthy");
        var listed = await Host.With<IRequestReader, PagedResult<RequestListItem>>(r => r.SearchAsync(new RequestSearch(VnfId: s.Vnf)));
        listed.TotalCount.ShouldBe(0);
        var inbox = await Host.With<IRequestReader, IReadOnlyList<InboxItem>>(r => r.InboxAsync(RuntimeScenario.Approver(1)));
        inbox.ShouldNotContain(i => i.Request.VnfId == s.Vnf);
        (await VnfOf(s.Vnf)).PlacementOf((await VnfOf(s.Vnf)).Components.Single(c => c.Id == s.ContextStore)).ShouldBe(s.DcA);
    }

    [Fact]
    public async Task Execute_WhenTargetAttestationFails_RecordsExecutionFailedAndNothingMoves()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        Host.Set("Nfv:Simulator:FailAttestationFor", s.DcB.ToString());
        try
        {
            var id = await Submit(s.Migration(s.DcB, s.N2), s.Operator);
            (await Approve(id, RuntimeScenario.Approver(1))).Succeeded.ShouldBeTrue();

            var failed = await WaitFor(id, RequestStatus.Failed);

            var events = await EventsOf(id);
            var attestation = events.OfType<TargetAttestationChecked>().Single();
            attestation.Passed.ShouldBeFalse();
            attestation.EnvironmentId.ShouldBe(s.DcB);
            events.OfType<ExecutionFailed>().Single().Reason.ShouldContain("attest");
            failed.Request.Outcome.ShouldNotBeNull().ShouldContain("measurements do not match");
            var vnf = await VnfOf(s.Vnf);
            vnf.PlacementOf(vnf.Components.Single(c => c.Id == s.N2)).ShouldBe(s.DcA);
            await using var session = Host.Store.QuerySession();
            (await session.Query<SimulatedOperation>().Where(o => o.VnfId == s.Vnf).CountAsync(Ct)).ShouldBe(0);
        }
        finally
        {
            Host.Set("Nfv:Simulator:FailAttestationFor", "");
        }
    }

    [Fact]
    public async Task RetryExecution_AfterFailedMigration_SucceedsAndInventoryShowsTheNewPlacement()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        Guid id;
        Host.Set("Nfv:Simulator:FailOperations", "Migration");
        try
        {
            // The whole VNF: NOC approvers x2 (Sensitive) and a security officer (Critical).
            id = await Submit(s.Migration(s.DcB), s.Operator);
            (await Approve(id, RuntimeScenario.Approver(1))).Succeeded.ShouldBeTrue();
            (await Approve(id, s.Security)).Succeeded.ShouldBeTrue();
            (await Approve(id, RuntimeScenario.Approver(2))).Succeeded.ShouldBeTrue();
            var failed = await WaitFor(id, RequestStatus.Failed);
            failed.Request.Outcome.ShouldNotBeNull().ShouldContain("simulated failure");
            (await VnfOf(s.Vnf)).EnvironmentId.ShouldBe(s.DcA);
        }
        finally
        {
            Host.Set("Nfv:Simulator:FailOperations", "");
        }

        var failedVersion = (await Details(id))!.Request.Version;
        // Only the requester or one of its approvers may retry; an approver who had no part in it may not.
        var retryRefused = await Command(c => c.IssueAsync(new RetryExecution(id, failedVersion, "Try again."), RuntimeScenario.Approver(3)));
        retryRefused.Refusal.ShouldNotBeNull().Kind.ShouldBe(RefusalKind.Forbidden);
        retryRefused.Refusal.Message.ShouldBe(RetryExecutionDecider.NotAnswerableMessage);
        var retried = await Command(c => c.IssueAsync(new RetryExecution(id, failedVersion, "The VIM is back."), s.Operator));
        retried.Succeeded.ShouldBeTrue(retried.Refusal?.Message);

        var done = await WaitFor(id, RequestStatus.Completed);
        done.Request.ExecutionAttempts.ShouldBe(2);
        var vnf = await VnfOf(s.Vnf);
        vnf.EnvironmentId.ShouldBe(s.DcB);
        vnf.Components.ShouldAllBe(c => vnf.PlacementOf(c) == s.DcB);
        (await EventsOf(s.Vnf)).OfType<VnfMoved>().Single().Reason.ShouldContain(id.ToString());
        done.Journal.Select(j => j.EventType).ShouldBe(
        [
            nameof(RequestSubmitted), nameof(ApprovalGranted), nameof(ApprovalGranted), nameof(ApprovalGranted),
            nameof(RequestApproved), nameof(ExecutionStarted), nameof(TargetAttestationChecked), nameof(ExecutionFailed),
            nameof(ExecutionRetryRequested), nameof(ExecutionStarted), nameof(TargetAttestationChecked), nameof(ExecutionCompleted),
        ]);
        done.Journal.ShouldAllBe(j => !string.IsNullOrWhiteSpace(j.Actor) && !string.IsNullOrWhiteSpace(j.Summary));
        await using var session = Host.Store.QuerySession();
        (await session.Query<SimulatedOperation>().Where(o => o.VnfId == s.Vnf).CountAsync(Ct)).ShouldBe(1);
        (await session.LoadAsync<SimulatedOperation>(ExecutionDecider.OperationId(id, 2), Ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task ApprovedSnapshot_Completes_AndTheNewSnapshotIsListedForTheVnf()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var id = await Submit(s.Snapshot(s.N2), s.Operator);
        (await Approve(id, RuntimeScenario.Approver(3))).Succeeded.ShouldBeTrue();

        var done = await WaitFor(id, RequestStatus.Completed);

        var snapshots = await Host.With<ISnapshotReader, IReadOnlyList<Snapshot>>(r => r.ListForVnfAsync(s.Vnf));
        var snapshot = snapshots.ShouldHaveSingleItem();
        snapshot.Id.ShouldBe(ExecutionDecider.SnapshotIdFor(id));
        snapshot.Status.ShouldBe(SnapshotStatus.Available);
        snapshot.RequestId.ShouldBe(id);
        snapshot.EnvironmentId.ShouldBe(s.DcA);
        snapshot.Components.Select(c => c.ComponentId).ShouldBe([s.N2]);
        snapshot.ApprovedBy.ShouldBe(["approver-3"]);
        snapshot.ArtefactLocation.ShouldStartWith("sim://");
        done.Request.Outcome.ShouldNotBeNull().ShouldContain(snapshot.ArtefactLocation);
        (await Host.With<ISnapshotReader, Snapshot?>(r => r.GetAsync(snapshot.Id))).ShouldNotBeNull().VnfId.ShouldBe(s.Vnf);
    }

    [Fact]
    public async Task SnapshotDeletion_OfATakenSnapshot_MarksItDeleted()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var taken = await Submit(s.Snapshot(s.N2), s.Operator);
        (await Approve(taken, RuntimeScenario.Approver(1))).Succeeded.ShouldBeTrue();
        await WaitFor(taken, RequestStatus.Completed);
        var snapshotId = ExecutionDecider.SnapshotIdFor(taken);

        var deletion = await Submit(
            new SubmitRequest(RequestKind.SnapshotDeletion, s.Vnf, [], null, snapshotId, "No longer needed after the upgrade.", null),
            s.Operator);
        (await Approve(deletion, RuntimeScenario.Approver(2))).Succeeded.ShouldBeTrue();
        await WaitFor(deletion, RequestStatus.Completed);

        var snapshot = (await Host.With<ISnapshotReader, Snapshot?>(r => r.GetAsync(snapshotId))).ShouldNotBeNull();
        snapshot.Status.ShouldBe(SnapshotStatus.Deleted);
        (await EventsOf(snapshotId)).OfType<SnapshotDeleted>().Single().RequestId.ShouldBe(deletion);
    }

    [Fact]
    public async Task CrossDomainMigrationOfACriticalComponent_NeedsThreeDistinctPeople_ThenMovesIt()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var id = await Submit(s.Migration(s.PartnerDc, s.NasSecurity), s.Operator);

        var pending = (await Details(id)).ShouldNotBeNull();
        pending.Request.Requirement.CrossesTrustDomains.ShouldBeTrue();
        pending.Groups.Select(g => (g.Group.Name, g.Group.Required)).ShouldBe(
            [(DefaultPolicy.NocApprovers, 1), (DefaultPolicy.SecurityOfficers, 1), (DefaultPolicy.TargetDomainOwners, 1)],
            ignoreOrder: true);
        pending.Groups.Single(g => g.Group.Name == DefaultPolicy.TargetDomainOwners).Group.Designates.ShouldBe(s.PartnerOwners);

        // One person holding both roles fills one slot only.
        var both = new Actor("both-" + s.Suffix, "Bo Both", new HashSet<string> { Roles.NocApprover, Roles.SecurityOfficer });
        (await Approve(id, both)).Succeeded.ShouldBeTrue();
        (await Approve(id, RuntimeScenario.Approver(4))).Succeeded.ShouldBeTrue();
        (await Details(id))!.Request.Status.ShouldBe(RequestStatus.PendingApproval);

        // A member of the partner's owner group without an approver role may not approve, and is not asked to.
        var ownerOnly = s.PartnerOwner with { Roles = new HashSet<string> { Roles.Auditor } };
        (await Host.With<IRequestReader, IReadOnlyList<InboxItem>>(r => r.InboxAsync(ownerOnly))).ShouldNotContain(i => i.Request.Id == id);
        (await Approve(id, ownerOnly)).Refusal.ShouldBeRefusal(RefusalKind.Forbidden, CommandRoles.RefusalMessage(ConsoleCommand.ApproveRequest));

        var inbox = await Host.With<IRequestReader, IReadOnlyList<InboxItem>>(r => r.InboxAsync(s.PartnerOwner));
        inbox.Single(i => i.Request.Id == id).GroupToFill.ShouldBe(DefaultPolicy.TargetDomainOwners);
        var operatorInbox = await Host.With<IRequestReader, IReadOnlyList<InboxItem>>(r => r.InboxAsync(s.Operator));
        operatorInbox.ShouldNotContain(i => i.Request.Id == id);

        (await Approve(id, s.PartnerOwner)).Succeeded.ShouldBeTrue();
        await WaitFor(id, RequestStatus.Completed);

        var vnf = await VnfOf(s.Vnf);
        vnf.PlacementOf(vnf.Components.Single(c => c.Id == s.NasSecurity)).ShouldBe(s.PartnerDc);
        vnf.PlacementOf(vnf.Components.Single(c => c.Id == s.N2)).ShouldBe(s.DcA);
        (await EventsOf(s.Vnf)).OfType<ComponentsMoved>().Single().ComponentIds.ShouldBe([s.NasSecurity]);
    }

    [Fact]
    public async Task SubmitSnapshotOfPublicComponentsOnly_IsApprovedAtSubmission_AndExecutesByItself()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var id = await Submit(
            new SubmitRequest(RequestKind.Snapshot, s.ProbeVnf, [], null, null, "Keep a copy of the probe config.", null),
            s.Operator);

        var done = await WaitFor(id, RequestStatus.Completed);

        done.Groups.ShouldBeEmpty();
        done.Journal.Select(j => j.EventType).Take(2).ShouldBe([nameof(RequestSubmitted), nameof(RequestApproved)]);
        (await Host.With<ISnapshotReader, IReadOnlyList<Snapshot>>(r => r.ListForVnfAsync(s.ProbeVnf))).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task InlineRequestDocument_CarriesTheStreamVersion_AfterEveryCommand()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var id = await Submit(s.Migration(s.DcB, s.ContextStore), s.Operator);
        (await Details(id)).ShouldNotBeNull().Request.Version.ShouldBe((await EventsOf(id)).Count);

        (await Approve(id, RuntimeScenario.Approver(1))).Succeeded.ShouldBeTrue();

        var events = await EventsOf(id);
        events.Count.ShouldBeGreaterThan(1);
        (await Details(id)).ShouldNotBeNull().Request.Version.ShouldBe(events.Count);
    }

    [Fact]
    public async Task Approve_WithAStaleVersion_IsRefusedAsConflictAndCountsNothing()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var id = await Submit(s.Migration(s.DcB, s.ContextStore), s.Operator);
        var seen = (await Details(id)).ShouldNotBeNull().Request;
        (await Approve(id, RuntimeScenario.Approver(1))).Succeeded.ShouldBeTrue();

        var stale = await Command(c => c.IssueAsync(new ApproveRequest(id, seen.Version, seen.ContentDigest, null), Host.SignedIn(RuntimeScenario.Approver(2))));

        stale.Refusal.ShouldBeRefusal(RefusalKind.Conflict, RequestGuards.ConflictMessage);
        (await EventsOf(id)).OfType<ApprovalGranted>().Count().ShouldBe(1);
    }

    [Fact]
    public async Task Amend_AfterAnApproval_TheReaderListsWhatChangedAndTheInboxShowsTheAmendedContent()
    {
        const string justification = "Move to the partner's DC while DC B is rewired.";
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var id = await Submit(s.Migration(s.DcB, s.ContextStore), s.Operator);
        (await Approve(id, RuntimeScenario.Approver(1))).Succeeded.ShouldBeTrue();
        var before = (await Details(id)).ShouldNotBeNull().Request;

        var amended = await Command(c => c.IssueAsync(
            new AmendRequest(id, before.Version, [s.ContextStore], s.PartnerDc, justification, null), Host.SignedIn(s.Operator)));

        amended.Succeeded.ShouldBeTrue(amended.Refusal?.Message);
        var details = (await Details(id)).ShouldNotBeNull();
        var amendment = details.Amendments.ShouldHaveSingleItem();
        (amendment.By, amendment.VoidedApprovals.ShouldHaveSingleItem()).ShouldBe(("Olga Operator", "Approver 1"));
        amendment.Changes.Single(c => c.Field == AmendmentHistory.Fields.Target)
            .ShouldBe(new FieldChange(AmendmentHistory.Fields.Target, $"DC B {s.Suffix}", $"Partner DC {s.Suffix}"));
        amendment.Changes.Single(c => c.Field == AmendmentHistory.Fields.Justification).After.ShouldBe(justification);
        amendment.Changes.Single(c => c.Field == AmendmentHistory.Fields.Approvals).After.ShouldBe($"2 NOC approvers and 1 member of {s.PartnerOwners}");

        var item = (await Host.With<IRequestReader, IReadOnlyList<InboxItem>>(r => r.InboxAsync(RuntimeScenario.Approver(1))))
            .Single(i => i.Request.Id == id);
        (item.ContentDigest, item.Version, item.Justification).ShouldBe((details.Request.ContentDigest, details.Request.Version, justification));
        (item.SourceEnvironmentName, item.Request.TargetEnvironmentName).ShouldBe(($"DC A {s.Suffix}", $"Partner DC {s.Suffix}"));
        item.Components.Select(c => c.Name).ShouldBe(["ue-context-store"]);
        var effect = item.Effect.ShouldNotBeNull();
        effect.CompletesQuorum.ShouldBeFalse();
        effect.StillNeeded.Select(Humanise.Group).ShouldBe(["1 NOC approver", $"1 member of {s.PartnerOwners}"]);
    }

    [Fact]
    public async Task Approve_ByTheRequester_IsForbidden()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var requester = new Actor("dual-" + s.Suffix, "Dana Dual", new HashSet<string> { Roles.NocOperator, Roles.NocApprover });
        var id = await Submit(s.Migration(s.DcB, s.N2), requester);

        var outcome = await Approve(id, requester);

        outcome.Refusal.ShouldBeRefusal(RefusalKind.Forbidden, "You requested this change; someone else must approve it.");
        (await Host.With<IRequestReader, IReadOnlyList<InboxItem>>(r => r.InboxAsync(requester))).ShouldNotContain(i => i.Request.Id == id);
    }

    [Fact]
    public async Task Reject_WithAReason_EndsTheRequestAndNothingRuns()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var id = await Submit(s.Migration(s.DcB, s.N2), s.Operator);
        var version = (await Details(id))!.Request.Version;

        var outcome = await Command(c => c.IssueAsync(new RejectRequest(id, version, "Not during the freeze."), Host.SignedIn(RuntimeScenario.Approver(1))));

        outcome.Succeeded.ShouldBeTrue(outcome.Refusal?.Message);
        var details = (await Details(id)).ShouldNotBeNull();
        details.Request.Status.ShouldBe(RequestStatus.Rejected);
        details.Journal[^1].Summary.ShouldContain("Not during the freeze.");
        (await EventsOf(id)).OfType<ExecutionStarted>().ShouldBeEmpty();
    }

    [Fact]
    public async Task Cancel_ByTheRequester_BeforeExecution_EndsTheRequest()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var id = await Submit(s.Snapshot(s.N2), s.Operator);
        var version = (await Details(id))!.Request.Version;

        var outcome = await Command(c => c.IssueAsync(new CancelRequest(id, version, "Raised by mistake."), s.Operator));

        outcome.Succeeded.ShouldBeTrue(outcome.Refusal?.Message);
        (await Details(id))!.Request.Status.ShouldBe(RequestStatus.Cancelled);
    }

    [Fact]
    public async Task Search_FiltersSortsAndPagesInTheDatabase_AndNotificationsFollowEachCommit()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var notifications = Host.Services.GetRequiredService<IRequestNotifications>();
        var changed = new List<Guid>();
        void OnChanged(Guid id)
        {
            lock (changed)
                changed.Add(id);
        }

        notifications.RequestChanged += OnChanged;
        try
        {
            var first = await Submit(s.Snapshot(s.N2), s.Operator);
            var second = await Submit(s.Migration(s.DcB, s.ContextStore), s.Operator);
            lock (changed)
                changed.ShouldBe([first, second]);

            var page = await Host.With<IRequestReader, PagedResult<RequestListItem>>(r => r.SearchAsync(
                new RequestSearch(VnfId: s.Vnf, SortBy: RequestSortField.Kind, Descending: false, PageSize: 1)));
            page.TotalCount.ShouldBe(2);
            var item = page.Items.ShouldHaveSingleItem();
            item.Kind.ShouldBe(RequestKind.Migration); // by name: Migration before Snapshot
            item.HighestSensitivity.ShouldBe(Sensitivity.Sensitive);
            item.TargetEnvironmentName.ShouldBe($"DC B {s.Suffix}");
            (item.ApprovalsCounted, item.ApprovalsRequired).ShouldBe((0, 2));
            item.ExpiresAt.ShouldNotBeNull();

            var text = await Host.With<IRequestReader, PagedResult<RequestListItem>>(r => r.SearchAsync(
                new RequestSearch(Text: s.Suffix.ToUpperInvariant(), Kind: RequestKind.Snapshot)));
            text.Items.ShouldHaveSingleItem().Id.ShouldBe(first);
        }
        finally
        {
            notifications.RequestChanged -= OnChanged;
        }
    }
}

using Console.IntegrationTests.Infrastructure;
using Console.IntegrationTests.Workflows.Runtime;
using Console.Workflows.Audit.Access;
using Console.Workflows.Audit.History;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Requests;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Audit.History;

/// <summary>
/// The history fed by the real daemon subscription from events appended through the real workflow (Wolverine and
/// Marten on PostgreSQL), read back through <see cref="IHistoryReader"/>.
/// </summary>
public sealed class HistoryIntegrationTests(WorkflowFixture fixture) : IClassFixture<WorkflowFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WorkflowHost Host => fixture.Host;

    private Task<HistoryPage> Search(HistoryFilter filter, int pageSize = 200) =>
        Host.With<IHistoryReader, HistoryPage>(r => r.SearchAsync(new HistoryQuery(filter, PageSize: pageSize)));

    /// <summary>Waits until the daemon has fed the history with what the condition looks for.</summary>
    private Task<HistoryPage> SearchUntil(HistoryFilter filter, Func<HistoryPage, bool> condition, string what) =>
        Eventually.Until(() => Search(filter), condition, what);

    private async Task<Guid> Submit(SubmitRequest request, Actor actor)
    {
        var outcome = await Host.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(request, actor));
        outcome.Succeeded.ShouldBeTrue(outcome.Refusal?.Message);
        return outcome.Id;
    }

    private async Task<Outcome> Approve(Guid id, Actor approver)
    {
        var details = (await Host.With<IRequestReader, RequestDetails?>(r => r.GetAsync(id))).ShouldNotBeNull();
        return await Host.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(
            new ApproveRequest(id, details.Request.Version, details.Request.ContentDigest, "Checked the maintenance plan."), Host.SignedIn(approver)));
    }

    [Fact]
    public async Task History_OfACrossDomainMigration_FilesEveryEventUnderItsVnfDomainsEnvironmentsAndActor()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var id = await Submit(s.Migration(s.PartnerDc, s.ContextStore), s.Operator);
        (await Approve(id, RuntimeScenario.Approver(1))).Succeeded.ShouldBeTrue();

        var page = await SearchUntil(new HistoryFilter(RequestId: id), p => p.Items.Any(e => e.EventType == nameof(ApprovalGranted)),
            "the approval in the history");

        var submitted = page.Items.Single(e => e.EventType == nameof(RequestSubmitted));
        submitted.Category.ShouldBe(HistoryCategory.Request);
        submitted.ActorId.ShouldBe(s.Operator.UserId);
        submitted.ActorName.ShouldBe("Olga Operator");
        submitted.VnfId.ShouldBe(s.Vnf);
        submitted.VnfName.ShouldBe(s.VnfName);
        submitted.TrustDomainIds.ShouldBe(new[] { s.CoreDomain, s.PartnerDomain }.Order(), ignoreOrder: true);
        submitted.EnvironmentIds.ShouldBe([s.DcA, s.PartnerDc], ignoreOrder: true);
        submitted.Details.ShouldBe("Move for the maintenance of DC A's power feed.");
        submitted.Summary.ShouldContain($"to Partner DC {s.Suffix}");

        // The approval names only its request; the history files it under the request's VNF, domains and environments.
        var granted = page.Items.Single(e => e.EventType == nameof(ApprovalGranted));
        granted.Category.ShouldBe(HistoryCategory.Approval);
        granted.ActorId.ShouldBe("approver-1");
        granted.RequestId.ShouldBe(id);
        granted.VnfId.ShouldBe(s.Vnf);
        granted.TrustDomainIds.ShouldBe(submitted.TrustDomainIds, ignoreOrder: true);
        granted.EnvironmentIds.ShouldBe(submitted.EnvironmentIds, ignoreOrder: true);
        granted.Details.ShouldBe("Checked the maintenance plan.");
        page.Items.Select(e => e.Seq).ShouldBe(page.Items.Select(e => e.Seq).OrderDescending(), "newest first");
    }

    [Fact]
    public async Task History_EachFilter_NarrowsToMatchingEventsOnly()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var other = await RuntimeScenario.CreateAsync(Host.Store);
        var migration = await Submit(s.Migration(s.PartnerDc, s.ContextStore), s.Operator);
        var snapshot = await Submit(other.Snapshot(other.N2), other.Operator);
        await SearchUntil(new HistoryFilter(RequestId: snapshot), p => p.Items.Any(), "the snapshot request in the history");
        await SearchUntil(new HistoryFilter(RequestId: migration), p => p.Items.Any(), "the migration in the history");

        async Task Check(HistoryFilter filter, Func<HistoryEntry, bool> matches, Func<HistoryEntry, bool> expected, string what)
        {
            var page = await Search(filter);
            page.Items.ShouldNotBeEmpty(what);
            page.Items.ShouldAllBe(e => matches(e), what);
            page.Items.ShouldContain(e => expected(e), what);
            page.TotalCount.ShouldBe(page.Items.Count, what);
        }

        bool IsMigrationSubmitted(HistoryEntry e) => e.RequestId == migration && e.EventType == nameof(RequestSubmitted);

        await Check(new HistoryFilter(VnfId: s.Vnf), e => e.VnfId == s.Vnf, IsMigrationSubmitted, "VNF");
        await Check(new HistoryFilter(TrustDomainId: s.PartnerDomain), e => e.TrustDomainIds.Contains(s.PartnerDomain), IsMigrationSubmitted, "trust domain");
        await Check(new HistoryFilter(EnvironmentId: s.PartnerDc), e => e.EnvironmentIds.Contains(s.PartnerDc), IsMigrationSubmitted, "environment");
        await Check(new HistoryFilter(ActorId: s.Operator.UserId), e => e.ActorId == s.Operator.UserId, IsMigrationSubmitted, "actor");
        await Check(new HistoryFilter(RequestId: migration), e => e.RequestId == migration, IsMigrationSubmitted, "request");
        await Check(new HistoryFilter(VnfId: s.Vnf, EventType: nameof(VnfComponentAdded)),
            e => e.VnfId == s.Vnf && e.EventType == nameof(VnfComponentAdded), e => e.Summary.Contains("ue-context-store"), "event type");
        await Check(new HistoryFilter(VnfId: other.Vnf, Category: HistoryCategory.Request),
            e => e.VnfId == other.Vnf && e.Category == HistoryCategory.Request, e => e.RequestId == snapshot, "category");
        await Check(new HistoryFilter(Text: $"\"{s.VnfName}\" maintenance"), e => e.VnfId == s.Vnf, IsMigrationSubmitted, "text");

        var submittedAt = (await Search(new HistoryFilter(RequestId: migration))).Items.Single(IsMigrationSubmitted).At;
        await Check(new HistoryFilter(From: submittedAt, To: submittedAt.AddTicks(10)),
            e => e.At >= submittedAt && e.At < submittedAt.AddTicks(10), IsMigrationSubmitted, "time range");
        (await Search(new HistoryFilter(VnfId: s.Vnf, To: submittedAt.AddYears(-10)))).Items.ShouldBeEmpty();
    }

    [Fact]
    public async Task History_RecordsSignInAndRefusedAttempts_UnderWhoTriedAndWhat()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        await Host.With<IAccessJournal, bool>(async j =>
        {
            await j.SignedInAsync(s.Operator, "Built-in provider", "127.0.0.9");
            return true;
        });
        var id = await Submit(s.Migration(s.PartnerDc, s.ContextStore), s.Operator);
        var selfApproval = await Approve(id, s.Operator with { Roles = new HashSet<string> { Roles.NocOperator, Roles.NocApprover } });
        selfApproval.Refusal.ShouldBeRefusal(RefusalKind.Forbidden, "You requested this change; someone else must approve it.");
        var tooLow = await Host.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(s.Migration(s.Edge, s.ContextStore), s.Operator));
        var tooLowRefusal = tooLow.Refusal.ShouldNotBeNull();
        tooLowRefusal.Kind.ShouldBe(RefusalKind.Invalid);
        tooLowRefusal.Message.ShouldContain("ue-context-store is Sensitive and needs trust level Medium or higher");

        var access = await SearchUntil(new HistoryFilter(ActorId: s.Operator.UserId, Category: HistoryCategory.Access),
            p => p.Items.Count >= 3, "the sign-in and both refusals in the history");

        var signIn = access.Items.Single(e => e.EventType == nameof(SignedIn));
        signIn.Summary.ShouldBe("Signed in through Built-in provider as NocOperator from 127.0.0.9.");
        var refusals = access.Items.Where(e => e.EventType == nameof(AccessRefused)).ToList();
        var approval = refusals.Single(e => e.RequestId == id);
        approval.Summary.ShouldStartWith("Refused ApproveRequest");
        approval.Details.ShouldBe("You requested this change; someone else must approve it.");
        approval.VnfId.ShouldBe(s.Vnf);
        var placement = refusals.Single(e => e.RequestId is null);
        placement.Summary.ShouldStartWith("Refused SubmitRequest");
        placement.Details.ShouldNotBeNull().ShouldContain("less trustworthy");
        placement.VnfId.ShouldBe(s.Vnf);
        placement.EnvironmentIds.ShouldContain(s.Edge);
    }

    [Fact]
    public async Task History_RefusalsVaryingThePath_AreCappedPerPersonWithOneSummary()
    {
        var flooder = new Actor("flooder-" + Guid.NewGuid().ToString("N")[..8], "Mallory", new HashSet<string> { Roles.NocOperator });
        await Host.With<IAccessJournal, bool>(async j =>
        {
            for (var i = 0; i < 300; i++)
                await j.RefusedAsync(flooder, $"GET /history/{i}", $"/history/{i}", "Needs ViewHistory; holds NocOperator.");
            return true;
        });

        var expected = 20 + 1;
        var access = await SearchUntil(new HistoryFilter(ActorId: flooder.UserId, Category: HistoryCategory.Access),
            p => p.Items.Count >= expected, "the capped refusals in the history");

        access.Items.Count.ShouldBe(expected);
        access.Items.Count(e => e.Summary.Contains("Too many refused attempts in one minute", StringComparison.Ordinal)).ShouldBe(1);
    }

    [Fact]
    public async Task History_EventDetailAndTimelines_ShowTheStoredPayloadAndTheRequestsEventsInOrder()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var id = await Submit(s.Migration(s.PartnerDc, s.ContextStore), s.Operator);
        (await Approve(id, RuntimeScenario.Approver(2))).Succeeded.ShouldBeTrue();
        await SearchUntil(new HistoryFilter(RequestId: id), p => p.Items.Count >= 2, "the request's events");

        var timeline = await Host.With<IHistoryReader, HistoryTimeline>(r => r.RequestTimelineAsync(id));
        timeline.Truncated.ShouldBeFalse();
        timeline.Entries.Select(e => e.EventType).Take(2).ShouldBe([nameof(RequestSubmitted), nameof(ApprovalGranted)]);
        var vnf = await Host.With<IHistoryReader, HistoryTimeline>(r => r.VnfTimelineAsync(s.Vnf));
        vnf.Entries[0].EventType.ShouldBe("VnfRegistered");
        vnf.Entries.ShouldContain(e => e.RequestId == id);

        var detail = (await Host.With<IHistoryReader, HistoryEventDetail?>(r => r.GetEventAsync(timeline.Entries[0].Seq))).ShouldNotBeNull();
        detail.StreamId.ShouldBe(id);
        detail.Version.ShouldBe(1);
        detail.DataJson.ShouldContain("Move for the maintenance of DC A's power feed.");
        detail.MetadataJson.ShouldContain("\"seq_id\"");
        detail.Entry.ShouldNotBeNull().EventType.ShouldBe(nameof(RequestSubmitted));
        (await Host.With<IHistoryReader, HistoryEventDetail?>(r => r.GetEventAsync(long.MaxValue))).ShouldBeNull();
    }

    [Fact]
    public async Task History_EventTypeItDoesNotKnow_StillGetsARowFiledUnderItsRequest()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var id = await Submit(s.Migration(s.PartnerDc, s.ContextStore), s.Operator);
        await using (var session = Host.Store.LightweightSession())
        {
            session.Events.Append(id, new RequestAuditedForTest(id, "auditor-7", "Checked against the change calendar.", DateTimeOffset.UtcNow));
            await session.SaveChangesAsync(Ct);
        }

        var page = await SearchUntil(new HistoryFilter(EventType: nameof(RequestAuditedForTest), RequestId: id), p => p.Items.Count == 1,
            "the unknown event in the history");
        var row = page.Items.Single();
        row.Category.ShouldBe(HistoryCategory.Other);
        row.ActorId.ShouldBe("auditor-7");
        row.VnfId.ShouldBe(s.Vnf);
        row.EnvironmentIds.ShouldContain(s.PartnerDc);
        row.Summary.ShouldBe("Request audited for test: Checked against the change calendar.");
        (await Host.With<IHistoryReader, IReadOnlyList<HistoryEventType>>(r => r.EventTypesAsync()))
            .ShouldContain(new HistoryEventType(nameof(RequestAuditedForTest), HistoryCategory.Other));
        (await Host.With<IHistoryReader, IReadOnlyList<HistoryActor>>(r => r.ActorsAsync()))
            .ShouldContain(new HistoryActor(s.Operator.UserId, "Olga Operator"));
    }

    [Fact]
    public async Task HistorySchema_AfterStart_NeedsNoFurtherMigration()
    {
        var migration = await Host.Store.Storage.Database.CreateMigrationAsync(Ct);
        var history = migration.Deltas.Where(d => d.SchemaObject.Identifier.Name.StartsWith("history_", StringComparison.Ordinal)).ToList();
        history.ShouldNotBeEmpty();
        history.ShouldAllBe(d => d.Difference == Weasel.Core.SchemaPatchDifference.None);
    }
}

/// <summary>An event type the history has no reading for, as a later capability might add.</summary>
public sealed record RequestAuditedForTest(Guid RequestId, string By, string Comment, DateTimeOffset At);

using Console.IntegrationTests.Infrastructure;
using Console.IntegrationTests.Workflows.Runtime;
using Console.Workflows.Common;
using Console.Workflows.Guards;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.ChangingEnvironment;
using Console.Workflows.Inventory.ChangingTrustDomain;
using Console.Workflows.Inventory.ChangingVnf;
using Console.Workflows.Requests;
using Marten;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Guards;

/// <summary>
/// Four eyes on the inventory, through the real workflow on PostgreSQL: one administrator's weakening change leaves
/// the guard as it was and waits for a security officer other than them; strengthening changes apply at once.
/// </summary>
public sealed class FourEyesWorkflowTests(WorkflowFixture fixture) : IClassFixture<WorkflowFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WorkflowHost Host => fixture.Host;

    internal static Actor AdministratorOf(RuntimeScenario s) =>
        new($"admin-{s.Suffix}", "Ada Admin", new HashSet<string> { Roles.Administrator });

    /// <summary>An administrator who also holds the security officer role: still may not approve their own change.</summary>
    internal static Actor AdminOfficerOf(RuntimeScenario s) =>
        new($"admin-officer-{s.Suffix}", "Oscar Admin-Officer", new HashSet<string> { Roles.Administrator, Roles.SecurityOfficer });

    private Task<Outcome> Inventory(Func<IConsoleCommandBus, Task<Outcome>> act) => Host.With(act);

    private Task<Outcome> Requests(Func<IConsoleCommandBus, Task<Outcome>> act) => Host.With(act);

    private async Task<T> Load<T>(Guid id) where T : class
    {
        await using var session = Host.Store.QuerySession();
        return (await session.LoadAsync<T>(id, Ct)).ShouldNotBeNull();
    }

    private Task<RequestDetails?> Details(Guid id) => Host.With<IRequestReader, RequestDetails?>(r => r.GetAsync(id));

    internal static async Task<Outcome> Approve(WorkflowHost host, Guid requestId, Actor approver)
    {
        var details = (await host.With<IRequestReader, RequestDetails?>(r => r.GetAsync(requestId))).ShouldNotBeNull();
        return await host.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(
            new ApproveRequest(requestId, details.Request.Version, details.Request.ContentDigest, "Checked the change."), host.SignedIn(approver)));
    }

    internal static async Task<ChangeRequest> WaitFor(WorkflowHost host, Guid requestId, RequestStatus status) =>
        (await Eventually.Until(() => host.With<IRequestReader, RequestDetails?>(r => r.GetAsync(requestId)),
            d => d?.Request.Status == status, $"request {requestId} to be {status}"))!.Request;

    private static ChangeEnvironment Edit(ExecutionEnvironment e, TrustLevel trust, string? name = null) =>
        new(e.Id, e.Version, name ?? e.Name, e.Kind, e.Location, trust, e.AttestationStatus, e.OperatorDomainId);

    /// <summary>The weakening outcome: nothing applied, a pending guard-change request that needs a security officer.</summary>
    private async Task<ChangeRequest> ShouldBePending(Outcome outcome, Guid target)
    {
        outcome.Succeeded.ShouldBeTrue(outcome.Refusal?.Message);
        outcome.Id.ShouldBe(target);
        var requestId = outcome.PendingRequestId.ShouldNotBeNull();
        var request = (await Details(requestId)).ShouldNotBeNull().Request;
        request.Status.ShouldBe(RequestStatus.PendingApproval);
        request.Content.Kind.ShouldBe(RequestKind.GuardChange);
        request.Content.Guard.ShouldNotBeNull().TargetId.ShouldBe(target);
        request.Requirement.Groups.ShouldHaveSingleItem().Designates.ShouldBe(Roles.SecurityOfficer);
        return request;
    }

    [Fact]
    public async Task FourEyes_RaisingTrustLevel_LeavesTheEnvironmentUnchanged_AndAMigrationRightAfterStillSeesTheStrictGuard()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var edge = await Load<ExecutionEnvironment>(s.Edge);

        var outcome = await Inventory(c => c.IssueAsync(Edit(edge, TrustLevel.High), AdministratorOf(s), Ct));

        var request = await ShouldBePending(outcome, s.Edge);
        request.Content.Guard!.Differences.ShouldContain(new GuardDifference("Trust level", "Low", "High", true));
        var after = await Load<ExecutionEnvironment>(s.Edge);
        (after.TrustLevel, after.Version).ShouldBe((TrustLevel.Low, edge.Version));
        // ue-context-store is Sensitive (needs Medium): the edge still offers Low, so the migration never reaches approval.
        var migration = await Requests(c => c.IssueAsync(s.Migration(s.Edge, s.ContextStore), s.Operator));
        var refusal = migration.Refusal.ShouldNotBeNull();
        refusal.Kind.ShouldBe(RefusalKind.Invalid);
        refusal.Message.ShouldContain("ue-context-store is Sensitive and needs trust level Medium or higher");
    }

    [Fact]
    public async Task FourEyes_TheRequestingAdministrator_CannotApprove_EvenAsSecurityOfficer_AndTheGuardStaysStrict()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var admin = AdminOfficerOf(s);
        var edge = await Load<ExecutionEnvironment>(s.Edge);
        var request = await ShouldBePending(await Inventory(c => c.IssueAsync(Edit(edge, TrustLevel.High), admin, Ct)), s.Edge);

        var self = await Approve(Host, request.Id, admin);
        var noc = await Approve(Host, request.Id, RuntimeScenario.Approver(7));

        var selfRefusal = self.Refusal.ShouldNotBeNull();
        (selfRefusal.Kind, selfRefusal.Message).ShouldBe((RefusalKind.Forbidden, "You requested this change; someone else must approve it."));
        noc.Refusal.ShouldBeRefusal(RefusalKind.Forbidden, "Your approval cannot fill any group this request still needs: it needs 1 security officer.");
        (await Details(request.Id)).ShouldNotBeNull().Request.Status.ShouldBe(RequestStatus.PendingApproval);
        (await Load<ExecutionEnvironment>(s.Edge)).TrustLevel.ShouldBe(TrustLevel.Low);
    }

    [Fact]
    public async Task FourEyes_ASecurityOfficersApproval_AppliesTheChange_InTheRequestersName()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var admin = AdministratorOf(s);
        var edge = await Load<ExecutionEnvironment>(s.Edge);
        var request = await ShouldBePending(await Inventory(c => c.IssueAsync(Edit(edge, TrustLevel.High), admin, Ct)), s.Edge);

        (await Approve(Host, request.Id, s.Security)).Succeeded.ShouldBeTrue();
        var done = await WaitFor(Host, request.Id, RequestStatus.Completed);

        done.Outcome.ShouldNotBeNull().ShouldContain("Trust level: Low → High");
        var after = await Load<ExecutionEnvironment>(s.Edge);
        (after.TrustLevel, after.Version).ShouldBe((TrustLevel.High, edge.Version + 1));
        await using var session = Host.Store.QuerySession();
        var changed = (await session.Events.FetchStreamAsync(s.Edge, token: Ct)).Select(e => e.Data).OfType<EnvironmentChanged>().Last();
        changed.By.ShouldBe(admin.UserId);
        // And the migration the strict guard refused now passes the placement check.
        (await Requests(c => c.IssueAsync(s.Migration(s.Edge, s.ContextStore), s.Operator))).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public async Task FourEyes_ApprovedChange_WhenTheTargetChangedMeanwhile_IsRefusedWithAClearMessageAndNothingChanges()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var admin = AdministratorOf(s);
        var edge = await Load<ExecutionEnvironment>(s.Edge);
        var request = await ShouldBePending(await Inventory(c => c.IssueAsync(Edit(edge, TrustLevel.High), admin, Ct)), s.Edge);
        // A rename needs no approval and moves the environment on to the next version.
        (await Inventory(c => c.IssueAsync(Edit(edge, TrustLevel.Low, $"Edge renamed {s.Suffix}"), admin, Ct)))
            .PendingRequestId.ShouldBeNull();

        (await Approve(Host, request.Id, s.Security)).Succeeded.ShouldBeTrue();
        var failed = await WaitFor(Host, request.Id, RequestStatus.Failed);

        failed.Outcome.ShouldBe(
            $"The approved change was not applied: environment Edge {s.Suffix} changed after the change was requested (it was at version {edge.Version}, it is now at {edge.Version + 1}). Nothing was changed; ask for the change again from the current state.");
        var after = await Load<ExecutionEnvironment>(s.Edge);
        (after.TrustLevel, after.Name).ShouldBe((TrustLevel.Low, $"Edge renamed {s.Suffix}"));
    }

    [Fact]
    public async Task FourEyes_LowerSensitivity_RemovedComponent_AndAnotherOwnerGroup_EachWaitForApproval_AndChangeNothing()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var admin = AdministratorOf(s);
        var vnf = await Load<Vnf>(s.Vnf);
        var start = ChangeVnf.From(vnf);

        var lowered = await Inventory(c => c.IssueAsync(start with
        {
            Components = [.. start.Components.Select(d => d.Id == s.NasSecurity ? d with { Sensitivity = Sensitivity.Public } : d)],
        }, admin, Ct));
        var removed = await Inventory(c => c.IssueAsync(start with
        {
            Components = [.. start.Components.Where(d => d.Id != s.NasSecurity)],
        }, admin, Ct));
        var domain = await Load<TrustDomain>(s.PartnerDomain);
        var owner = await Inventory(c => c.IssueAsync(
            new ChangeTrustDomain(domain.Id, domain.Version, domain.Name, "friends-of-the-admin", domain.Description), admin, Ct));

        (await ShouldBePending(lowered, s.Vnf)).Content.Guard!.Differences.Where(d => d.Weakens).ShouldHaveSingleItem()
            .ShouldBe(new GuardDifference("Sensitivity of nas-security", "Critical", "Public", true));
        (await ShouldBePending(removed, s.Vnf)).Content.Guard!.Differences.Where(d => d.Weakens).ShouldHaveSingleItem().What.ShouldBe("Component nas-security");
        (await ShouldBePending(owner, s.PartnerDomain)).Content.Guard!.Differences.Where(d => d.Weakens).ShouldHaveSingleItem()
            .ShouldBe(new GuardDifference("Owner group", s.PartnerOwners, "friends-of-the-admin", true));
        var vnfAfter = await Load<Vnf>(s.Vnf);
        vnfAfter.Version.ShouldBe(vnf.Version);
        vnfAfter.Components.ShouldBe(vnf.Components);
        (await Load<TrustDomain>(s.PartnerDomain)).ShouldBe(domain);
    }

    [Fact]
    public async Task FourEyes_StrengtheningChanges_ApplyAtOnce_WithoutARequest()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var admin = AdministratorOf(s);
        var dcB = await Load<ExecutionEnvironment>(s.DcB);
        var vnf = await Load<Vnf>(s.Vnf);
        var start = ChangeVnf.From(vnf);

        var lowerTrust = await Inventory(c => c.IssueAsync(Edit(dcB, TrustLevel.Medium), admin, Ct));
        var higherSensitivity = await Inventory(c => c.IssueAsync(start with
        {
            Components = [.. start.Components.Select(d => d.Id == s.N2 ? d with { Sensitivity = Sensitivity.Sensitive } : d)],
        }, admin, Ct));

        lowerTrust.Succeeded.ShouldBeTrue(lowerTrust.Refusal?.Message);
        lowerTrust.PendingRequestId.ShouldBeNull();
        higherSensitivity.Succeeded.ShouldBeTrue(higherSensitivity.Refusal?.Message);
        higherSensitivity.PendingRequestId.ShouldBeNull();
        (await Load<ExecutionEnvironment>(s.DcB)).TrustLevel.ShouldBe(TrustLevel.Medium);
        var n2 = (await Load<Vnf>(s.Vnf)).Components.Single(c => c.Id == s.N2);
        n2.Sensitivity.ShouldBe(Sensitivity.Sensitive);
        var guardRequests = await Host.With<IRequestReader, PagedResult<RequestListItem>>(r =>
            r.SearchAsync(new RequestSearch(Kind: RequestKind.GuardChange, RequesterId: admin.UserId)));
        guardRequests.TotalCount.ShouldBe(0);
    }
}

using Console.IntegrationTests.Infrastructure;
using Console.IntegrationTests.Workflows.Runtime;
using Console.Testing.Workflows.Common;
using Console.Workflows.Common;
using Console.Workflows.Guards;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;
using Console.Workflows.Requests;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Guards;

/// <summary>
/// Four eyes on the approval policy, through the real workflow on PostgreSQL (a database of its own, since the policy
/// is one stream): a weaker revision stays out of force until a security officer other than the requester approves
/// it; a revision crossing the floors is refused outright; a stricter one applies at once.
/// </summary>
public sealed class FourEyesPolicyWorkflowTests(WorkflowFixture fixture) : IClassFixture<WorkflowFixture>
{
    private WorkflowHost Host => fixture.Host;

    private Task<ApprovalPolicy> Current() => Host.With<IPolicyReader, ApprovalPolicy>(p => p.CurrentAsync());

    private Task<Outcome> Revise(RevisePolicy command, Actor actor) => Host.With<IConsoleCommandBus, Outcome>(p => p.IssueAsync(command, actor));

    private static PolicyDocument WithRule(PolicyDocument d, Sensitivity s, Func<SensitivityRule, SensitivityRule> edit) =>
        d with { Sensitivities = [.. d.Sensitivities.Select(r => r.Sensitivity == s ? edit(r) : r)] };

    [Fact]
    public async Task FourEyes_WeakerPolicyRevision_StaysOutOfForce_AndMigrationsAreJudgedByTheOldOne_UntilASecurityOfficerApproves()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var admin = FourEyesWorkflowTests.AdminOfficerOf(s);
        var before = await Current();
        // Sensitive components allowed on Low-trust environments: weaker, but above the floors.
        var weaker = WithRule(before.Document, Sensitivity.Sensitive, r => r with { RequiredTrustLevel = TrustLevel.Low });

        var outcome = await Revise(new RevisePolicy(before.Revision, weaker, "Edge sites may host Sensitive work"), admin);

        outcome.Succeeded.ShouldBeTrue(outcome.Refusal?.Message);
        var requestId = outcome.PendingRequestId.ShouldNotBeNull();
        var pending = (await Host.With<IRequestReader, RequestDetails?>(r => r.GetAsync(requestId))).ShouldNotBeNull().Request;
        pending.Content.Guard.ShouldNotBeNull().Target.ShouldBe(GuardTarget.Policy);
        pending.Content.Guard.Differences.ShouldContain(new GuardDifference("Sensitive: required trust level", "Medium", "Low", true));
        (await Current()).Revision.ShouldBe(before.Revision);
        var refused = await Host.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(s.Migration(s.Edge, s.ContextStore), s.Operator));
        refused.Refusal.ShouldBeRefusalContaining(RefusalKind.Invalid, "ue-context-store is Sensitive and needs trust level Medium or higher");

        var self = await FourEyesWorkflowTests.Approve(Host, requestId, admin);
        self.Refusal.ShouldBeRefusal(RefusalKind.Forbidden, "You requested this change; someone else must approve it.");
        (await FourEyesWorkflowTests.Approve(Host, requestId, s.Security)).Succeeded.ShouldBeTrue();
        await FourEyesWorkflowTests.WaitFor(Host, requestId, RequestStatus.Completed);

        var after = await Current();
        after.Revision.ShouldBe(before.Revision + 1);
        after.LastChangedBy.ShouldBe(admin.UserId);
        after.Document.RequiredTrustLevel(Sensitivity.Sensitive).ShouldBe(TrustLevel.Low);
        (await Host.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(s.Migration(s.Edge, s.ContextStore), s.Operator)))
            .Succeeded.ShouldBeTrue();
    }

    [Fact]
    public async Task FourEyes_RevisionLettingCriticalRunUntrustedWithoutApproval_IsRefusedOutright_AndNoRequestIsMade()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var admin = FourEyesWorkflowTests.AdministratorOf(s);
        var before = await Current();
        var open = before.Document with
        {
            Sensitivities = [.. before.Document.Sensitivities.Select(r => r with { RequiredTrustLevel = TrustLevel.Untrusted, Approvals = [] })],
        };

        var outcome = await Revise(new RevisePolicy(before.Revision, open, "Faster changes"), admin);

        var refusal = outcome.Refusal.ShouldNotBeNull();
        (refusal.Kind, refusal.Message).ShouldBe((RefusalKind.Invalid, PolicyFloors.Message));
        outcome.PendingRequestId.ShouldBeNull();
        (await Current()).Revision.ShouldBe(before.Revision);
        var requests = await Host.With<IRequestReader, PagedResult<RequestListItem>>(r =>
            r.SearchAsync(new RequestSearch(Kind: RequestKind.GuardChange, RequesterId: admin.UserId)));
        requests.TotalCount.ShouldBe(0);
    }

    [Fact]
    public async Task FourEyes_StricterPolicyRevision_AppliesAtOnce()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var before = await Current();
        var stricter = WithRule(before.Document, Sensitivity.Public, r => r with
        {
            Approvals = [new ApproverGroup(DefaultPolicy.NocApprovers, ApproverSource.Role, Roles.NocApprover, 1)],
        });

        var outcome = await Revise(new RevisePolicy(before.Revision, stricter, "Even Public work gets a second look"),
            FourEyesWorkflowTests.AdministratorOf(s));

        outcome.Succeeded.ShouldBeTrue(outcome.Refusal?.Message);
        outcome.PendingRequestId.ShouldBeNull();
        var after = await Current();
        after.Revision.ShouldBe(before.Revision + 1);
        after.Document.RuleFor(Sensitivity.Public).Approvals.ShouldHaveSingleItem().Role.ShouldBe(Roles.NocApprover);
    }
}

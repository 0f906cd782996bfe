using Console.IntegrationTests.Infrastructure;
using Console.IntegrationTests.Workflows.Runtime;
using Console.Workflows.Accounts;
using Console.Workflows.Accounts.ResettingSecondFactor;
using Console.Workflows.Accounts.SteppingUp;
using Console.Workflows.Common;
using Console.Workflows.Guards;
using Console.Workflows.Requests;
using Marten;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Guards;

/// <summary>
/// Four eyes on the accounts, through the real workflow on PostgreSQL: an administrator who grants a role that
/// approves or administers leaves the account as it was until a security officer other than them approves; roles that
/// only read, and roles taken away, apply at once; nobody gives themselves a role. Resetting a person's lost second
/// factor takes the same four eyes.
/// </summary>
public sealed class FourEyesAccountRolesWorkflowTests(WorkflowFixture fixture) : IClassFixture<WorkflowFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WorkflowHost Host => fixture.Host;

    private Task<Outcome> Issue(IConsoleCommand command, Actor actor) => Host.With<IConsoleCommandBus, Outcome>(b => b.IssueAsync(command, actor));

    /// <summary>A built-in account with these roles, and its person.</summary>
    private Task<Actor> AccountAsync(string name, params string[] roles) =>
        TestAccounts.CreateAsync(Host.Store, $"{name}-{Guid.NewGuid():N}"[..20], name, roles);

    private async Task<UserAccount> Load(Actor person)
    {
        await using var session = Host.Store.QuerySession();
        return (await session.LoadAsync<UserAccount>(UserAccount.IdFor(person.UserId), Ct)).ShouldNotBeNull();
    }

    private async Task<Outcome> SetRoles(Actor person, Actor by, params string[] roles) =>
        await Issue(new ChangeAccountRoles(person.UserId, (await Load(person)).Version, roles, "Joins the approver rota"), by);

    [Fact]
    public async Task FourEyes_GrantingTheApproverRole_WaitsForASecurityOfficer_ThenAppliesInTheAdministratorsName()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var admin = await AccountAsync("ada", Roles.Administrator);
        var olga = await AccountAsync("olga", Roles.NocOperator);

        var outcome = await SetRoles(olga, admin, Roles.NocOperator, Roles.NocApprover);

        outcome.Succeeded.ShouldBeTrue(outcome.Refusal?.Message);
        var requestId = outcome.PendingRequestId.ShouldNotBeNull("a grant that approves waits for a security officer");
        var before = await Load(olga);
        before.Roles.ShouldBe([Roles.NocOperator]);
        before.Version.ShouldBe(1);
        var request = (await Host.With<IRequestReader, RequestDetails?>(r => r.GetAsync(requestId))).ShouldNotBeNull().Request;
        request.VnfName.ShouldBe($"Roles of {olga.UserId}");
        request.Content.Guard.ShouldNotBeNull().Differences.ShouldHaveSingleItem()
            .ShouldBe(new GuardDifference($"Roles of {olga.UserId}", "NocOperator", "NocOperator, NocApprover", true));

        // The administrator, even as security officer, cannot approve it; another security officer can.
        var self = await FourEyesWorkflowTests.Approve(Host, requestId, admin with { Roles = new HashSet<string> { Roles.Administrator, Roles.SecurityOfficer } });
        self.Refusal.ShouldNotBeNull().Kind.ShouldBe(RefusalKind.Forbidden);
        (await FourEyesWorkflowTests.Approve(Host, requestId, s.Security)).Succeeded.ShouldBeTrue();
        var done = await FourEyesWorkflowTests.WaitFor(Host, requestId, RequestStatus.Completed);

        done.Outcome.ShouldNotBeNull().ShouldContain("Roles of");
        var after = await Load(olga);
        after.Roles.ShouldBe([Roles.NocOperator, Roles.NocApprover]);
        after.Version.ShouldBe(2);
        await using var session = Host.Store.QuerySession();
        var changed = (await session.Events.FetchStreamAsync(after.Id, token: Ct)).Select(e => e.Data).OfType<AccountRolesChanged>().Single();
        (changed.By, changed.Reason).ShouldBe((admin.UserId, "Joins the approver rota"));
    }

    [Fact]
    public async Task FourEyes_RolesThatOnlyReadOrRequest_AndRolesTakenAway_ApplyAtOnce()
    {
        var admin = await AccountAsync("ada", Roles.Administrator);
        var olga = await AccountAsync("olga", Roles.NocOperator, Roles.NocApprover);

        var granted = await SetRoles(olga, admin, Roles.NocOperator, Roles.NocApprover, Roles.Auditor);
        granted.PendingRequestId.ShouldBeNull(granted.Refusal?.Message);
        var takenAway = await SetRoles(olga, admin, Roles.Auditor);
        takenAway.PendingRequestId.ShouldBeNull(takenAway.Refusal?.Message);

        (await Load(olga)).Roles.ShouldBe([Roles.Auditor]);
    }

    [Fact]
    public async Task FourEyes_AnAdministratorGivingThemselvesARole_IsRefused_EvenOneThatOnlyReads()
    {
        var admin = await AccountAsync("ada", Roles.Administrator);

        foreach (var role in new[] { Roles.SecurityOfficer, Roles.Auditor })
        {
            var outcome = await SetRoles(admin, admin, Roles.Administrator, role);
            outcome.Refusal.ShouldBeRefusal(RefusalKind.Forbidden, $"You cannot give yourself a role ({role}); ask another administrator.");
        }

        (await Load(admin)).Roles.ShouldBe([Roles.Administrator]);
    }

    [Fact]
    public async Task FourEyes_ResettingALostAuthenticator_WaitsForASecurityOfficer_ThenErasesIt_AndThePersonEnrolsAgain()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var admin = await AccountAsync("ada", Roles.Administrator);
        var anna = await AccountAsync("anna", Roles.NocApprover);
        await TestSecondFactorSecrets.EnrolAsync(Host, anna);
        SecondFactor factor;
        await using (var session = Host.Store.QuerySession())
            factor = (await session.LoadAsync<SecondFactor>(SecondFactor.IdFor(anna.UserId), Ct)).ShouldNotBeNull();

        (await Issue(new ResetSecondFactor(admin.UserId, 0, "Lost phone"), admin)).Refusal.ShouldNotBeNull("ada has none; and never her own");
        (await Issue(new ResetSecondFactor(anna.UserId, factor.Version, " "), admin)).Refusal.ShouldNotBeNull()
            .FieldErrors.ShouldContainKey(nameof(ResetSecondFactor.Reason));
        var outcome = await Issue(new ResetSecondFactor(anna.UserId, factor.Version, "Lost phone and codes, ticket NOC-4711"), admin);

        var requestId = outcome.PendingRequestId.ShouldNotBeNull(outcome.Refusal?.Message);
        await using (var session = Host.Store.QuerySession())
        {
            (await session.LoadAsync<SecondFactor>(factor.Id, Ct)).ShouldNotBeNull().IsEnrolled.ShouldBeTrue("nothing changes before approval");
            (await session.LoadAsync<SecondFactorSecret>(factor.Id, Ct)).ShouldNotBeNull();
        }

        (await FourEyesWorkflowTests.Approve(Host, requestId, s.Security)).Succeeded.ShouldBeTrue();
        var done = await FourEyesWorkflowTests.WaitFor(Host, requestId, RequestStatus.Completed);

        done.Outcome.ShouldNotBeNull().ShouldContain($"Second factor of {anna.UserId}");
        await using (var session = Host.Store.QuerySession())
        {
            var after = (await session.LoadAsync<SecondFactor>(factor.Id, Ct)).ShouldNotBeNull();
            after.Status.ShouldBe(SecondFactorStatus.Removed);
            (await session.LoadAsync<SecondFactorSecret>(factor.Id, Ct)).ShouldBeNull("the secret is erased with the reset");
            var reset = (await session.Events.FetchStreamAsync(factor.Id, token: Ct)).Select(e => e.Data).OfType<SecondFactorReset>().Single();
            (reset.By, reset.Reason).ShouldBe((admin.UserId, "Lost phone and codes, ticket NOC-4711"));
        }

        // The person may begin enrolling a new authenticator (refused while one is enrolled).
        var restart = await Issue(new Console.Workflows.Accounts.EnrollingSecondFactor.StartSecondFactorEnrolment(TotpCodes.NewSecret()), anna);
        restart.Succeeded.ShouldBeTrue(restart.Refusal?.Message);
    }
}

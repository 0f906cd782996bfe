using Console.Web.Api;
using Console.Web.Identity;
using Console.Web.Security;
using Console.Workflows.Accounts;
using Console.Workflows.Common;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Security;

public sealed class DirectoryRulesTests
{
    private static Actor Claimed(params string[] roles) =>
        new("olga", "Olga", roles.ToHashSet()) { Groups = new HashSet<string> { "noc-core" } };

    private static UserAccount Current(bool disabled = false, string[]? roles = null, string[]? groups = null) =>
        new(UserAccount.IdFor("olga"), "olga", "Olga", [.. roles ?? [Roles.NocApprover]], [.. groups ?? ["noc-core"]], disabled, "digest", default);

    [Fact]
    public void Revocation_UnchangedAccount_IsAllowed() =>
        DirectoryRules.Check(Claimed(Roles.NocApprover), Current()).Allowed.ShouldBeTrue();

    [Fact]
    public void Revocation_ARoleGrantedSinceSignIn_KeepsTheOldPrincipalValid() =>
        DirectoryRules.Check(Claimed(Roles.NocApprover), Current(roles: [Roles.NocApprover, Roles.Auditor])).Allowed.ShouldBeTrue();

    [Fact]
    public void Revocation_DisabledAccount_IsRefused() =>
        DirectoryRules.Check(Claimed(Roles.NocApprover), Current(disabled: true)).ShouldBe(DirectoryVerdict.Refuse("The account olga is disabled."));

    [Fact]
    public void Revocation_RemovedAccount_IsRefused() =>
        DirectoryRules.Check(Claimed(Roles.NocApprover), null).ShouldBe(DirectoryVerdict.Refuse("The account olga no longer exists."));

    [Fact]
    public void Revocation_RemovedRole_IsRefused() =>
        DirectoryRules.Check(Claimed(Roles.NocApprover), Current(roles: [Roles.NocOperator]))
            .ShouldBe(DirectoryVerdict.Refuse("The account olga no longer holds NocApprover."));

    [Fact]
    public void Revocation_RemovedGroup_IsRefused() =>
        DirectoryRules.Check(Claimed(Roles.NocApprover), Current(groups: []))
            .ShouldBe(DirectoryVerdict.Refuse("The account olga is no longer in noc-core."));

    [Fact]
    public void Revocation_AutomationToken_WithARoleNoLongerConfigured_IsRefused()
    {
        var claimed = new Actor(ApiClients.AutomationSubject, "Automation", new HashSet<string> { Roles.NocOperator, Roles.Auditor });

        DirectoryRules.CheckAutomation(claimed, new AutomationSettings("s", [Roles.NocOperator, Roles.Auditor]), null).Allowed.ShouldBeTrue();
        DirectoryRules.CheckAutomation(claimed, new AutomationSettings("s", [Roles.NocOperator]), null)
            .ShouldBe(DirectoryVerdict.Refuse("The automation client no longer holds Auditor."));
        DirectoryRules.CheckAutomation(claimed, null, null).ShouldBe(DirectoryVerdict.Refuse("The automation client is no longer configured."));
    }

    [Fact]
    public void Revocation_AutomationToken_HoldingAPersonOnlyRole_IsRefused()
    {
        var claimed = new Actor(ApiClients.AutomationSubject, "Automation", new HashSet<string> { Roles.NocOperator, Roles.Administrator });

        DirectoryRules.CheckAutomation(claimed, new AutomationSettings("s", [Roles.NocOperator, Roles.Administrator]), null)
            .ShouldBe(DirectoryVerdict.Refuse("The automation client may not hold Administrator."));
    }

    [Fact]
    public void Revocation_EffectTakesAtMostAMinute() =>
        (DirectoryRevalidatingAuthenticationStateProvider.Interval + BuiltInDirectoryCheck.MaxCacheFor).ShouldBeLessThanOrEqualTo(DirectoryRules.MaxDelay);
}

using Console.Web.Api;
using Console.Web.Identity;
using Microsoft.Extensions.Configuration;
using OpenIddict.Abstractions;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Api;

public sealed class ApiClientsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void AutomationSettings_WhenNoSecretIsConfigured_MeansNoAutomationClient() =>
        AutomationSettings.Read(Config(("Console:Automation:Roles", "NocOperator"))).ShouldBeNull();

    [Fact]
    public void AutomationSettings_WhenRolesAreAList_ReadsEach()
    {
        var settings = AutomationSettings.Read(Config(
            ("Console:Automation:ClientSecret", "s"), ("Console:Automation:Roles", "NocOperator, Auditor")));

        settings!.Roles.ShouldBe(["NocOperator", "Auditor"]);
    }

    [Fact]
    public void AutomationSettings_WhenRolesAreAnArraySection_ReadsEach()
    {
        var settings = AutomationSettings.Read(Config(
            ("Console:Automation:ClientSecret", "s"), ("Console:Automation:Roles:0", "NocOperator"), ("Console:Automation:Roles:1", "Auditor")));

        settings!.Roles.ShouldBe(["NocOperator", "Auditor"]);
    }

    [Fact]
    public void AutomationSettings_WhenARoleIsUnknown_StopsTheStartNamingIt() =>
        Should.Throw<InvalidOperationException>(() => AutomationSettings.Read(Config(
                ("Console:Automation:ClientSecret", "s"), ("Console:Automation:Roles", "NocOperator,Root"))))
            .Message.ShouldContain("Root");

    [Fact]
    public void AutomationPrincipal_CarriesTheFixedSubjectTheRolesAndTheApiAudience()
    {
        var principal = ApiClients.AutomationPrincipal(new AutomationSettings("s", ["NocOperator"]), ["console-api", "openid"]);

        principal.GetClaim(OpenIddictConstants.Claims.Subject).ShouldBe("automation:vnf-automation");
        principal.GetClaims(OpenIddictConstants.Claims.Role).ShouldBe(["NocOperator"]);
        principal.GetResources().ShouldBe([LocalIdentityProvider.ApiScope]);
        principal.GetScopes().ShouldBe([LocalIdentityProvider.ApiScope]);
    }
}

using Bunit;
using Console.UnitTests.Web.Components.Pages.Requests;
using Console.Web.Components.Pages.Security;
using Console.Workflows.Continuity;
using MudBlazor;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.Security;

public sealed class SecurityAlertsTests : RequestPageTest
{
    private static readonly Guid Amf = Guid.Parse("a3f00000-0000-4000-8000-000000000001");
    private static readonly Guid DcA = Guid.Parse("e0000000-0000-4000-8000-00000000000a");

    private void GivenAlerts()
    {
        Continuity.Alerts.Add(new SecurityAlertRow(Guid.NewGuid(), SecurityAlertKind.ForkDetected, Amf, "amf-fra-01", Guid.NewGuid(), null,
            "It runs on the state of epoch 2, but the VNF is at epoch 3: a stale copy (roll-back).", Now.AddHours(-1)));
        Continuity.Alerts.Add(new SecurityAlertRow(Guid.NewGuid(), SecurityAlertKind.EvidenceRefused, null, null, DcA, "BadSignature",
            "The signature does not verify with the registered key ak-01.", Now.AddMinutes(-5)));
    }

    [Fact]
    public void SecurityAlerts_ListsForksAndRefusedEvidence_NewestFirst()
    {
        SignInAsSecurityOfficer();
        GivenAlerts();

        var cut = Render<SecurityAlerts>();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=alert]").Count.ShouldBe(2));
        var alerts = cut.FindAll("[data-testid=alert]");
        alerts[0].GetAttribute("data-kind").ShouldBe(nameof(SecurityAlertKind.EvidenceRefused));
        alerts[1].GetAttribute("data-kind").ShouldBe(nameof(SecurityAlertKind.ForkDetected));
        alerts[1].GetAttribute("data-vnf").ShouldBe("amf-fra-01");
        cut.FindAll("[data-testid=alert-detail]")[1].TextContent.ShouldContain("stale copy");
        cut.Markup.ShouldContain("BadSignature");
    }

    [Fact]
    public async Task SecurityAlerts_FilteredToForks_AsksTheReaderForForksOnly()
    {
        SignInAsSecurityOfficer();
        GivenAlerts();
        var cut = Render<SecurityAlerts>();
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=alert]").Count.ShouldBe(2));

        var select = cut.FindComponent<MudSelect<SecurityAlertKind?>>();
        await cut.InvokeAsync(() => select.Instance.SelectOption(SecurityAlertKind.ForkDetected));

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=alert]").Count.ShouldBe(1));
        Continuity.AlertQueries[^1].Kind.ShouldBe(SecurityAlertKind.ForkDetected);
    }

    [Fact]
    public void SecurityAlerts_WithNone_SaysSo()
    {
        SignInAsSecurityOfficer();

        var cut = Render<SecurityAlerts>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=no-alerts]").TextContent.ShouldContain("No alerts"));
    }

    [Fact]
    public void SecurityAlerts_WhenTheReaderFails_SaysWhatToDo()
    {
        SignInAsSecurityOfficer();
        Continuity.Fails = true;

        var cut = Render<SecurityAlerts>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=alerts-error]").TextContent.ShouldContain("Reload the page"));
    }
}

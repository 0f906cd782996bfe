using Bunit;
using Console.UnitTests.Web.Components.Pages.Requests;
using Console.Web.Components.Pages.Security;
using Console.Workflows.Alerts;
using Console.Workflows.Common;
using Console.Workflows.Continuity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.Security;

public sealed class SecurityAlertsTests : RequestPageTest
{
    private static readonly Guid Amf = Guid.Parse("a3f00000-0000-4000-8000-000000000001");
    private static readonly Guid DcA = Guid.Parse("e0000000-0000-4000-8000-00000000000a");

    public SecurityAlertsTests() => Services.AddSingleton(new AlertNotifications(NullLogger<AlertNotifications>.Instance));

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

        cut.WaitForAssertion(() => cut.Find("[data-testid=load-error]").TextContent.ShouldContain("Reload the page"));
    }

    [Fact]
    public async Task SecurityAlerts_FilteredToClosed_AsksForClosedAlertsAndShowsWhoClosedThemAndWhen()
    {
        SignInAsSecurityOfficer();
        GivenAlerts();
        var closed = Continuity.Alerts[0] with
        {
            Handling = new AlertHandling(Continuity.Alerts[0].Id, SecurityAlertKind.ForkDetected, AlertState.Closed, null, null, "sam", "Stale copy wiped.", Now)
            {
                ClosedByName = "Samir Security", ClosedAt = Now, Version = 1,
            },
        };
        Continuity.Alerts[0] = closed;
        var cut = Render<SecurityAlerts>();
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=alert]").Count.ShouldBe(2));

        var select = cut.FindComponent<MudSelect<AlertState?>>();
        await cut.InvokeAsync(() => select.Instance.SelectOption(AlertState.Closed));

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=alert]").Count.ShouldBe(1));
        Continuity.AlertQueries[^1].State.ShouldBe(AlertState.Closed);
        cut.Find("[data-testid=alert-state]").GetAttribute("data-state").ShouldBe(nameof(AlertState.Closed));
        cut.Find("[data-testid=alert-handling]").TextContent.ShouldContain("Closed by Samir Security");
        cut.Find("[data-testid=alert-handling]").TextContent.ShouldContain("Stale copy wiped.");
        cut.FindAll("[data-testid=alert-close]").ShouldBeEmpty("a closed alert offers nothing more");
    }

    [Fact]
    public void SecurityAlerts_ForAnOfficer_OffersAcknowledgeAssignAndCloseOnOpenAlerts()
    {
        GivenAlerts();
        SignInAsSecurityOfficer();
        var officer = Render<SecurityAlerts>();
        officer.WaitForAssertion(() => officer.FindAll("[data-testid=alert-acknowledge]").Count.ShouldBe(2));
        officer.FindAll("[data-testid=alert-close]").Count.ShouldBe(2);
        officer.FindAll("[data-testid=alert-state]").Select(s => s.GetAttribute("data-state")).ShouldAllBe(s => s == "Open");
        officer.Find("[data-testid=integrity-alerts-link] a").GetAttribute("href").ShouldBe("/audit/integrity");
    }

    [Fact]
    public void SecurityAlerts_ForAnAuditor_OffersNothingToDo()
    {
        GivenAlerts();
        SignInAs("aiko.auditor", Roles.Auditor);
        var auditor = Render<SecurityAlerts>();
        auditor.WaitForAssertion(() => auditor.FindAll("[data-testid=alert]").Count.ShouldBe(2));
        auditor.FindAll("[data-testid=alert-acknowledge], [data-testid=alert-assign], [data-testid=alert-close]").ShouldBeEmpty();
    }
}

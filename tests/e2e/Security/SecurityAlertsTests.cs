using System.Diagnostics;
using Console.E2ETests.Infrastructure;
using Console.Workflows;
using Console.Workflows.Alerts.Raising;
using Console.Workflows.Continuity;
using JasperFx;
using Marten;
using Microsoft.Playwright;
using Shouldly;

namespace Console.E2ETests.Security;

/// <summary>
/// A fork alert as the security team handles it: an officer acknowledges it and closes it with a reason on the alerts
/// page, and a history page opened before (filtered, not reloaded) shows the closing as soon as the history holds it.
/// </summary>
public sealed class SecurityAlertsTests(ConsoleApp app, Browser browser) : ConsoleTest(app, browser)
{
    // No other browser test acts on this VNF.
    private const string VnfName = "sepp-fra-02";

    [Fact]
    public async Task AlertAck_OfficerAcknowledgesAndClosesAForkAlert_AndTheOpenHistoryShowsTheClosingWithoutAReload()
    {
        var vnf = await SeededInventory.VnfAsync(App, VnfName);
        await RaiseForkAlertAsync(vnf.Id);

        // Opened first, filtered to closings of alerts: nothing yet, and it is not reloaded from here on.
        var history = await SignInAsync("security", "/history?type=AlertClosed");
        await Assertions.Expect(history.GetByTestId("empty-state")).ToBeVisibleAsync();

        var officer = await SignInAsync("security", "/security/alerts");
        var row = officer.GetByTestId("alerts").Locator("tbody tr").Filter(new() { Has = officer.Locator($"[data-vnf='{VnfName}']") });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row.GetByTestId("alert-state")).ToHaveAttributeAsync("data-state", "Open");

        await row.GetByTestId("alert-acknowledge").ClickAsync();
        await Assertions.Expect(row.GetByTestId("alert-state")).ToHaveAttributeAsync("data-state", "Acknowledged");
        await Assertions.Expect(row.GetByTestId("alert-handling")).ToContainTextAsync("Acknowledged by Samir Security");
        await Assertions.Expect(row.GetByTestId("alert-acknowledge")).ToHaveCountAsync(0);

        // Closing without a reason is not offered: the dialog asks for one and nothing changes.
        await row.GetByTestId("alert-close").ClickAsync();
        await officer.GetByTestId("close-alert-confirm").ClickAsync();
        await Assertions.Expect(officer.GetByTestId("close-alert-dialog")).ToContainTextAsync("Say why the alert is closed");
        await TextBox(officer, "close-alert-reason").FillAsync("Stale copy from a restored backup on host 7; host wiped.");
        var closedAt = Stopwatch.StartNew();
        await officer.GetByTestId("close-alert-confirm").ClickAsync();

        await Assertions.Expect(row.GetByTestId("alert-state")).ToHaveAttributeAsync("data-state", "Closed");
        await Assertions.Expect(row.GetByTestId("alert-handling")).ToContainTextAsync("Closed by Samir Security");
        await Assertions.Expect(row.GetByTestId("alert-handling")).ToContainTextAsync("host wiped");
        await Assertions.Expect(row.GetByTestId("alert-close")).ToHaveCountAsync(0);

        // The open history page gains the row by itself, keeping its filter.
        await Assertions.Expect(history.GetByTestId("summary").First).ToContainTextAsync("host wiped");
        TestContext.Current.TestOutputHelper?.WriteLine($"History row shown {closedAt.ElapsedMilliseconds} ms after the close was confirmed.");
        await Assertions.Expect(history.GetByTestId("event-link")).ToHaveCountAsync(1);
        new Uri(history.Url).Query.ShouldBe("?type=AlertClosed");

        // The state filter: the closed alert is among the closed ones, not among the open ones.
        await officer.GotoAsync("/security/alerts");
        await WaitForCircuitAsync(officer);
        await officer.GetByTestId("alert-state-filter").ClickAsync();
        await officer.Locator(".mud-popover-open").GetByText("Open", new() { Exact = true }).ClickAsync();
        await Assertions.Expect(officer.GetByTestId("alerts").Locator($"[data-vnf='{VnfName}']")).ToHaveCountAsync(0);
        await officer.GetByTestId("alert-state-filter").ClickAsync();
        await officer.Locator(".mud-popover-open").GetByText("Closed", new() { Exact = true }).ClickAsync();
        await Assertions.Expect(officer.GetByTestId("alerts").Locator($"[data-vnf='{VnfName}']")).ToHaveCountAsync(1);
        await Screenshots.SaveAsync(officer, "security-alerts-closed");
    }

    [Fact]
    public async Task AlertAck_AnAuditorReadsTheAlertsButIsOfferedNothingToDo()
    {
        var auditor = await SignInAsync("auditor", "/security/alerts");

        await Assertions.Expect(auditor.GetByTestId("integrity-alerts-link")).ToBeVisibleAsync();
        await Assertions.Expect(auditor.GetByTestId("alert-acknowledge")).ToHaveCountAsync(0);
        await Assertions.Expect(auditor.GetByTestId("alert-close")).ToHaveCountAsync(0);
    }

    /// <summary>
    /// What the continuity service records when a fenced copy of the VNF reports in: the fork on the VNF's continuity
    /// stream and the alert raised beside it (an instance no one runs, so the VNF itself is not disturbed).
    /// </summary>
    private async Task RaiseForkAlertAsync(Guid vnfId)
    {
        await using var store = DocumentStore.For(o =>
        {
            o.ConfigureConsoleStore(App.ConnectionString);
            o.AutoCreateSchemaObjects = AutoCreate.None;
        });
        await using var session = store.LightweightSession();
        var state = await session.LoadAsync<VnfContinuity>(VnfContinuity.StreamIdFor(vnfId));
        var fork = new ForkDetected(vnfId, Guid.NewGuid(), Guid.NewGuid(), 1, state?.Epoch ?? 1, state?.CurrentLease?.InstanceId,
            "A second instance of the VNF reported in on an old epoch.", "system:continuity", DateTimeOffset.UtcNow);
        if (state is not null)
            session.Events.Append(VnfContinuity.StreamIdFor(vnfId), fork);
        session.Raise(SecurityAlerts.Of(fork));
        await session.SaveChangesAsync();
    }
}

using System.Text.RegularExpressions;
using Console.E2ETests.Infrastructure;
using Microsoft.Playwright;
using Shouldly;

namespace Console.E2ETests.Lab;

/// <summary>
/// A migration asked for and approved in the browser moves a real QEMU machine between two lab hosts, and the VNF's page
/// shows where it runs now and what the move cost the guest (a console of its own on the lab, <see cref="LabConsoleApp"/>).
/// </summary>
public sealed partial class LabMigrationTests(LabConsoleApp app, Browser browser) : ConsoleTest(app, browser), IClassFixture<LabConsoleApp>
{
    [Fact]
    public async Task LabMigration_OperatorRequestsTwoApproversApprove_TheVmMovesAndTheVnfPageShowsTheNewHostAndTheDowntime()
    {
        var vnf = await SeededInventory.VnfAsync(App, LabConsoleApp.Vnf);
        var munich = await SeededInventory.EnvironmentAsync(App, LabConsoleApp.Munich);
        var vnfPath = $"/inventory/vnfs/{vnf.Id}";

        // The console boots the VNF's machine on DC A's host after it starts listening: the page shows it once it runs.
        var operatorPage = await SignInAsync("operator", vnfPath);
        await ExpectHostAsync(operatorPage, LabConsoleApp.DcAHost);
        await Assertions.Expect(operatorPage.GetByTestId("last-migration")).ToContainTextAsync("None completed");

        // nrf-fra-01 holds a Sensitive component: two NOC approvers, each with their authenticator's code.
        await operatorPage.GotoAsync($"/requests/new?kind=Migration&vnf={vnf.Id}&target={munich}");
        await WaitForCircuitAsync(operatorPage);
        var approvals = operatorPage.GetByTestId("preview-approvals");
        await Assertions.Expect(approvals).ToContainTextAsync("2 × NOC approvers");
        await Assertions.Expect(approvals.Locator("li")).ToHaveCountAsync(1);
        var requestUrl = await SubmitRequestAsync(operatorPage, "Move the NRF to Munich while DC A's core switches are replaced.");
        await ExpectRequestStatusAsync(operatorPage, "PendingApproval");
        await ApproveRequestAsync("approver", requestUrl);
        await ApproveRequestAsync("approver2", requestUrl);
        await ExpectRequestStatusAsync(operatorPage, "Completed", TimeSpan.FromSeconds(120));

        await operatorPage.GotoAsync(vnfPath);
        await WaitForCircuitAsync(operatorPage);
        await Assertions.Expect(operatorPage.GetByTestId("environment-facts")).ToContainTextAsync(LabConsoleApp.Munich);
        await ExpectHostAsync(operatorPage, LabConsoleApp.MunichHost);
        var last = operatorPage.GetByTestId("last-migration");
        await Assertions.Expect(last).ToContainTextAsync($"to {LabConsoleApp.Munich}");
        await Assertions.Expect(last).ToContainTextAsync(Downtime());
        var measured = await last.Locator("[data-downtime-ms]").GetAttributeAsync("data-downtime-ms");
        long.Parse(measured.ShouldNotBeNull(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThanOrEqualTo(0);
        await Assertions.Expect(last.GetByRole(AriaRole.Link, new() { Name = "Request" })).ToHaveAttributeAsync("href", requestUrl);
        await Screenshots.SaveAsync(operatorPage, "lab-migration-vnf-page");
    }

    /// <summary>The VNF page names the host of the VNF's machine; it is read when the page loads, so look again until it does.</summary>
    private static async Task ExpectHostAsync(IPage page, string host)
    {
        await Eventually.Until(async () =>
        {
            var shown = page.GetByTestId("vnf-host");
            if (await shown.CountAsync() > 0 && await shown.GetAttributeAsync("data-host") == host)
                return true;
            await page.ReloadAsync();
            await WaitForCircuitAsync(page);
            return await shown.CountAsync() > 0 && await shown.GetAttributeAsync("data-host") == host;
        }, shown => shown, $"the VNF page to show host {host}", TimeSpan.FromSeconds(90));
    }

    [GeneratedRegex(@"downtime \d+(\.\d)? m?s")]
    private static partial Regex Downtime();
}

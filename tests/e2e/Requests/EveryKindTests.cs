using System.Text.RegularExpressions;
using Console.E2ETests.Infrastructure;
using Console.Workflows.Requests.Executing;
using Microsoft.Playwright;

namespace Console.E2ETests.Requests;

/// <summary>
/// The demo can finish what it offers: the operator raises one request of every kind in the browser, the demo people
/// approve each as the policy asks (step-up codes where the work needs them), and every one completes. The VNFs are
/// ones whose environments are attested (not Hamburg, whose attestation the demo lets expire) and that other browser
/// tests do not snapshot or move; each lifecycle pair leaves its VNF running as it found it.
/// </summary>
public sealed partial class EveryKindTests(ConsoleApp app, Browser browser) : ConsoleTest(app, browser)
{
    private static readonly TimeSpan Execution = TimeSpan.FromSeconds(90);
    private const string Sidf = "suci-deconcealment (SIDF)";
    private const string DcA = "Frankfurt Core DC A";
    private static readonly string[] People = ["operator", "approver", "approver2", "approver3", "security"];

    [Fact]
    public async Task EveryKind_OneRequestOfEachKind_IsApprovedByTheDemoPeopleAndCompletes()
    {
        var udm = await SeededInventory.VnfAsync(App, "udm-fra-02");
        var pcf = await SeededInventory.VnfAsync(App, "pcf-muc-01");
        var smf = await SeededInventory.VnfAsync(App, "smf-muc-01");
        var upf = await SeededInventory.VnfAsync(App, "upf-muc-01");
        var edgeUpf = await SeededInventory.VnfAsync(App, "upf-ber-12");
        var nssf = await SeededInventory.VnfAsync(App, "nssf-muc-01");
        var nrf = await SeededInventory.VnfAsync(App, "nrf-fra-02");
        var dcA = await SeededInventory.EnvironmentAsync(App, DcA);

        // Each person signs in once and keeps their page, as a NOC shift would.
        var signedIn = await Task.WhenAll(People.Select(u => SignInAsync(u)));
        var (operatorPage, approver, approver2, approver3, security) = (signedIn[0], signedIn[1], signedIn[2], signedIn[3], signedIn[4]);

        // First round: everything that needs nothing done before it.
        // The whole UDM (Sensitive and Critical, Subscriber Data) from DC B into Operator Core's DC A: two NOC approvers, a
        // security officer and a member of noc-core, four distinct people, each with their authenticator code.
        var udmMove = await RaiseAsync(operatorPage, $"kind=Migration&vnf={udm.Id}&target={dcA}",
            "Move the whole UDM next to the AUSF cluster before the DC B power works.", preview: "security officer");
        var pcfSnapshot = await RaiseAsync(operatorPage, $"kind=Snapshot&vnf={pcf.Id}&components={pcf.Components["policy-decision-engine"]}",
            "Known-good policy engine before the 5.3 rules import.");
        var smfSnapshot = await RaiseAsync(operatorPage, $"kind=Snapshot&vnf={smf.Id}&components={smf.Components["pdu-session-manager"]}",
            "Session manager state before the N4 timer change.");
        var upfPartialMove = await RaiseAsync(operatorPage, $"kind=Migration&vnf={upf.Id}&components={upf.Components["n6-gateway"]}&target={dcA}",
            "Move only the N6 gateway next to the DC A peering routers.");
        var pause = await RaiseAsync(operatorPage, $"kind=Pause&vnf={edgeUpf.Id}", "Pause the Berlin UPF while its uplink is re-cabled.");
        var stop = await RaiseAsync(operatorPage, $"kind=Stop&vnf={nssf.Id}", "Stop the Munich NSSF for the host firmware update.");
        var restart = await RaiseAsync(operatorPage, $"kind=Restart&vnf={nrf.Id}", "Restart the DC B NRF to pick up the new TLS chain.");

        await Task.WhenAll(
            ApproveEachAsync(approver, "approver", udmMove, pcfSnapshot, upfPartialMove),
            ApproveEachAsync(approver2, "approver2", udmMove, smfSnapshot, pause),
            ApproveEachAsync(approver3, "approver3", udmMove, stop, restart),
            ApproveEachAsync(security, "security", udmMove));
        await ExpectCompletedAsync(operatorPage, udmMove, pcfSnapshot, smfSnapshot, upfPartialMove, pause, stop, restart);
        await Assertions.Expect(operatorPage.GetByTestId("step-attestation")).ToHaveAttributeAsync("data-state", "Done");

        // Second round: what the first made possible (a paused and a stopped VNF, two snapshots).
        var resume = await RaiseAsync(operatorPage, $"kind=Resume&vnf={edgeUpf.Id}", "The Berlin uplink is back; resume the UPF.");
        var start = await RaiseAsync(operatorPage, $"kind=Start&vnf={nssf.Id}", "Firmware updated; start the Munich NSSF again.");
        var restore = await RaiseAsync(operatorPage,
            $"kind=Restore&vnf={pcf.Id}&snapshot={SnapshotOf(pcfSnapshot)}", "The 5.3 rules import broke the policy engine; roll back.",
            preview: "security officer");
        var deletion = await RaiseAsync(operatorPage, $"kind=SnapshotDeletion&vnf={smf.Id}&snapshot={SnapshotOf(smfSnapshot)}",
            "The N4 timer change went well; the snapshot is no longer needed.");

        await Task.WhenAll(
            ApproveEachAsync(approver, "approver", resume, deletion),
            ApproveEachAsync(approver2, "approver2", start),
            ApproveEachAsync(approver3, "approver3", restore),
            ApproveEachAsync(security, "security", restore));
        await ExpectCompletedAsync(operatorPage, resume, start, restore, deletion);
        await Screenshots.SaveAsync(operatorPage, "request-completed");

        // The inventory shows the new placements.
        await operatorPage.GotoAsync($"/inventory/vnfs/{udm.Id}");
        await WaitForCircuitAsync(operatorPage);
        await Assertions.Expect(operatorPage.GetByTestId("components").Locator("tr", new() { HasText = Sidf }).GetByTestId("runs-in"))
            .ToContainTextAsync(DcA);
        await operatorPage.GotoAsync($"/inventory/vnfs/{upf.Id}");
        await WaitForCircuitAsync(operatorPage);
        await Assertions.Expect(operatorPage.GetByTestId("components").Locator("tr", new() { HasText = "n6-gateway" }).GetByTestId("runs-in"))
            .ToContainTextAsync(DcA);
        await Assertions.Expect(operatorPage.GetByTestId("components").Locator("tr", new() { HasText = "pfcp-agent" }).GetByTestId("runs-in"))
            .ToContainTextAsync("Munich Regional Cluster");
    }

    /// <summary>The operator opens the form as a link would prefill it, submits, and sees the request wait for its approvers.</summary>
    private static async Task<string> RaiseAsync(IPage operatorPage, string query, string justification, string? preview = null)
    {
        await operatorPage.GotoAsync("/requests/new?" + query);
        await WaitForCircuitAsync(operatorPage);
        if (preview is not null)
            await Assertions.Expect(operatorPage.GetByTestId("preview-approvals")).ToContainTextAsync(preview);
        var path = await SubmitRequestAsync(operatorPage, justification);
        await ExpectRequestStatusAsync(operatorPage, "PendingApproval");
        await Assertions.Expect(operatorPage.GetByTestId("request-status")).ToHaveTextAsync("Pending approval");
        return path;
    }

    private static async Task ApproveEachAsync(IPage page, string userName, params string[] requestPaths)
    {
        foreach (var path in requestPaths)
        {
            await page.GotoAsync(path);
            await WaitForCircuitAsync(page);
            await ApproveOnThisPageAsync(page, userName);
        }
    }

    /// <summary>Each request's page, never reloaded by the test, follows its workflow to the end; its chip says so in words.</summary>
    private static async Task ExpectCompletedAsync(IPage operatorPage, params string[] requestPaths)
    {
        foreach (var path in requestPaths)
        {
            await operatorPage.GotoAsync(path);
            await WaitForCircuitAsync(operatorPage);
            var status = operatorPage.GetByTestId("request-status");
            await Assertions.Expect(status).ToHaveAttributeAsync("data-status", Finished(), new() { Timeout = (float)Execution.TotalMilliseconds });
            if (await status.GetAttributeAsync("data-status") != "Completed")
                throw new Xunit.Sdk.XunitException($"{path} ended {await status.InnerTextAsync()}: {await operatorPage.GetByTestId("journal").InnerTextAsync()}");
            await Assertions.Expect(status).ToHaveTextAsync("Completed");
        }
    }

    [GeneratedRegex("^(Completed|Failed|Rejected|Cancelled|Expired|WindowMissed)$")]
    private static partial Regex Finished();

    private static Guid SnapshotOf(string snapshotRequestPath) => ExecutionDecider.SnapshotIdFor(Guid.Parse(snapshotRequestPath.Split('/').Last()));
}

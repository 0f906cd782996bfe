using System.Globalization;
using System.Net;
using System.Text.Json;
using Console.E2ETests.Infrastructure;
using Microsoft.Playwright;
using Shouldly;

namespace Console.E2ETests.Continuity;

/// <summary>
/// Roll-back and restart as people meet them: a roll-back waits for a security officer whoever else approved, and
/// brings the state back under a new epoch; a restart interrupts the VNF and its trust relationships return only after
/// it is re-attested.
/// </summary>
public sealed class ContinuityTests(ConsoleApp app, Browser browser) : ConsoleTest(app, browser)
{
    private static readonly TimeSpan Execution = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task RollbackNeedsSecurity_ARestoreWaitsForTheSecurityOfficerAndRunsUnderANewEpoch()
    {
        // nrf-fra-02 holds Internal components only: by sensitivity one NOC approver would do.
        var nrf = await SeededInventory.VnfAsync(App, "nrf-fra-02");
        var operatorPage = await SignInAsync("operator", $"/requests/new?kind=Snapshot&vnf={nrf.Id}");
        var snapshotRequest = await SubmitRequestAsync(operatorPage, "Known-good state before the NRF schema change.");
        await ApproveRequestAsync("approver", snapshotRequest);
        await ExpectRequestStatusAsync(operatorPage, "Completed", Execution);

        await operatorPage.GotoAsync($"/inventory/vnfs/{nrf.Id}");
        await WaitForCircuitAsync(operatorPage);
        var epochBefore = await EpochAsync(operatorPage);
        await operatorPage.GetByTestId("request-restore").First.ClickAsync();
        await WaitForCircuitAsync(operatorPage);
        await Assertions.Expect(operatorPage.GetByTestId("rollback-loss"))
            .ToHaveAttributeAsync("data-new-epoch", (epochBefore + 1).ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(operatorPage.GetByTestId("preview-approvals")).ToContainTextAsync("security officer");
        var restoreRequest = await SubmitRequestAsync(operatorPage, "Schema change corrupted the NF profiles; roll back.");

        // The NOC approver's approval is not enough: the request waits for a security officer.
        await ApproveRequestAsync("approver", restoreRequest);
        await operatorPage.ReloadAsync();
        await WaitForCircuitAsync(operatorPage);
        await ExpectRequestStatusAsync(operatorPage, "PendingApproval");
        await Assertions.Expect(operatorPage.GetByTestId("rollback-loss")).ToBeVisibleAsync();

        await ApproveRequestAsync("security", restoreRequest);
        await ExpectRequestStatusAsync(operatorPage, "Completed", Execution);

        await operatorPage.GotoAsync($"/inventory/vnfs/{nrf.Id}");
        await WaitForCircuitAsync(operatorPage);
        (await EpochAsync(operatorPage)).ShouldBe(epochBefore + 1);
        await Assertions.Expect(operatorPage.GetByTestId("history-event").First).ToHaveAttributeAsync("data-type", "InstanceReattested");
        await Assertions.Expect(operatorPage.GetByTestId("continuity").Locator("[data-type=StateRestored]")).ToHaveCountAsync(1);
        await Assertions.Expect(operatorPage.GetByTestId("trust-state")).ToHaveAttributeAsync("data-trusted", "true");
        await Assertions.Expect(operatorPage.GetByTestId("attestation")).ToHaveAttributeAsync("data-accepted", "true");
        await Screenshots.SaveAsync(operatorPage, "vnf-after-rollback");
    }

    [Fact]
    public async Task RestartReattests_TrustRelationshipsComeBackOnlyAfterTheRestartedVnfIsReattested()
    {
        var nrf = await SeededInventory.VnfAsync(App, "nrf-fra-01");
        var operatorPage = await SignInAsync("operator", $"/inventory/vnfs/{nrf.Id}");
        // The demo seed has nrf-fra-01 verify amf-fra-01 (NF registration and access tokens).
        var relationships = operatorPage.GetByTestId("relationship");
        await Assertions.Expect(relationships.First).ToHaveAttributeAsync("data-established", "true");

        await operatorPage.GotoAsync($"/requests/new?kind=Restart&vnf={nrf.Id}");
        await WaitForCircuitAsync(operatorPage);
        await Assertions.Expect(operatorPage.GetByTestId("lifecycle-scope")).ToContainTextAsync("re-attested");
        var restart = await SubmitRequestAsync(operatorPage, "Restart to pick up the rotated OAuth2 signing key.");
        // nrf-fra-01 has a Sensitive component: two NOC approvers.
        await ApproveRequestAsync("approver", restart);
        await ApproveRequestAsync("approver2", restart);
        await ExpectRequestStatusAsync(operatorPage, "Completed", Execution);

        await operatorPage.GotoAsync($"/inventory/vnfs/{nrf.Id}");
        await WaitForCircuitAsync(operatorPage);
        // Newest first: re-attested, after the restart interrupted it; only then are the relationships established.
        var history = operatorPage.GetByTestId("history-event");
        await Assertions.Expect(history.Nth(0)).ToHaveAttributeAsync("data-type", "InstanceReattested");
        await Assertions.Expect(history.Nth(1)).ToHaveAttributeAsync("data-type", "InstanceInterrupted");
        await Assertions.Expect(operatorPage.GetByTestId("trust-state")).ToHaveAttributeAsync("data-trusted", "true");
        var count = await relationships.CountAsync();
        for (var i = 0; i < count; i++)
            await Assertions.Expect(relationships.Nth(i)).ToHaveAttributeAsync("data-established", "true");
    }

    [Fact]
    public async Task AlertsForbidden_OperatorsGet403FromTheAlertApi_AuditorsReadItAndEveryVnfsContinuity()
    {
        var ct = TestContext.Current.CancellationToken;
        var nrf = await SeededInventory.VnfAsync(App, "nrf-fra-01");
        using var operatorApi = await ApiClient.ForAsync(App, "operator", ct);
        using var auditorApi = await ApiClient.ForAsync(App, "auditor", ct);

        using var forbidden = await operatorApi.GetAsync("/api/security/alerts", ct);
        forbidden.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        using var badKind = await auditorApi.GetAsync("/api/security/alerts?kind=Everything", ct);
        badKind.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var alerts = await auditorApi.GetAsync("/api/security/alerts?kind=ForkDetected&pageSize=10", ct);
        await ApiClient.EnsureAsync(alerts, HttpStatusCode.OK, ct);
        using var continuity = await operatorApi.GetAsync($"/api/inventory/vnfs/{nrf.Id}/continuity", ct);
        await ApiClient.EnsureAsync(continuity, HttpStatusCode.OK, ct);
        using var json = JsonDocument.Parse(await continuity.Content.ReadAsStringAsync(ct));
        json.RootElement.GetProperty("epoch").GetInt64().ShouldBeGreaterThanOrEqualTo(1);

        var operatorPage = await SignInAsync("operator");
        await operatorPage.GotoAsync("/security/alerts");
        await Assertions.Expect(operatorPage.GetByTestId("forbidden")).ToBeVisibleAsync();
    }

    private static async Task<long> EpochAsync(IPage page)
    {
        var epoch = page.GetByTestId("epoch");
        await Assertions.Expect(epoch).ToBeVisibleAsync();
        return long.Parse((await epoch.GetAttributeAsync("data-epoch"))!, CultureInfo.InvariantCulture);
    }
}

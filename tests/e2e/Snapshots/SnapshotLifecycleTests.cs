using System.Net;
using System.Text.RegularExpressions;
using Console.E2ETests.Infrastructure;
using Microsoft.Playwright;
using Shouldly;

namespace Console.E2ETests.Snapshots;

/// <summary>
/// A snapshot as people meet it: taken through a request, opened from the VNF page with its signed manifest and data
/// keys per trust domain, then held by a security officer, which the page explains to everyone.
/// </summary>
public sealed partial class SnapshotLifecycleTests(ConsoleApp app, Browser browser) : ConsoleTest(app, browser)
{
    [Fact]
    public async Task LegalHold_SecurityOfficerHoldsASnapshot_ThePageShowsTheManifestAndWhyItIsKept()
    {
        // A Public component needs no approval: the snapshot runs as soon as it is requested.
        var nrf = await SeededInventory.VnfAsync(App, "nrf-ber-12");
        var operatorPage = await SignInAsync("operator", $"/requests/new?kind=Snapshot&vnf={nrf.Id}&components={nrf.Components["health-probe"]}");
        await SubmitRequestAsync(operatorPage, "Snapshot of the health probe before the 2.7.3 upgrade.");
        await ExpectRequestStatusAsync(operatorPage, "Completed", TimeSpan.FromSeconds(90));

        await operatorPage.GotoAsync($"/inventory/vnfs/{nrf.Id}");
        await WaitForCircuitAsync(operatorPage);
        await operatorPage.GetByTestId("snapshot-link").First.ClickAsync();
        await operatorPage.WaitForURLAsync(SnapshotUrl());
        await WaitForCircuitAsync(operatorPage);
        await Assertions.Expect(operatorPage.GetByTestId("signature")).ToHaveAttributeAsync("data-signature", "valid");
        await Assertions.Expect(operatorPage.GetByTestId("restore-check")).ToHaveAttributeAsync("data-allowed", "true");
        await Assertions.Expect(operatorPage.GetByTestId("data-keys").Locator("tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(operatorPage.GetByTestId("expires-at")).ToContainTextAsync("in 29 d");
        // Operations may pin but not hold.
        await Assertions.Expect(operatorPage.GetByTestId("pin")).ToBeVisibleAsync();
        await Assertions.Expect(operatorPage.GetByTestId("place-hold")).ToHaveCountAsync(0);
        var snapshotPath = new Uri(operatorPage.Url).AbsolutePath;

        var securityPage = await SignInAsync("security", snapshotPath);
        await securityPage.GetByTestId("place-hold").ClickAsync();
        await TextBox(securityPage, "retention-reason").FillAsync("Case 2026-17: preserve evidence of the probe outage");
        await securityPage.GetByTestId("retention-confirm").ClickAsync();
        await Assertions.Expect(securityPage.Locator("[data-protection=LegalHold]"))
            .ToHaveTextAsync("Legal hold by security: Case 2026-17: preserve evidence of the probe outage until released");
        await Assertions.Expect(securityPage.GetByTestId("release-hold")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(securityPage, "snapshot-legal-hold");

        await operatorPage.ReloadAsync();
        await WaitForCircuitAsync(operatorPage);
        await Assertions.Expect(operatorPage.Locator("[data-protection=LegalHold]")).ToContainTextAsync("Case 2026-17");
        await Assertions.Expect(operatorPage.GetByTestId("history")).ToContainTextAsync("Legal hold placed until released");

        // The same commands through the API, with the same rules: reason required, version checked, hold not for operations.
        var ct = TestContext.Current.CancellationToken;
        var api = "/api" + snapshotPath;
        using var operatorApi = await ApiClient.ForAsync(App, "operator", ct);
        using var snapshot = await operatorApi.GetAsync(api, ct);
        await ApiClient.EnsureAsync(snapshot, HttpStatusCode.OK, ct);
        var etag = snapshot.Headers.ETag!.ToString();
        using var noReason = await operatorApi.SendJsonAsync(HttpMethod.Post, api + "/pin", new { reason = " " }, etag, ct);
        noReason.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var stale = await operatorApi.SendJsonAsync(HttpMethod.Post, api + "/pin", new { reason = "Keep for the RCA" }, "\"1\"", ct);
        stale.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
        using var hold = await operatorApi.SendJsonAsync(HttpMethod.Post, api + "/legal-hold", new { reason = "Not mine to place" }, etag, ct);
        hold.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        using var pin = await operatorApi.SendJsonAsync(HttpMethod.Post, api + "/pin", new { reason = "Keep for the RCA of the probe outage" }, etag, ct);
        await ApiClient.EnsureAsync(pin, HttpStatusCode.OK, ct);
        using var pinned = await operatorApi.GetAsync(api, ct);
        (await pinned.Content.ReadAsStringAsync(ct)).ShouldContain("Keep for the RCA of the probe outage");
    }

    [GeneratedRegex("/snapshots/[0-9a-f-]{36}$")]
    private static partial Regex SnapshotUrl();
}

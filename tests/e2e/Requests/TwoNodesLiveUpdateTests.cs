using System.Diagnostics;
using Console.E2ETests.Infrastructure;
using Microsoft.Playwright;
using Shouldly;

namespace Console.E2ETests.Requests;

/// <summary>
/// Two console nodes behind haproxy (<see cref="TwoNodeConsole"/>): each person's browser is kept on one node by
/// haproxy's cookie, and what one node commits shows on the pages the other serves.
/// </summary>
public sealed class TwoNodesLiveUpdateTests(ConsoleApp app, Browser browser, TwoNodeConsole cluster)
    : ConsoleTest(app, browser), IClassFixture<TwoNodeConsole>
{
    [Fact]
    public async Task TwoNodes_LiveUpdate_ApprovalOnNodeA_ShowsOnTheRequestPageOpenOnNodeB_WithinTwoSeconds()
    {
        var nrf = await SeededInventory.VnfAsync(cluster.ConnectionString, "nrf-fra-01");
        // An Internal component: one NOC approver, no step-up code.
        var operatorPage = await SignInAsync(await OnNodeAsync(2), "operator",
            $"/requests/new?kind=Snapshot&vnf={nrf.Id}&components={nrf.Components["nf-registry"]}");
        var requestUrl = await SubmitRequestAsync(operatorPage, "Snapshot of the NF registry before the certificate rotation.");
        await ExpectRequestStatusAsync(operatorPage, "PendingApproval");

        var approverPage = await SignInAsync(await OnNodeAsync(1), "approver", requestUrl);
        (await ServedByAsync(operatorPage)).ShouldBe(TwoNodeConsole.NodeName(2), "the operator's page is served by node B");
        (await ServedByAsync(approverPage)).ShouldBe(TwoNodeConsole.NodeName(1), "the approver's page is served by node A");
        var approvalOnB = operatorPage.Locator("[data-testid=journal] [data-event=ApprovalGranted]");
        await Assertions.Expect(approvalOnB).ToHaveCountAsync(0);

        // Approving asks to confirm the content digest; the approval is the click that confirms it.
        await approverPage.GetByTestId("approve").ClickAsync();
        await ExpectConfirmationOfTheShownDigestAsync(approverPage);
        var clicked = Stopwatch.StartNew();
        await approverPage.GetByTestId("approve-confirm").ClickAsync();
        // Node A has committed the approval when its own page shows it.
        await Assertions.Expect(approverPage.Locator("[data-testid=journal] [data-event=ApprovalGranted]")).ToHaveCountAsync(1);
        var committedOnA = clicked.Elapsed;

        await Assertions.Expect(approvalOnB).ToHaveCountAsync(1, new() { Timeout = 2000 });
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"click to A's page showing the approval {committedOnA.TotalMilliseconds:0} ms; to B's page showing it {clicked.Elapsed.TotalMilliseconds:0} ms");
        await Assertions.Expect(operatorPage.GetByTestId("request-status")).Not.ToHaveAttributeAsync("data-status", "PendingApproval");
    }

    /// <summary>A fresh page of the installation behind haproxy, which its node cookie keeps on node <paramref name="number"/>.</summary>
    private Task<IPage> OnNodeAsync(int number)
    {
        var address = new Uri(cluster.BaseUrl);
        return NewPageAsync(cluster.BaseUrl, new Cookie
        {
            Name = TwoNodeConsole.NodeCookie, Value = TwoNodeConsole.NodeName(number), Domain = address.Host, Path = "/",
        });
    }

    /// <summary>Which node haproxy sends this page's requests to (its context's cookies ride along).</summary>
    private static async Task<string?> ServedByAsync(IPage page)
    {
        var response = await page.Context.APIRequest.GetAsync("/health");
        return response.Headers.GetValueOrDefault(TwoNodeConsole.ServedByHeader.ToLowerInvariant());
    }
}

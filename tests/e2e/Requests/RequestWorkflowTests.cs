using System.Net;
using System.Text.RegularExpressions;
using Console.E2ETests.Infrastructure;
using Microsoft.Playwright;
using Shouldly;

namespace Console.E2ETests.Requests;

/// <summary>
/// The approval workflow as the people using it see it: each person in their own browser context, signed in through
/// the real sign-in page, acting on the request page. The multi-party cross-domain migration of udm-fra-02 is walked,
/// with every other kind, in <see cref="EveryKindTests"/>.
/// </summary>
public sealed class RequestWorkflowTests(ConsoleApp app, Browser browser) : ConsoleTest(app, browser)
{
    private const string Sidf = "suci-deconcealment (SIDF)";
    private const string PublicCloud = "Public Cloud eu-central (burst)";

    [Fact]
    public async Task SelfApprovalRefused_RequesterIsOfferedNothingAndTheApiAnswers403()
    {
        var amf = await SeededInventory.VnfAsync(App, "amf-fra-01");
        var operatorPage = await SignInAsync("operator", $"/requests/new?kind=Snapshot&vnf={amf.Id}");
        var requestUrl = await SubmitRequestAsync(operatorPage, "Pre-upgrade snapshot of amf-fra-01 for the 1.15 rollout.");
        await ExpectRequestStatusAsync(operatorPage, "PendingApproval");

        await Assertions.Expect(operatorPage.GetByTestId("requester-note")).ToBeVisibleAsync();
        await Assertions.Expect(operatorPage.GetByTestId("approve")).ToHaveCountAsync(0);
        await Assertions.Expect(operatorPage.GetByTestId("reject")).ToHaveCountAsync(0);

        var id = Guid.Parse(requestUrl.Split('/').Last());
        using var api = await ApiClient.ForAsync(App, "operator", TestContext.Current.CancellationToken);
        var (details, etag) = await api.GetRequestAsync(id, TestContext.Current.CancellationToken);
        var digest = details.GetProperty("request").GetProperty("contentDigest").GetString()!;
        using var response = await api.ApproveAsync(id, digest, etag, TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        await operatorPage.ReloadAsync();
        await ExpectRequestStatusAsync(operatorPage, "PendingApproval");
    }

    [Fact]
    public async Task UntrustedTargetRefused_MigrationOfACriticalComponentToThePublicCloud_IsRefusedWithTheReason()
    {
        var udm = await SeededInventory.VnfAsync(App, "udm-fra-02");
        var cloud = await SeededInventory.EnvironmentAsync(App, PublicCloud);
        var page = await SignInAsync("operator",
            $"/requests/new?kind=Migration&vnf={udm.Id}&components={udm.Components[Sidf]}&target={cloud}");

        await Assertions.Expect(page.GetByTestId("below-trust-warning")).ToBeVisibleAsync();
        await TextBox(page, "justification").FillAsync("Burst capacity for the New Year's Eve peak.");
        await page.GetByTestId("submit").ClickAsync();

        var refusal = page.GetByTestId("refusal");
        await Assertions.Expect(refusal).ToContainTextAsync(Sidf);
        await Assertions.Expect(refusal).ToContainTextAsync("Untrusted");
        await Assertions.Expect(refusal).ToContainTextAsync("High");
        new Uri(page.Url).AbsolutePath.ShouldBe("/requests/new");
    }

    [Fact]
    public async Task RejectionStops_ARejectedRequestNeverExecutesAndCannotBeApproved()
    {
        var smf = await SeededInventory.VnfAsync(App, "amf-fra-02");
        var operatorPage = await SignInAsync("operator", $"/requests/new?kind=Snapshot&vnf={smf.Id}");
        var requestUrl = await SubmitRequestAsync(operatorPage, "Snapshot before the vendor's emergency patch.");

        var approverPage = await SignInAsync("approver", requestUrl);
        await approverPage.GetByTestId("reject").ClickAsync();
        var confirm = approverPage.GetByTestId("reject-confirm");
        await confirm.ClickAsync();
        // No reason, no rejection: the dialog says so and stays open.
        await Assertions.Expect(confirm).ToBeVisibleAsync();
        await TextBox(approverPage, "reject-reason").FillAsync("Patch window moved; snapshot not needed.");
        await confirm.ClickAsync();
        await GiveStepUpCodeIfAskedAsync(approverPage, "approver", "reject");

        await ExpectRequestStatusAsync(approverPage, "Rejected");
        await ExpectRequestStatusAsync(operatorPage, "Rejected");
        await Assertions.Expect(operatorPage.GetByTestId("journal")).ToContainTextAsync("Patch window moved");

        var secondApprover = await SignInAsync("security", requestUrl);
        await Assertions.Expect(secondApprover.GetByTestId("approve")).ToHaveCountAsync(0);
        await Assertions.Expect(secondApprover.GetByTestId("step-execution")).ToHaveAttributeAsync("data-state", new Regex("^(Skipped|Waiting)$"));
    }
}

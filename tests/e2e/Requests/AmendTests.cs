using Console.E2ETests.Accessibility;
using Console.E2ETests.Infrastructure;
using Microsoft.Playwright;
using Shouldly;

namespace Console.E2ETests.Requests;

/// <summary>
/// The requester amends a pending request on its page; the approval given before stops counting, and an approver
/// reads the amended content in their inbox and approves it, confirming the digest it is bound to.
/// </summary>
public sealed class AmendTests(ConsoleApp app, Browser browser) : ConsoleTest(app, browser)
{
    private const string ProfileStore = "subscriber-profile-store";
    private const string ReplicationAgent = "replication-agent";
    private const string Submitted = "Snapshot udr-fra-02 before the 23.6 upgrade of the subscriber store.";
    private const string Amended = "Snapshot only the subscriber store before the 23.6 upgrade; the replication agent is rebuilt anyway.";

    [Fact]
    public async Task Amend_OperatorNarrowsTheSnapshotInTheBrowser_ApprovalIsVoidedAndTheApproverApprovesTheNewContentFromTheInbox()
    {
        // A snapshot of both components (Critical and Sensitive) needs 2 NOC approvers and 1 security officer.
        var udr = await SeededInventory.VnfAsync(App, "udr-fra-02");
        var operatorPage = await SignInAsync("operator", $"/requests/new?kind=Snapshot&vnf={udr.Id}");
        var requestUrl = await SubmitRequestAsync(operatorPage, Submitted);
        var requestId = requestUrl.Split('/').Last();
        await ApproveRequestAsync("approver", requestUrl);
        var nocApprovers = operatorPage.Locator("[data-group='NOC approvers']");
        await Assertions.Expect(nocApprovers).ToContainTextAsync("approved by");

        // The operator amends: only the Critical store, and says why.
        await operatorPage.GetByTestId("amend").ClickAsync();
        var form = operatorPage.GetByTestId("amend-form");
        await Assertions.Expect(form.GetByTestId("amend-voids")).ToContainTextAsync(TestEnvironment.Account("approver").DisplayName);
        var agent = form.Locator($"input[type=checkbox][data-component='{ReplicationAgent}']");
        await agent.ClickAsync();
        await Assertions.Expect(agent).Not.ToBeCheckedAsync();
        await TextBox(operatorPage, "justification").FillAsync(Amended);
        await AssertCleanAsync(operatorPage, "operator", "request-amend-form", requestUrl);
        await form.GetByTestId("amend-save").ClickAsync();
        await Assertions.Expect(form).ToHaveCountAsync(0);
        var saved = operatorPage.Locator(".mud-snackbar");
        await Assertions.Expect(saved).ToContainTextAsync("Amendment saved.");

        // The page shows what changed and that the approval given before no longer counts.
        var amendment = operatorPage.GetByTestId("amendment").First;
        await Assertions.Expect(amendment.GetByTestId("voided-approvals")).ToContainTextAsync("no longer counts");
        await Assertions.Expect(Change(amendment, "Justification", "before")).ToHaveTextAsync(Submitted);
        await Assertions.Expect(Change(amendment, "Justification", "after")).ToHaveTextAsync(Amended);
        await Assertions.Expect(Change(amendment, "Components", "before")).ToContainTextAsync(ReplicationAgent);
        await Assertions.Expect(Change(amendment, "Components", "after")).ToHaveTextAsync(ProfileStore);
        await Assertions.Expect(Change(amendment, "Approvals needed", "after")).ToHaveTextAsync("1 NOC approver and 1 security officer");
        await Assertions.Expect(nocApprovers).ToHaveAttributeAsync("data-satisfied", "false");
        await Assertions.Expect(nocApprovers).Not.ToContainTextAsync("approved by");
        var digest = await operatorPage.GetByTestId("content-digest").GetAttributeAsync("title");
        digest.ShouldNotBeNullOrEmpty();
        await AssertCleanAsync(operatorPage, "operator", "request-amended", requestUrl);

        // The approver reads the amended request in the inbox and approves it, confirming its digest.
        var approverPage = await SignInAsync("approver", "/approvals");
        var item = approverPage.Locator($"[data-testid=inbox-item][data-request='{requestId}']");
        await Assertions.Expect(item.GetByTestId("justification")).ToHaveTextAsync(Amended);
        await Assertions.Expect(item.GetByTestId("components")).ToHaveTextAsync($"{ProfileStore} (Critical)");
        await Assertions.Expect(item.GetByTestId("source")).ToHaveTextAsync("Frankfurt Core DC B");
        await Assertions.Expect(item.GetByTestId("approval-effect"))
            .ToHaveTextAsync("Your approval fills NOC approvers; 1 security officer still needed before the snapshot can start.");
        await AssertCleanAsync(approverPage, "approver", "approvals-with-content", "/approvals");
        await ApproveInInboxAsync(approverPage, item, "approver", digest!);

        await Assertions.Expect(item).ToHaveCountAsync(0);
        await Assertions.Expect(nocApprovers).ToHaveAttributeAsync("data-satisfied", "true");
        await Assertions.Expect(nocApprovers).ToContainTextAsync(TestEnvironment.Account("approver").DisplayName);
    }

    // The shared page audit: axe without serious or critical violations, and no horizontal scrolling at 1280 and 390 px.
    private static async Task AssertCleanAsync(IPage page, string role, string name, string path)
    {
        // A note ("Request submitted.") fades in and out, and axe reads a fading note's colours mid-way: audit once it has gone.
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToHaveCountAsync(0, new() { Timeout = (float)Patience.TotalMilliseconds });
        var findings = await PageAudit.CheckAsync(page, role, name, path);
        findings.Where(f => !f.Clean).ShouldBeEmpty(string.Join("\n", findings.Where(f => !f.Clean)));
    }

    private static ILocator Change(ILocator amendment, string field, string column) =>
        amendment.Locator("tr", new() { Has = amendment.Page.Locator($"td[data-field='{field}']") }).GetByTestId(column);

    /// <summary>
    /// Approve, confirm the digest, give the authenticator's code. The approver's code of this 30 s step may have gone
    /// to their approval on the request page a moment ago: the refusal says so, and they approve again with the next.
    /// </summary>
    private static async Task ApproveInInboxAsync(IPage page, ILocator item, string userName, string digest)
    {
        var requestId = await item.GetAttributeAsync("data-request");
        for (var stepsAhead = 0; stepsAhead < 2; stepsAhead++)
        {
            await item.GetByTestId("approve").ClickAsync();
            await Assertions.Expect(page.GetByTestId("approve-digest")).ToHaveTextAsync(digest);
            if (stepsAhead == 0)
                await AssertCleanAsync(page, userName, "approve-confirmation", "/approvals");
            await page.GetByTestId("approve-confirm").ClickAsync();
            await TextBox(page, "step-up-code").FillAsync(await TestEnvironment.Account(userName).StepUpCodeAsync());
            await page.GetByTestId("step-up-confirm").ClickAsync();
            await ExpectDialogClosedAsync(page, "step-up-dialog");
            await page.WaitForFunctionAsync(
                "id => document.querySelector('[data-testid=action-refusal]') || !document.querySelector(`[data-request=\"${id}\"]`)",
                requestId, new() { Timeout = (float)Patience.TotalMilliseconds });
            var refusal = page.GetByTestId("action-refusal");
            if (await refusal.CountAsync() == 0 || !(await refusal.InnerTextAsync()).Contains("already used", StringComparison.Ordinal))
                return;
        }
    }
}

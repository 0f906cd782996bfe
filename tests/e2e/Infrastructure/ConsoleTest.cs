using System.Text.RegularExpressions;
using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(Console.E2ETests.Infrastructure.ConsoleApp))]
[assembly: AssemblyFixture(typeof(Console.E2ETests.Infrastructure.Browser))]
// One console and one browser serve all tests; tests run one class at a time to keep a 2-core machine honest.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]

namespace Console.E2ETests.Infrastructure;

/// <summary>Base for browser tests: people sign in through the real sign-in page, each in their own context.</summary>
public abstract partial class ConsoleTest(ConsoleApp app, Browser browser) : IAsyncLifetime
{
    private readonly List<IBrowserContext> _contexts = [];

    protected ConsoleApp App { get; } = app;

    protected static TimeSpan Patience => TimeSpan.FromSeconds(30);

    /// <summary>The most people any test has approve one request at the same moment (the UDM move of EveryKind_).</summary>
    private const int MostApproversAtOnce = 4;

    // Every expectation waits as long as every page action (the contexts' default timeout): on a loaded 2-core machine
    // a circuit's round trip has taken over Playwright's default 5 s, and how fast the console answers is the benches'
    // business, not a test's. Passing expectations return as soon as they hold; only a failure waits the whole time.
    static ConsoleTest() => Assertions.SetDefaultExpectTimeout((float)Patience.TotalMilliseconds);

    // Where the console's output stood when this test began: a failure reports what it logged since.
    private int _outputAtStart;

    public ValueTask InitializeAsync()
    {
        _outputAtStart = App.Output.Length;
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (TestContext.Current.TestState?.Result == TestResult.Failed)
            await TellWhatWasSeenAsync();
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// After a failure, into the test's output: what each open page showed (and a screenshot under
    /// artifacts/screenshots/failures/), and the console's warnings and errors logged while the test ran. A failure on CI
    /// can then be read instead of guessed.
    /// </summary>
    private async Task TellWhatWasSeenAsync()
    {
        var output = TestContext.Current.TestOutputHelper;
        var name = TestContext.Current.Test?.TestCase.TestMethod?.MethodName ?? "test";
        IPage[] pages;
        lock (_contexts)
            pages = [.. _contexts.SelectMany(c => c.Pages)];
        for (var i = 0; i < pages.Length; i++)
        {
            try
            {
                output?.WriteLine($"Page {i + 1}: {await WhatThePageShowsAsync(pages[i])}");
                await Screenshots.SaveAsync(pages[i], $"failures/{name}-{i + 1}");
            }
            catch (PlaywrightException e)
            {
                output?.WriteLine($"Page {i + 1}: could not be read ({e.Message.Split('\n')[0]})");
            }
        }

        var log = App.Output;
        output?.WriteLine("The console logged, at warning or above, while the test ran:");
        output?.WriteLine(ConsoleLog.WarningsAndAbove(log[Math.Min(_outputAtStart, log.Length)..]));
    }

    protected Task<IPage> NewPageAsync() => NewPageAsync(App.BaseUrl);

    /// <summary>A page in a context of its own at <paramref name="baseUrl"/>, holding these cookies (a load balancer's node cookie).</summary>
    protected async Task<IPage> NewPageAsync(string baseUrl, params Cookie[] cookies)
    {
        var context = await browser.Instance.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl });
        context.SetDefaultTimeout((float)Patience.TotalMilliseconds);
        if (cookies.Length > 0)
            await context.AddCookiesAsync(cookies);
        // People may sign in at the same moment (Task.WhenAll): their contexts are kept from several threads.
        lock (_contexts)
            _contexts.Add(context);
        return await context.NewPageAsync();
    }

    /// <summary>Opens the console as this person would: the console sends them to the provider's sign-in page.</summary>
    protected async Task<IPage> SignInAsync(string userName, string path = "/") => await SignInAsync(await NewPageAsync(), userName, path);

    /// <summary>As <see cref="SignInAsync(string, string)"/>, on a page already opened (e.g. of another installation).</summary>
    protected static async Task<IPage> SignInAsync(IPage page, string userName, string path)
    {
        ArgumentNullException.ThrowIfNull(page);
        var account = TestEnvironment.Account(userName);
        await page.GotoAsync(path);
        await page.WaitForURLAsync(new Regex("/account/login"));
        await FillSignInFormAsync(page, account.UserName, account.Password);
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == path.Split('?')[0]);
        await WaitForCircuitAsync(page);
        await Assertions.Expect(page.GetByTestId("account-name")).ToContainTextAsync(account.DisplayName);
        return page;
    }

    protected static async Task FillSignInFormAsync(IPage page, string userName, string password)
    {
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>An interactive-server page does nothing until its circuit is attached; wait for Blazor to say so.</summary>
    protected static Task WaitForCircuitAsync(IPage page) =>
        page.Locator(".mud-layout[data-interactive=ready]").WaitForAsync();

    /// <summary>Submits the open new-request form with this justification; returns the new request's path.</summary>
    protected static async Task<string> SubmitRequestAsync(IPage page, string justification)
    {
        await TextBox(page, "justification").FillAsync(justification);
        await page.GetByTestId("submit").ClickAsync();
        await page.WaitForURLAsync(RequestUrl());
        await WaitForCircuitAsync(page);
        return new Uri(page.Url).AbsolutePath;
    }

    /// <summary>This person signs in, opens the request and approves it in the group the page offers.</summary>
    protected async Task<IPage> ApproveRequestAsync(string userName, string requestUrl)
    {
        var page = await SignInAsync(userName, requestUrl);
        await ApproveOnThisPageAsync(page, userName);
        return page;
    }

    /// <summary>
    /// On the request's page this person approves in the group the page offers. Should another approver's approval land
    /// first (the page says someone else acted first and reloads), they dismiss the message and approve again, as a
    /// person would. Each such refusal means another approval landed, so a person loses at most once per other approver:
    /// with four people approving one request at once (EveryKind_), the last can lose three times and succeed at the
    /// fourth try, which CI saw. Beyond <see cref="MostApproversAtOnce"/> tries something else is wrong, and the test fails.
    /// </summary>
    protected static async Task ApproveOnThisPageAsync(IPage page, string userName)
    {
        var approve = page.GetByTestId("approve");
        var refusal = page.GetByTestId("action-refusal");
        for (var attempt = 1; attempt <= MostApproversAtOnce; attempt++)
        {
            await Assertions.Expect(page.GetByTestId("group-to-fill")).ToBeVisibleAsync();
            await approve.ClickAsync();
            await ConfirmApprovalAsync(page);
            await GiveStepUpCodeIfAskedAsync(page, userName, "approve");
            await page.WaitForFunctionAsync(
                "() => document.querySelector('[data-testid=action-refusal]') || !document.querySelector('[data-testid=approve]')",
                null, new() { Timeout = (float)Patience.TotalMilliseconds });
            if (await approve.CountAsync() == 0 || await refusal.CountAsync() == 0
                || !(await refusal.InnerTextAsync()).Contains("Someone else acted first", StringComparison.Ordinal))
                break;
            await refusal.GetByRole(AriaRole.Button).ClickAsync();
            await Assertions.Expect(refusal).ToHaveCountAsync(0);
        }

        await Assertions.Expect(approve).ToHaveCountAsync(0);
    }

    /// <summary>Approving asks to confirm the content digest the page shows (its start, in the "Your part" panel).</summary>
    protected static async Task ConfirmApprovalAsync(IPage page)
    {
        await ExpectConfirmationOfTheShownDigestAsync(page);
        await page.GetByTestId("approve-confirm").ClickAsync();
        await ExpectDialogClosedAsync(page, "approve-dialog");
    }

    /// <summary>
    /// A dialog closes once the console has handled the click that closes it: a round trip over the circuit. Should the
    /// dialog still be open after the patience of every step, says what the page showed (a reconnecting circuit, a
    /// refusal, another dialog).
    /// </summary>
    protected static async Task ExpectDialogClosedAsync(IPage page, string testId)
    {
        try
        {
            await Assertions.Expect(page.GetByTestId(testId)).ToHaveCountAsync(0);
        }
        catch (PlaywrightException e)
        {
            throw new Shouldly.ShouldAssertException($"The {testId} stayed open; the page shows: {await WhatThePageShowsAsync(page)}", e);
        }
    }

    /// <summary>The request page's approval dialog opens naming the digest whose start the page shows.</summary>
    protected static async Task ExpectConfirmationOfTheShownDigestAsync(IPage page)
    {
        var shown = (await page.GetByTestId("actions").Locator("code").InnerTextAsync()).TrimEnd('…');
        try
        {
            await Assertions.Expect(page.GetByTestId("approve-digest")).ToHaveTextAsync(new Regex("^" + Regex.Escape(shown)));
        }
        catch (PlaywrightException e)
        {
            throw new Shouldly.ShouldAssertException($"No confirmation naming the digest {shown}… came; the page shows: {await WhatThePageShowsAsync(page)}", e);
        }
    }

    /// <summary>
    /// Sensitive, Critical and cross-domain work asks for the authenticator's code: the demo person types the code their
    /// app shows (computed from the demo secret), never one an earlier test of this run sent (the tests share the
    /// demo people). Should the console still say a code was used, the person tries once more with a fresh one.
    /// </summary>
    protected static async Task GiveStepUpCodeIfAskedAsync(IPage page, string userName, string action)
    {
        var dialog = page.GetByTestId("step-up-dialog");
        // Either the dialog opens, or the work needed no step-up and the action went through (its button left) or was refused.
        await page.WaitForFunctionAsync(
            $"() => document.querySelector('[data-testid=step-up-dialog]') || !document.querySelector('[data-testid={action}]')"
            + " || document.querySelector('[data-testid=action-refusal]')",
            null, new() { Timeout = (float)Patience.TotalMilliseconds });
        for (var stepsAhead = 0; stepsAhead < 2 && await dialog.CountAsync() > 0; stepsAhead++)
        {
            await TextBox(page, "step-up-code").FillAsync(await TestEnvironment.Account(userName).StepUpCodeAsync());
            await page.GetByTestId("step-up-confirm").ClickAsync();
            await ExpectDialogClosedAsync(page, "step-up-dialog");
            // With the next step's code the answer is final (the caller checks it): the first try's "already used"
            // refusal may still be on the page, and reading it again as this try's answer clicked a button that had
            // gone with the approval (CI saw a 30 s wait for it).
            if (stepsAhead > 0)
                return;
            var refusal = page.GetByTestId("action-refusal");
            await page.WaitForFunctionAsync(
                $"() => document.querySelector('[data-testid=action-refusal]') || !document.querySelector('[data-testid={action}]')",
                null, new() { Timeout = (float)Patience.TotalMilliseconds });
            if (await refusal.CountAsync() == 0 || !(await refusal.InnerTextAsync()).Contains("already used", StringComparison.Ordinal))
                return;
            await page.GetByTestId(action).ClickAsync();
            await Assertions.Expect(dialog).ToBeVisibleAsync();
        }
    }

    /// <summary>
    /// What the person would see when a wait runs out, for the failure message: the page, where focus is, a refusal or
    /// snackbar shown, and whether the connection to the server is being rejoined (Blazor's reconnect dialog).
    /// </summary>
    protected static Task<string> WhatThePageShowsAsync(IPage page) =>
        page.EvaluateAsync<string>("""
            () => {
              const text = s => [...document.querySelectorAll(s)].map(e => e.innerText.trim()).filter(t => t).join(' | ') || 'none';
              const a = document.activeElement;
              const modal = document.getElementById('components-reconnect-modal');
              return `page ${location.pathname}; focus ${a ? a.tagName.toLowerCase() + (a.dataset.testid ? '#' + a.dataset.testid : '') : 'none'}`
                + `; refusal ${text('[data-testid=action-refusal]')}; snackbar ${text('.mud-snackbar')}; dialog ${text('.mud-dialog')}`
                + `; reconnect dialog ${modal ? (modal.open ? 'open: ' + modal.className : 'closed') : 'absent'}`
                + `; layout ${document.querySelector('.mud-layout')?.getAttribute('data-interactive')}`;
            }
            """);

    /// <summary>MudBlazor puts a test id either on the field's wrapper or on the input itself; find the text box either way.</summary>
    protected static ILocator TextBox(IPage page, string testId) =>
        page.Locator($"[data-testid={testId}] textarea, textarea[data-testid={testId}], [data-testid={testId}] input, input[data-testid={testId}]").First;

    /// <summary>The request page's status chip carries <paramref name="status"/> (the enum name, as the API says it; the chip reads it in words).</summary>
    protected static Task ExpectRequestStatusAsync(IPage page, string status, TimeSpan? within = null) =>
        Assertions.Expect(page.GetByTestId("request-status")).ToHaveAttributeAsync("data-status", status,
            new() { Timeout = (float)(within ?? Patience).TotalMilliseconds });

    [GeneratedRegex("/requests/[0-9a-f-]{36}$")]
    private static partial Regex RequestUrl();
}

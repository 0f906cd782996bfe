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

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }

        GC.SuppressFinalize(this);
    }

    protected async Task<IPage> NewPageAsync()
    {
        var context = await browser.Instance.NewContextAsync(new BrowserNewContextOptions { BaseURL = App.BaseUrl });
        context.SetDefaultTimeout((float)Patience.TotalMilliseconds);
        _contexts.Add(context);
        return await context.NewPageAsync();
    }

    /// <summary>Opens the console as this person would: the console sends them to the provider's sign-in page.</summary>
    protected async Task<IPage> SignInAsync(string userName, string path = "/")
    {
        var account = TestEnvironment.Account(userName);
        var page = await NewPageAsync();
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
        await Assertions.Expect(page.GetByTestId("group-to-fill")).ToBeVisibleAsync();
        await page.GetByTestId("approve").ClickAsync();
        await Assertions.Expect(page.GetByTestId("approve")).ToHaveCountAsync(0);
        return page;
    }

    /// <summary>MudBlazor puts a test id either on the field's wrapper or on the input itself; find the text box either way.</summary>
    protected static ILocator TextBox(IPage page, string testId) =>
        page.Locator($"[data-testid={testId}] textarea, textarea[data-testid={testId}], [data-testid={testId}] input, input[data-testid={testId}]").First;

    protected static Task ExpectRequestStatusAsync(IPage page, string status, TimeSpan? within = null) =>
        Assertions.Expect(page.GetByTestId("request-status")).ToHaveTextAsync(status,
            new() { Timeout = (float)(within ?? Patience).TotalMilliseconds });

    [GeneratedRegex("/requests/[0-9a-f-]{36}$")]
    private static partial Regex RequestUrl();
}

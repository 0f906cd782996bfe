using Console.E2ETests.Infrastructure;
using Microsoft.Playwright;
using Shouldly;

namespace Console.E2ETests.Admin;

/// <summary>An administrator changes a person's roles in the users dialog; the person's next session has exactly them.</summary>
public sealed class UsersDialogTests(ConsoleApp app, Browser browser) : ConsoleTest(app, browser)
{
    [Fact]
    public async Task UsersDialog_AdminGivesTheManagerTheAuditorRole_NextSessionReadsTheHistory_AndTakingItBackClosesItAgain()
    {
        (await (await SignInAsync("manager")).GotoAsync("/history")).ShouldNotBeNull().Status.ShouldBe(403);

        var admin = await SignInAsync("admin", "/admin/users");
        await ChangeRolesAsync(admin, "Manager takes the audit rota this week");
        await Assertions.Expect(ManagerRow(admin)).ToContainTextAsync("Auditor");

        var managerPage = await SignInAsync("manager", "/history");
        await Assertions.Expect(managerPage.GetByTestId("history")).ToBeVisibleAsync();

        // Back as it was, through the same dialog; the manager's next session is refused the history again.
        await ChangeRolesAsync(admin, "Audit rota over");
        await Assertions.Expect(ManagerRow(admin)).Not.ToContainTextAsync("Auditor");
        (await (await SignInAsync("manager")).GotoAsync("/history")).ShouldNotBeNull().Status.ShouldBe(403);
    }

    private static ILocator ManagerRow(IPage page) =>
        page.GetByTestId("users-table").Locator("tr", new() { Has = page.GetByTestId("change-account-manager") });

    /// <summary>Opens the manager's dialog, toggles the Auditor role, gives the reason and saves.</summary>
    private static async Task ChangeRolesAsync(IPage page, string reason)
    {
        await page.GetByTestId("change-account-manager").ClickAsync();
        var dialog = page.GetByTestId("account-dialog");
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        // MudBlazor puts the test id on the check box's input or on its wrapper.
        await page.Locator("input[data-testid=account-role-Auditor], [data-testid=account-role-Auditor] input").First.ClickAsync();
        await TextBox(page, "account-reason").FillAsync(reason);
        await page.GetByTestId("account-save").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Changed the account manager.");
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
    }
}

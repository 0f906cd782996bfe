using System.Text.RegularExpressions;
using Console.E2ETests.Infrastructure;
using Microsoft.Playwright;
using Shouldly;

namespace Console.E2ETests.Shell;

public sealed class SignInTests(ConsoleApp app, Browser browser) : ConsoleTest(app, browser)
{
    private static readonly string[] InventoryNav = ["vnfs", "environments", "trust-domains"];

    // What each role may see, written out independently of the app's policy table so the test can catch a mistake there.
    public static TheoryData<string, string[]> NavigationByUser => new()
    {
        { "operator", [.. InventoryNav, "requests", "new-request", "policy"] },
        { "approver", [.. InventoryNav, "requests", "approvals", "policy"] },
        { "approver2", [.. InventoryNav, "requests", "approvals", "policy"] },
        { "approver3", [.. InventoryNav, "requests", "approvals", "policy"] },
        { "security", [.. InventoryNav, "requests", "approvals", "policy", "history", "integrity", "alerts", "dashboards"] },
        { "security2", [.. InventoryNav, "requests", "approvals", "policy", "history", "integrity", "alerts", "dashboards"] },
        { "auditor", [.. InventoryNav, "requests", "policy", "history", "integrity", "alerts"] },
        { "manager", [.. InventoryNav, "requests", "policy", "dashboards"] },
        { "admin", [.. InventoryNav, "requests", "policy", "users", "dashboards"] },
    };

    [Theory]
    [MemberData(nameof(NavigationByUser))]
    public async Task SignIn_EachDemoUser_SeesExactlyTheNavigationTheirRoleAllows(string userName, string[] expectedNav)
    {
        var page = await SignInAsync(userName);

        var nav = await page.Locator("[data-testid=nav] [data-nav]").EvaluateAllAsync<string[]>(
            "links => links.map(l => l.getAttribute('data-nav'))");
        nav.Order().ShouldBe(expectedNav.Order());

        await page.GetByTestId("account-name").ClickAsync();
        var role = TestEnvironment.Account(userName).Role;
        var roleText = role switch
        {
            "NocOperator" => "NOC operator",
            "NocApprover" => "NOC approver",
            "SecurityOfficer" => "Security officer",
            _ => role,
        };
        await Assertions.Expect(page.GetByTestId("account-roles")).ToHaveTextAsync(roleText);
    }

    [Fact]
    public async Task AnonymousRedirected_ToSignInPage_AndBackToWhereTheyWereGoing()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/inventory/environments");

        await page.WaitForURLAsync(new Regex("/account/login"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();

        var account = TestEnvironment.Account("manager");
        await FillSignInFormAsync(page, account.UserName, account.Password);
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/inventory/environments");
    }

    [Fact]
    public async Task AnonymousRedirected_RequestWithoutSession_IsSentToTheProvider()
    {
        var page = await NewPageAsync();
        var response = await page.APIRequest.GetAsync("/admin/users", new() { MaxRedirects = 0 });
        response.Status.ShouldBe(302);
        response.Headers["location"].ShouldContain("/connect/authorize");
    }

    [Fact]
    public async Task SignIn_WithWrongPassword_IsRefusedWithAMessage()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/");
        await page.WaitForURLAsync(new Regex("/account/login"));

        await FillSignInFormAsync(page, "operator", "not-the-password");

        await Assertions.Expect(page.GetByTestId("login-error")).ToHaveTextAsync("The user name or password is not correct.");
        page.Url.ShouldContain("/account/login");
    }

    [Fact]
    public async Task NonAdminForbidden_OnAdministrationUrl_Gets403Page()
    {
        var page = await SignInAsync("operator");

        var response = await page.GotoAsync("/admin/users");

        response.ShouldNotBeNull();
        response.Status.ShouldBe(403);
        await Assertions.Expect(page.GetByTestId("forbidden")).ToContainTextAsync("You don't have access to this page");
    }

    [Fact]
    public async Task NonAdminForbidden_AdminSameUrl_SeesTheUsers()
    {
        var page = await SignInAsync("admin");

        var response = await page.GotoAsync("/admin/users");

        response!.Status.ShouldBe(200);
        await WaitForCircuitAsync(page);
        await Assertions.Expect(page.GetByTestId("users-table")).ToContainTextAsync("Olivia Operator (NOC)");
    }

    [Fact]
    public async Task SignIn_ThenSignOut_EndsTheSessionAtConsoleAndProvider()
    {
        var page = await SignInAsync("auditor");

        await page.GetByTestId("account-name").ClickAsync();
        await page.GetByTestId("sign-out").ClickAsync();
        await page.WaitForURLAsync(new Regex("/account/signed-out"));

        // Had only the console's cookie gone, the provider would sign the person straight back in.
        await page.GotoAsync("/");
        await page.WaitForURLAsync(new Regex("/account/login"));
    }
}

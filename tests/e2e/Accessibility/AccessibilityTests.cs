using System.Text.RegularExpressions;
using Console.E2ETests.Infrastructure;
using Microsoft.Playwright;
using Shouldly;

namespace Console.E2ETests.Accessibility;

/// <summary>
/// Every page, for every role, at a desktop and a phone width: no serious or critical axe violation and no sideways
/// scrolling of the page. One signed-in browser per role walks all its pages and reports everything it found at the
/// end; the table of results lands in artifacts/accessibility/axe.md, screenshots in artifacts/screenshots/pages/.
/// </summary>
public sealed class AccessibilityTests(ConsoleApp app, Browser browser) : ConsoleTest(app, browser)
{
    // One person per role: the pages differ by role, not by person.
    public static TheoryData<string> OnePersonPerRole => ["operator", "approver", "security", "auditor", "manager", "admin"];

    [Theory]
    [MemberData(nameof(OnePersonPerRole))]
    public async Task Axe_EveryPageTheRoleCanOpen_HasNoSeriousOrCriticalViolationAndFitsBothWidths(string userName)
    {
        var items = await PagesByRole.ItemsAsync(App);
        var role = TestEnvironment.Account(userName).Role;
        var page = await SignInAsync(userName);

        var findings = new List<PageFinding>();
        foreach (var (name, path) in PagesByRole.For(userName, items))
        {
            await OpenInAppAsync(page, path);
            await Assertions.Expect(page.GetByTestId("forbidden")).ToHaveCountAsync(0);
            findings.AddRange(await PageAudit.CheckAsync(page, role, name, path));
        }

        AssertClean(role, findings);
    }

    /// <summary>Follows an in-app link to <paramref name="path"/> (the circuit stays, as when a person clicks through) and
    /// waits for that page's own heading.</summary>
    private static async Task OpenInAppAsync(IPage page, string path)
    {
        if (new Uri(page.Url).AbsolutePath == path)
            return;
        await page.EvaluateAsync("() => document.querySelectorAll('h1').forEach(h => h.setAttribute('data-left', ''))");
        await page.EvaluateAsync("path => Blazor.navigateTo(path)", path);
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == path);
        await page.Locator("h1:not([data-left])").First.WaitForAsync();
    }

    [Fact]
    public async Task Axe_PagesWithoutTheConsoleLayout_SignInSignedOutNotFoundAndForbidden_AreClean()
    {
        var findings = new List<PageFinding>();
        var anonymous = await NewPageAsync();
        await anonymous.GotoAsync("/");
        await anonymous.WaitForURLAsync(new Regex("/account/login"));
        findings.AddRange(await PageAudit.CheckAsync(anonymous, "anonymous", "sign-in", "/account/login"));
        await anonymous.GotoAsync("/account/signed-out");
        findings.AddRange(await PageAudit.CheckAsync(anonymous, "anonymous", "signed-out", "/account/signed-out"));
        await anonymous.GotoAsync("/not-found");
        findings.AddRange(await PageAudit.CheckAsync(anonymous, "anonymous", "not-found", "/not-found"));

        var operatorPage = await SignInAsync("operator");
        var forbidden = await operatorPage.GotoAsync("/admin/users");
        forbidden!.Status.ShouldBe(403);
        findings.AddRange(await PageAudit.CheckAsync(operatorPage, "NocOperator", "forbidden", "/admin/users"));

        AssertClean("anonymous", findings);
    }

    private static void AssertClean(string role, List<PageFinding> findings)
    {
        AxeReport.Write(role, findings);
        findings.ShouldNotBeEmpty();
        var failures = findings.Where(f => !f.Clean).ToList();
        failures.ShouldBeEmpty(
            $"{failures.Count} of {findings.Count} page views of {role} have serious or critical violations or scroll sideways "
            + $"(all results: {AxeReport.TablePath}):\n" + string.Join("\n", failures));
    }
}

using Console.E2ETests.Infrastructure;
using Microsoft.Playwright;
using Shouldly;

namespace Console.E2ETests.Inventory;

public sealed class InventoryTests(ConsoleApp app, Browser browser) : ConsoleTest(app, browser)
{
    [Fact]
    public async Task Inventory_OperatorFiltersByType_SeesOnlyThatTypeFromTheSeededCore()
    {
        var page = await SignInAsync("operator", "/inventory?type=AMF");

        var grid = page.GetByTestId("vnf-grid");
        await Assertions.Expect(grid.GetByTestId("vnf-link").First).ToBeVisibleAsync();
        var names = await grid.GetByTestId("vnf-link").AllInnerTextsAsync();
        names.Count.ShouldBeGreaterThan(0);
        names.ShouldAllBe(n => n.StartsWith("amf-", StringComparison.Ordinal));
        await Screenshots.SaveAsync(page, "inventory-amf");

        await grid.GetByTestId("vnf-link").First.ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/inventory/vnfs/", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByText("Critical").First).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Inventory_AdminRegistersVnfWithEmptyForm_SeesFieldMessagesAndNothingIsSaved()
    {
        var page = await SignInAsync("admin", "/inventory/vnfs/new");

        await page.GetByTestId("save").ClickAsync();

        await Assertions.Expect(page.GetByTestId("vnf-form")).ToContainTextAsync("Name is required.");
        page.Url.ShouldEndWith("/inventory/vnfs/new");
        await page.GotoAsync("/inventory?q=" + Uri.EscapeDataString("zz-nonexistent"));
        await WaitForCircuitAsync(page);
        await Assertions.Expect(page.GetByTestId("empty-state")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task NonAdminForbidden_OnInventoryEditUrl_Gets403()
    {
        var page = await SignInAsync("security");

        var response = await page.GotoAsync("/inventory/vnfs/new");

        response!.Status.ShouldBe(403);
        await Assertions.Expect(page.GetByTestId("forbidden")).ToBeVisibleAsync();
    }
}

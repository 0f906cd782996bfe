using System.Text.RegularExpressions;
using Console.E2ETests.Infrastructure;
using Microsoft.Playwright;

namespace Console.E2ETests.Inventory;

/// <summary>
/// No trust on first use, in the browser: an administrator registers an environment and proposes the attestation key
/// its platform reports; its quote is refused until Samir Security approves the key on the environment's page; the
/// next quote then passes.
/// </summary>
public sealed class EnrolmentTests(ConsoleApp app, Browser browser) : ConsoleTest(app, browser)
{
    [Fact]
    public async Task Enrolment_SecurityOfficerApprovesTheKeyInTheBrowser_AndTheNextQuotePasses()
    {
        var name = $"E2E enrolment {Guid.NewGuid():N}"[..27];
        var admin = await SignInAsync("admin", "/inventory/environments/new");
        await TextBox(admin, "name").FillAsync(name);
        await admin.GetByTestId("kind").ClickAsync();
        await admin.GetByRole(AriaRole.Option, new() { Name = "Edge site", Exact = true }).ClickAsync();
        await TextBox(admin, "location").FillAsync("Leipzig");
        await admin.GetByTestId("trust-level").ClickAsync();
        await admin.GetByRole(AriaRole.Option, new() { Name = "Low", Exact = true }).ClickAsync();
        // The simulated platform measures a weakened secure boot for environments the inventory does not call attested.
        await admin.GetByTestId("attestation").ClickAsync();
        await admin.GetByRole(AriaRole.Option, new() { Name = "Attested", Exact = true }).ClickAsync();
        await admin.GetByTestId("save").ClickAsync();
        await admin.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/inventory/environments");
        var environment = await SeededInventory.EnvironmentAsync(App, name);
        var path = $"/inventory/environments/{environment}";

        await admin.GotoAsync(path);
        await WaitForCircuitAsync(admin);
        await Assertions.Expect(admin.GetByTestId("enrolment-state")).ToHaveTextAsync("Not enrolled");
        await admin.GetByTestId("fill-reported").ClickAsync();
        await Assertions.Expect(TextBox(admin, "ak-pem")).ToHaveValueAsync(new Regex("BEGIN PUBLIC KEY"));
        await TextBox(admin, "proposal-reason").FillAsync("Read from the platform; fingerprint checked with the site team.");
        await admin.GetByTestId("propose-enrolment").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("enrolment-state")).ToHaveTextAsync("Pending approval");

        var security = await SignInAsync("security", path);
        await Assertions.Expect(security.GetByTestId("pending-key-fingerprint")).ToContainTextAsync("AK fingerprint ak-");
        await security.GetByTestId("quote-now").ClickAsync();
        await Assertions.Expect(security.GetByTestId("last-quote-verdict")).ToContainTextAsync("Refused (UnknownKey)");
        await Assertions.Expect(security.GetByTestId("last-quote-detail")).ToContainTextAsync("not approved yet");

        await security.GetByTestId("approve-enrolment").ClickAsync();
        await Assertions.Expect(security.GetByTestId("enrolment-state")).ToHaveTextAsync("Approved");
        await Assertions.Expect(security.GetByTestId("enrolled-key-fingerprint")).ToContainTextAsync("AK fingerprint ak-");
        await security.GetByTestId("quote-now").ClickAsync();
        await Assertions.Expect(security.GetByTestId("last-quote-verdict")).ToContainTextAsync("Accepted");
    }
}

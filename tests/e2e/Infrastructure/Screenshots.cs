using Microsoft.Playwright;

namespace Console.E2ETests.Infrastructure;

/// <summary>Keeps what a person saw at key moments under artifacts/screenshots for review after a run.</summary>
public static class Screenshots
{
    public static async Task SaveAsync(IPage page, string name)
    {
        var folder = Path.Combine(TestEnvironment.RepoRoot, "artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }
}

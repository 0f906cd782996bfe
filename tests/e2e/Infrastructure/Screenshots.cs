using Microsoft.Playwright;

namespace Console.E2ETests.Infrastructure;

/// <summary>Keeps what a person saw at key moments under artifacts/screenshots for review after a run.</summary>
public static class Screenshots
{
    /// <summary>Saves artifacts/screenshots/<paramref name="name"/>.png; the name may hold a sub-folder ("pages/history-390px").</summary>
    public static async Task SaveAsync(IPage page, string name)
    {
        var file = Path.Combine(TestRepository.Root, "artifacts", "screenshots", name + ".png");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
    }
}

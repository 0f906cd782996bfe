using System.Text.RegularExpressions;
using Console.E2ETests.Infrastructure;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Console.E2ETests.Accessibility;

/// <summary>What one page showed one person at one width: axe's serious and critical findings, and whether the page
/// itself scrolled sideways.</summary>
public sealed record PageFinding(string Role, string Page, string Path, int Width, IReadOnlyList<string> Violations, string? Overflow)
{
    /// <summary>Seen with the dark theme (switched on in the top bar); the width is not checked again then.</summary>
    public bool Dark { get; init; }

    public bool Clean => Violations.Count == 0 && Overflow is null;

    /// <summary>How the report names this view: "1280", "390" or "1280-dark".</summary>
    public string View => Dark ? $"{Width}-dark" : $"{Width}";

    public override string ToString() =>
        $"{Page} ({Path}) as {Role} at {Width} px{(Dark ? " in the dark theme" : "")}:"
        + string.Concat(Violations.Select(v => "\n    axe " + v))
        + (Overflow is null ? "" : "\n    scrolls sideways: " + Overflow);
}

/// <summary>
/// Checks a page at the two widths people use (a 1280 px desktop, a 390 px phone): axe-core's serious and critical
/// violations, horizontal scrolling of the document, and a full-page screenshot of each under artifacts/screenshots;
/// then, the first time a page with the console's top bar is met, axe once more at 1280 px with the dark theme on.
/// </summary>
public static partial class PageAudit
{
    public static readonly int[] Widths = [1280, 390];

    private static readonly HashSet<string> Blocking = new(StringComparer.OrdinalIgnoreCase) { "serious", "critical" };

    // Pages already checked at the phone width (and photographed) in this run.
    private static readonly HashSet<string> Seen = [];

    private static readonly AxeRunOptions Options = new() { ResultTypes = [ResultType.Violations] };

    /// <summary>
    /// Checks the page open in <paramref name="page"/> at 1280 px; the first time a page is met in the run (by any role)
    /// also at 390 px, with a screenshot at each width. The phone pass once per page keeps the run short: what a role
    /// changes on a page (a button more or less) is checked at the desktop width for every role.
    /// </summary>
    public static async Task<IReadOnlyList<PageFinding>> CheckAsync(IPage page, string role, string name, string path)
    {
        bool first;
        lock (Seen)
            first = Seen.Add(name);
        var findings = new List<PageFinding>();
        foreach (var width in first ? Widths : Widths[..1])
        {
            if (page.ViewportSize?.Width != width)
                await page.SetViewportSizeAsync(width, 900);
            await SettledAsync(page, width);
            findings.Add(new PageFinding(role, name, path, width, await BlockingViolationsAsync(page), await OverflowAsync(page)));
            if (first)
                await Screenshots.SaveAsync(page, $"pages/{name}-{width}px");
        }

        if (page.ViewportSize?.Width != Widths[0])
            await page.SetViewportSizeAsync(Widths[0], 900);

        // The theme changes colours only: one axe run at the desktop width, on the page as it stands (no reload), the
        // first time the run meets the page, as the phone width: a role changes which buttons show, not their colours,
        // and a dark pass per role cost about two minutes of a CI run that must stay under fifteen.
        var darkMode = page.GetByTestId("dark-mode");
        if (first && await darkMode.CountAsync() == 1)
        {
            await page.EvaluateAsync(NoTransitions, true);
            await SwitchThemeAsync(darkMode, dark: true);
            findings.Add(new PageFinding(role, name, path, Widths[0], await BlockingViolationsAsync(page), null) { Dark = true });
            await SwitchThemeAsync(darkMode, dark: false);
            await page.EvaluateAsync(NoTransitions, false);
        }

        return findings;
    }

    private static async Task<List<string>> BlockingViolationsAsync(IPage page) =>
        [.. (await page.RunAxe(Options)).Violations.Where(v => v.Impact is { } impact && Blocking.Contains(impact)).Select(Describe)];

    /// <summary>
    /// Colours change at once while the theme is switched for the audit: axe measuring during the theme's transition
    /// found colours of neither theme (3.2:1 labels), and waiting the transitions out twice a page cost time.
    /// </summary>
    private const string NoTransitions = """
        on => {
          const id = 'axe-no-transitions';
          document.getElementById(id)?.remove();
          if (!on) return;
          const style = document.createElement('style');
          style.id = id;
          style.textContent = '*, *::before, *::after { transition: none !important; }';
          document.head.appendChild(style);
        }
        """;

    /// <summary>The top bar's theme button, pressed without moving the mouse onto it (its tooltip would be audited too).</summary>
    private static async Task SwitchThemeAsync(ILocator darkMode, bool dark)
    {
        var pressed = dark ? "true" : "false";
        if (await darkMode.GetAttributeAsync("aria-pressed") != pressed)
            await darkMode.DispatchEventAsync("click");
        await Assertions.Expect(darkMode).ToHaveAttributeAsync("aria-pressed", pressed);
    }

    private static string Describe(AxeResultItem violation) =>
        $"{violation.Impact} {violation.Id}: {violation.Help} at "
        + string.Join("; ", violation.Nodes.Take(4).Select(n => n.Target?.ToString() + " " + Shorten(n.Html)))
        + (violation.Nodes.Length > 4 ? $" (+{violation.Nodes.Length - 4} more)" : "")
        + Colours(violation);

    /// <summary>For a contrast violation, the distinct colour pairs axe measured ("3.2:1 #8e8e94 on #373740"): what to change.</summary>
    private static string Colours(AxeResultItem violation)
    {
        var pairs = violation.Nodes
            .SelectMany(n => n.Any ?? [])
            .Select(check => ContrastMessage().Match(check.Message ?? ""))
            .Where(m => m.Success)
            .Select(m => $"{m.Groups[1].Value}:1 {m.Groups[2].Value} on {m.Groups[3].Value}")
            .Distinct()
            .ToList();
        return pairs.Count == 0 ? "" : " [" + string.Join(", ", pairs) + "]";
    }

    [GeneratedRegex(@"contrast of ([0-9.]+) \(foreground color: (#[0-9a-f]+), background color: (#[0-9a-f]+)")]
    private static partial Regex ContrastMessage();

    private static string Shorten(string? html) => html is null ? "" : html.Length <= 140 ? html : html[..140] + "…";

    /// <summary>The document wider than the window, and the widest element that sticks out, or null when it fits.</summary>
    private static Task<string?> OverflowAsync(IPage page) => page.EvaluateAsync<string?>("""
        () => {
          const root = document.documentElement;
          if (root.clientWidth >= 1024) {
            // At desktop widths a table's columns must fit too: a table scrolling inside its box hides columns.
            for (const box of document.querySelectorAll('.mud-table-container')) {
              if (box.scrollWidth > box.clientWidth + 1) {
                const id = box.closest('[data-testid]')?.getAttribute('data-testid') ?? box.id;
                return `table ${id} is ${box.scrollWidth} px wide in a ${box.clientWidth} px box`;
              }
            }
          }
          if (root.scrollWidth <= root.clientWidth) return null;
          let widest = null, right = root.clientWidth;
          for (const el of document.body.querySelectorAll('*')) {
            const r = el.getBoundingClientRect();
            if (r.right > right + 0.5) { right = r.right; widest = el; }
          }
          const what = widest ? widest.tagName.toLowerCase() + (widest.className && typeof widest.className === 'string'
            ? '.' + widest.className.trim().split(/\s+/).slice(0, 3).join('.') : '') : 'unknown';
          return `document ${root.scrollWidth} px in a ${root.clientWidth} px window; widest: ${what} to ${Math.round(right)} px`;
        }
        """);

    /// <summary>
    /// Waits until the page has drawn what it loads (no progress bar, the drawer in the state this width gives it): axe
    /// and the width check must see the page people see, not its loading state.
    /// </summary>
    private static async Task SettledAsync(IPage page, int width)
    {
        await page.Locator("h1").First.WaitForAsync();
        await Eventually.Until(
            () => page.EvaluateAsync<bool>("""
                wide => {
                  if (document.querySelector('.mud-progress-linear, .mud-progress-circular, .mud-skeleton')) return false;
                  const drawer = document.querySelector('.mud-drawer');
                  // MudBlazor's responsive drawer docks at desktop widths and is closed (an overlay) on a phone.
                  return !drawer || (wide ? !drawer.classList.contains('mud-drawer--closed') : !drawer.classList.contains('mud-drawer--open'));
                }
                """, width >= 960),
            settled => settled, $"{page.Url} to finish loading at {width} px", TimeSpan.FromSeconds(20));
    }
}

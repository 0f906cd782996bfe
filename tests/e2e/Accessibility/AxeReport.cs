using System.Text;
using System.Text.RegularExpressions;
using Console.E2ETests.Infrastructure;

namespace Console.E2ETests.Accessibility;

/// <summary>
/// The accessibility result of every page for every role, as a table that can be quoted:
/// artifacts/accessibility/axe.md, rebuilt from one file per role (artifacts/accessibility/roles/ROLE.tsv) each time a
/// run (a role's walk) ends, so running one role again updates only its rows.
/// </summary>
public static partial class AxeReport
{
    private static string Folder => Path.Combine(TestRepository.Root, "artifacts", "accessibility");

    public static string TablePath => Path.Combine(Folder, "axe.md");

    public static void Write(string run, IEnumerable<PageFinding> findings)
    {
        var roles = Path.Combine(Folder, "roles");
        Directory.CreateDirectory(roles);
        var rows = findings
            .GroupBy(f => (f.Page, f.Path, f.Role))
            .Select(page => string.Join('\t',
                page.Key.Page,
                Guids().Replace(page.Key.Path, "{id}"),
                page.Key.Role,
                string.Join(' ', page.Select(f => $"{f.View}:{f.Violations.Count}")),
                string.Join(' ', page.Where(f => !f.Dark).Select(f => $"{f.Width}:{(f.Overflow is null ? "fits" : "scrolls")}"))));
        File.WriteAllLines(Path.Combine(roles, Safe(run) + ".tsv"), rows);

        var table = new StringBuilder()
            .AppendLine("# axe-core 4.14 (Deque.AxeCore.Playwright): serious and critical violations per page and role")
            .AppendLine()
            .AppendLine("Written by `scripts/test --e2e-only --filter-method '*Axe_*'` (tests/e2e/Accessibility). Counts are per view")
            .AppendLine("(1280 px desktop for every role; 390 px phone the first time the run meets a page; the dark theme at 1280 px the first\n"
                + "time the run meets a page with the top bar); \"fits\" means neither the page nor a table on it scrolls sideways (light theme).")
            .AppendLine()
            .AppendLine("| page | path | role | serious/critical per view | width |")
            .AppendLine("|---|---|---|---|---|");
        var all = Directory.GetFiles(roles, "*.tsv").Order(StringComparer.Ordinal)
            .SelectMany(File.ReadLines)
            .Select(line => line.Split('\t'))
            .Where(cells => cells.Length == 5)
            .OrderBy(cells => cells[1], StringComparer.Ordinal).ThenBy(cells => cells[2], StringComparer.Ordinal);
        foreach (var cells in all)
        {
            var counts = cells[3].Split(' ').Select(c => $"{c[..c.IndexOf(':')]}: {c[(c.IndexOf(':') + 1)..]}");
            var widths = cells[4].Split(' ').Select(c => c[(c.IndexOf(':') + 1)..]).Distinct().ToList();
            table.AppendLine($"| {cells[0]} | `{cells[1]}` | {cells[2]} | {string.Join(", ", counts)} | {(widths is ["fits"] ? "fits" : string.Join(", ", cells[4].Split(' ')))} |");
        }

        File.WriteAllText(TablePath, table.ToString());
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?<=/events/)[0-9]+")]
    private static partial Regex Guids();

    private static string Safe(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c == '-' ? c : '_'));
}

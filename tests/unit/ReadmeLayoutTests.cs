using Shouldly;
using Xunit;

namespace Console.UnitTests;

/// <summary>
/// The README's "Layout" block is the map a newcomer reads first: every path it names must exist, and every project
/// folder under src/, tests/, bench/ and infra/ must be on it.
/// </summary>
public sealed class ReadmeLayoutTests
{
    private static readonly string[] MappedFolders = ["src", "tests", "bench", "infra"];

    [Fact]
    public void Layout_EveryPathItNames_Exists()
    {
        var missing = LayoutPaths().Where(p => !Directory.Exists(Full(p)) && !File.Exists(Full(p))).ToList();

        missing.ShouldBeEmpty("the README's layout names paths that are not in the repository");
    }

    [Fact]
    public void Layout_NamesEveryFolderUnderSrcTestsBenchAndInfra()
    {
        var named = LayoutPaths().Select(p => p.TrimEnd('/')).ToHashSet(StringComparer.Ordinal);

        var unnamed = MappedFolders
            .SelectMany(top => Directory.GetDirectories(Full(top)))
            .Select(dir => Path.GetRelativePath(TestRepository.Root, dir).Replace('\\', '/'))
            .Where(dir => !named.Contains(dir))
            .Order(StringComparer.Ordinal)
            .ToList();

        unnamed.ShouldBeEmpty("these folders are missing from the README's layout");
    }

    [Fact]
    public void Layout_IsFound()
    {
        // Without this, a renamed heading or fence would make the two checks above pass on an empty list.
        LayoutPaths().ShouldContain("src/Console.Workflows");
    }

    /// <summary>The first word of each line of the fenced block under "## Layout" that starts at the margin.</summary>
    private static List<string> LayoutPaths()
    {
        var lines = File.ReadAllLines(Full("README.md"));
        var heading = Array.IndexOf(lines, "## Layout");
        heading.ShouldBeGreaterThanOrEqualTo(0, "the README has no \"## Layout\" section");
        var open = Array.FindIndex(lines, heading, l => l.StartsWith("```", StringComparison.Ordinal));
        var close = Array.FindIndex(lines, open + 1, l => l.StartsWith("```", StringComparison.Ordinal));
        return
        [
            .. lines[(open + 1)..close]
                .Where(l => l.Length > 0 && !char.IsWhiteSpace(l[0]))
                .Select(l => l.Split(' ', 2)[0]),
        ];
    }

    private static string Full(string relative) => Path.Combine(TestRepository.Root, relative);
}

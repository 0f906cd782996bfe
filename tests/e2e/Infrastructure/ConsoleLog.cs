using System.Text;

namespace Console.E2ETests.Infrastructure;

/// <summary>Reads the console's own output (.NET's simple console format: "warn: Category[id]" and indented lines after it).</summary>
public static class ConsoleLog
{
    private static readonly string[] Levels = ["trce: ", "dbug: ", "info: ", "warn: ", "fail: ", "crit: "];

    /// <summary>The entries of <paramref name="output"/> at warning, error or critical, each whole; "none" when there are none.</summary>
    public static string WarningsAndAbove(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var kept = new StringBuilder();
        var keeping = false;
        foreach (var line in output.Split('\n'))
        {
            if (Levels.Any(level => line.StartsWith(level, StringComparison.Ordinal)))
                keeping = Array.IndexOf(Levels, line[..6]) >= 3;
            if (keeping)
                kept.AppendLine(line.TrimEnd('\r'));
        }

        return kept.Length == 0 ? "none" : kept.ToString();
    }
}

using System.Text;
using System.Text.RegularExpressions;

namespace Console.E2ETests.Infrastructure;

/// <summary>
/// Reads the console's own output: Serilog's "[HH:mm:ss LVL] message" lines (Hosting/Observability.cs), each followed
/// by the lines of its exception, if any.
/// </summary>
public static partial class ConsoleLog
{
    /// <summary>The entries of <paramref name="output"/> at warning, error or fatal, each whole; "none" when there are none.</summary>
    public static string WarningsAndAbove(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var kept = new StringBuilder();
        var keeping = false;
        foreach (var line in output.Split('\n'))
        {
            if (EntryStart().Match(line) is { Success: true } start)
                keeping = start.Groups["level"].Value is "WRN" or "ERR" or "FTL";
            if (keeping)
                kept.AppendLine(line.TrimEnd('\r'));
        }

        return kept.Length == 0 ? "none" : kept.ToString();
    }

    [GeneratedRegex(@"^\[\d{2}:\d{2}:\d{2} (?<level>VRB|DBG|INF|WRN|ERR|FTL)\] ")]
    private static partial Regex EntryStart();
}

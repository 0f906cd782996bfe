using System.Diagnostics;

namespace Console.Testing;

/// <summary>
/// Runs one of the repository's infra scripts the way the run and test commands do (they print their settings as
/// NAME=value lines on stdout) and returns those lines; a failing script fails the test with what it said.
/// </summary>
internal static class InfraScript
{
    public static IReadOnlyList<string> Settings(string repositoryRoot, string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(repositoryRoot, script), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{script} {string.Join(' ', arguments)} failed ({process.ExitCode}): {errors.Result}");
        return [.. output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l.Contains('=', StringComparison.Ordinal))];
    }
}

using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Console.Bench;

/// <summary>
/// CPU seconds spent by this process and by the bench's PostgreSQL server (the postmaster, its live children, and the
/// children it has reaped), read from /proc. On a shared machine a wall time says as much about the neighbours as about
/// the code; CPU seconds per run do not.
/// </summary>
public sealed class CpuMeter
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    private readonly int? _postmaster;

    private CpuMeter(int? postmaster) => _postmaster = postmaster;

    public static async Task<CpuMeter> ForServerOfAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select pg_backend_pid()", connection);
        var backend = (int)(await command.ExecuteScalarAsync())!;
        // Only when the server runs on this machine (its backend is visible here).
        return new CpuMeter(Stat(backend) is { } stat ? stat.Parent : null);
    }

    /// <summary>(this process, the server) CPU seconds so far; the server's is NaN when it cannot be seen.</summary>
    public (double Client, double Server) Now()
    {
        var client = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        if (_postmaster is not { } postmaster || Stat(postmaster) is not { } main)
            return (client, double.NaN);
        var ticks = main.Own + main.Reaped;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && Stat(pid) is { } child && child.Parent == postmaster)
                ticks += child.Own;
        }

        return (client, ticks / TicksPerSecond);
    }

    private static (int Parent, long Own, long Reaped)? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            // The command name is in parentheses and may hold spaces: the fields start after the last ')'.
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
            return ((int)Field(4), Field(14) + Field(15), Field(16) + Field(17));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}

using System.Globalization;

namespace Console.Bench.Chaos;

/// <summary>The crash campaign's settings (<c>scripts/chaos</c>), from its command line and the script's environment.</summary>
public sealed record ChaosOptions(int Nodes, int Requests, int Kills, int OperationMinMs, int OperationMaxMs, int Seed)
{
    /// <summary>Requests kept unfinished at once while the campaign runs (about four per node with two nodes, so every kill meets work in flight).</summary>
    public int InFlight { get; init; } = 8;

    /// <summary>Random pause between a restarted node answering and the next kill.</summary>
    public (int Min, int Max) PauseSeconds { get; init; } = (3, 15);

    /// <summary>How long the campaign waits, after the last kill, for every request to reach a final state.</summary>
    public TimeSpan SettleTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Whether PostgreSQL is restarted once, halfway through the kills.</summary>
    public bool RestartDatabase { get; init; } = true;

    public static ChaosOptions Parse(string[] args)
    {
        var options = new ChaosOptions(2, 20, 100, 10_000, 30_000, Environment.TickCount);
        for (var i = 0; i < args.Length; i++)
        {
            options = args[i] switch
            {
                "--chaos" => options,
                "--nodes" => options with { Nodes = Math.Max(2, Int(args[++i])) },
                "--requests" => options with { Requests = Math.Max(1, Int(args[++i])) },
                "--kills" => options with { Kills = Math.Max(0, Int(args[++i])) },
                "--operation-ms" => Range(options, args[++i]),
                "--in-flight" => options with { InFlight = Math.Max(1, Int(args[++i])) },
                "--seed" => options with { Seed = Int(args[++i]) },
                "--settle-minutes" => options with { SettleTimeout = TimeSpan.FromMinutes(Math.Max(1, Int(args[++i]))) },
                "--no-database-restart" => options with { RestartDatabase = false },
                _ => throw new ArgumentException(
                    $"unknown option {args[i]} (--nodes N, --requests M, --kills K, --operation-ms MIN-MAX, --in-flight N, --seed S, --settle-minutes N, --no-database-restart)"),
            };
        }

        return options;
    }

    private static ChaosOptions Range(ChaosOptions options, string value)
    {
        var parts = value.Split('-', 2);
        var min = Int(parts[0]);
        var max = parts.Length == 2 ? Int(parts[1]) : min;
        return options with { OperationMinMs = Math.Max(0, min), OperationMaxMs = Math.Max(min, max) };
    }

    private static int Int(string value) => int.Parse(value, CultureInfo.InvariantCulture);
}

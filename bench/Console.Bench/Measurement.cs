using System.Diagnostics;

namespace Console.Bench;

/// <summary>Latencies of one scenario and the wall time it took, reduced to throughput and percentiles.</summary>
public sealed class Measurement(string name)
{
    private readonly List<double> _milliseconds = [];

    public string Name { get; } = name;

    public TimeSpan Wall { get; private set; }

    public int Count => _milliseconds.Count;

    public int Failures { get; private set; }

    public double PerSecond => Count / Wall.TotalSeconds;

    public double Max => _milliseconds.Count == 0 ? double.NaN : _milliseconds.Max();

    /// <summary>Latencies measured elsewhere (not by timing a call here).</summary>
    public static Measurement Of(string name, IEnumerable<double> milliseconds, TimeSpan wall)
    {
        var measurement = new Measurement(name) { Wall = wall };
        measurement._milliseconds.AddRange(milliseconds);
        return measurement;
    }

    /// <summary>How many calls took longer than <paramref name="milliseconds"/>.</summary>
    public int Over(double milliseconds) => _milliseconds.Count(m => m > milliseconds);

    public double Percentile(double p)
    {
        if (_milliseconds.Count == 0)
        {
            return double.NaN;
        }

        var sorted = _milliseconds.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    /// <summary>
    /// Runs <paramref name="operation"/> once per item with <paramref name="concurrency"/> workers, timing each call.
    /// An operation returns false when the system refused it (counted as a failure, not as a latency).
    /// </summary>
    public static async Task<Measurement> RunAsync<T>(
        string name, IReadOnlyList<T> items, int concurrency, Func<T, Task<bool>> operation)
    {
        var measurement = new Measurement(name);
        var next = -1;
        var wall = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            var local = new List<double>();
            var failures = 0;
            int i;
            while ((i = Interlocked.Increment(ref next)) < items.Count)
            {
                var started = Stopwatch.GetTimestamp();
                var ok = await operation(items[i]);
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (ok)
                {
                    local.Add(elapsed);
                }
                else
                {
                    failures++;
                }
            }

            lock (measurement._milliseconds)
            {
                measurement._milliseconds.AddRange(local);
                measurement.Failures += failures;
            }
        }).ToArray();
        await Task.WhenAll(workers);
        measurement.Wall = wall.Elapsed;
        return measurement;
    }
}

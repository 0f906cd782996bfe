using System.Collections.Concurrent;

namespace Console.Workflows.Audit.Access;

/// <summary>
/// Keeps a person who hammers a forbidden page or command from flooding the event store: the same refusal (same
/// person, operation and resource) is recorded at most once per window. The repeats in between are not lost: the next
/// recorded refusal carries how many there were (<see cref="AccessRefused.RepeatsBefore"/>).
/// </summary>
public sealed class RefusalThrottle(TimeSpan window)
{
    /// <summary>Above this many remembered refusals, the ones whose window has passed are forgotten.</summary>
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<(string UserId, string Operation, string Resource), Entry> _seen = new();

    public TimeSpan Window { get; } = window > TimeSpan.Zero ? window : throw new ArgumentOutOfRangeException(nameof(window));

    /// <summary>
    /// Whether this refusal is to be recorded now; if so, <paramref name="repeatsBefore"/> is the number of identical
    /// refusals since the last recorded one that were not recorded.
    /// </summary>
    public bool ShouldRecord(string userId, string operation, string resource, DateTimeOffset now, out int repeatsBefore)
    {
        var key = (userId, operation, resource);
        var record = false;
        var repeats = 0;
        _seen.AddOrUpdate(
            key,
            _ =>
            {
                record = true;
                return new Entry(now, 0);
            },
            (_, entry) =>
            {
                if (now - entry.RecordedAt >= Window)
                {
                    record = true;
                    repeats = entry.Suppressed;
                    return new Entry(now, 0);
                }

                record = false;
                return entry with { Suppressed = entry.Suppressed + 1 };
            });
        repeatsBefore = repeats;
        if (record && _seen.Count > PruneAbove)
            Prune(now);
        return record;
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, entry) in _seen)
        {
            if (now - entry.RecordedAt >= Window && entry.Suppressed == 0)
                _seen.TryRemove(key, out _);
        }
    }

    private sealed record Entry(DateTimeOffset RecordedAt, int Suppressed);
}

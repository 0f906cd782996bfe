namespace Console.Workflows.Common;

/// <summary>
/// Keeps one loop that answers signals (commits to relay, executions to wake) to at most one turn per interval. A turn
/// after a quiet spell starts at once; under load the next turn waits out the rest of the interval, so it takes what
/// gathered meanwhile in one go instead of one database round trip and transaction per signal.
/// </summary>
public sealed class Pacer(TimeSpan interval, TimeProvider time)
{
    private long? _lastTurn;

    public TimeSpan Interval => interval;

    /// <summary>Waits until a turn may start and counts it as started.</summary>
    public async Task WaitTurnAsync(CancellationToken ct)
    {
        if (_lastTurn is { } last && time.GetElapsedTime(last) is var since && since < interval)
            await Task.Delay(interval - since, time, ct);
        _lastTurn = time.GetTimestamp();
    }
}

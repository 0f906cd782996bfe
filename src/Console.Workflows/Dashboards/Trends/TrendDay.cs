namespace Console.Workflows.Dashboards.Trends;

/// <summary>
/// One day of the dashboard's trends, as it stood at the end of that day (UTC): the day's last sample, or for
/// days before sampling began the number of available snapshots rebuilt from the snapshots' own completion and deletion
/// times. A figure that was neither sampled nor can be rebuilt is null ("not recorded"), never a guess.
/// </summary>
/// <param name="Recorded">The figures come from a sample taken that day (otherwise only the rebuilt count is there).</param>
/// <param name="SampledAt">When that sample was taken.</param>
public sealed record TrendDay(DateOnly Day, long? Available, long? Overdue, long? PendingApprovals, bool Recorded, DateTimeOffset? SampledAt = null);

/// <summary>The last <see cref="TrendRules.Days"/> days, oldest first, one entry per day whether recorded or not.</summary>
public sealed record TrendWindow(DateTimeOffset At, IReadOnlyList<TrendDay> Days)
{
    /// <summary>The first day with a sample (overdue and pending approvals are known from then on), or null.</summary>
    public DateOnly? RecordedSince => Days.FirstOrDefault(d => d.Recorded)?.Day;
}

/// <summary>The pure rules of the trends: which days a window holds, and when today's sample is due again.</summary>
public static class TrendRules
{
    /// <summary>How many days the dashboard shows, today included.</summary>
    public const int Days = 30;

    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.UtcDateTime);

    /// <summary>The first day of the window that ends today.</summary>
    public static DateOnly FirstDay(DateTimeOffset now) => Today(now).AddDays(-(Days - 1));

    /// <summary>
    /// The window ending today, oldest first: each day's stored row, or an empty day (nothing recorded) where there is
    /// none. Rows outside the window are ignored.
    /// </summary>
    public static IReadOnlyList<TrendDay> Window(DateTimeOffset now, IEnumerable<TrendDay> stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var byDay = stored.GroupBy(d => d.Day).ToDictionary(g => g.Key, g => g.Last());
        var first = FirstDay(now);
        return [.. Enumerable.Range(0, Days).Select(i => first.AddDays(i))
            .Select(day => byDay.TryGetValue(day, out var row) ? row : new TrendDay(day, null, null, null, false))];
    }

    /// <summary>
    /// Whether the recorder should sample now: nothing sampled today yet, or the last sample is at least
    /// <paramref name="interval"/> old (each day keeps its last sample, so the day's figure is its value near midnight).
    /// </summary>
    public static bool SampleDue(DateTimeOffset? lastSampleToday, DateTimeOffset now, TimeSpan interval) =>
        lastSampleToday is not { } last || now - last >= interval || last > now;
}

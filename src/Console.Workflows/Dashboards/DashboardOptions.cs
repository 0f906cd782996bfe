using Microsoft.Extensions.Configuration;

namespace Console.Workflows.Dashboards;

/// <summary>Settings of the dashboards (configuration section <c>Dashboards</c>).</summary>
public sealed class DashboardOptions
{
    public const string Section = "Dashboards";

    /// <summary>
    /// How often the retention sweep deletes due snapshots. A snapshot deletable for longer than this is overdue (the
    /// alarm): the sweep should have deleted it. Keep it equal to the sweep's own interval.
    /// </summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often an open dashboard page reads its figures again.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How often the clock step moves snapshots between the retention buckets (held, pinned, kept as last good,
    /// overdue) as time passes. It must divide a minute evenly (a recurring schedule); between steps the reader judges
    /// the few rows that moved itself, so the figures are exact either way and this only bounds that work.
    /// </summary>
    public TimeSpan ClockInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often the clock step samples today's trend figures (available snapshots, overdue, pending approvals); each
    /// day keeps its last sample, so a past day's figure is its value at most this long before midnight.
    /// </summary>
    public TimeSpan TrendSampleInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How many rows one transaction of the clock step judges.</summary>
    public int ClockBatchSize { get; set; } = 5000;

    /// <summary>The clock interval as a six-field cron expression (seconds first).</summary>
    public string ClockCron() => $"*/{(int)ClockInterval.TotalSeconds} * * * * *";

    public static DashboardOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(Section).Get<DashboardOptions>() ?? new DashboardOptions();
        if (options.SweepInterval <= TimeSpan.Zero)
            options.SweepInterval = TimeSpan.FromMinutes(10);
        if (options.RefreshInterval < TimeSpan.FromSeconds(1))
            options.RefreshInterval = TimeSpan.FromSeconds(20);
        var seconds = options.ClockInterval.TotalSeconds;
        if (seconds < 1 || seconds > 30 || seconds != Math.Floor(seconds) || 60 % (int)seconds != 0)
        {
            throw new InvalidOperationException(
                $"{Section}:ClockInterval is {options.ClockInterval}; it must be whole seconds dividing a minute evenly (1 to 30 s), for example 00:00:30.");
        }

        if (options.TrendSampleInterval < TimeSpan.FromSeconds(1) || options.TrendSampleInterval > TimeSpan.FromHours(6))
            throw new InvalidOperationException($"{Section}:TrendSampleInterval must be between 1 second and 6 hours; it is {options.TrendSampleInterval}.");
        if (options.ClockBatchSize is < 100 or > 1_000_000)
            throw new InvalidOperationException($"{Section}:ClockBatchSize must be between 100 and 1,000,000; it is {options.ClockBatchSize}.");
        return options;
    }
}

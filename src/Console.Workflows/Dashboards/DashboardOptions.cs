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

    public static DashboardOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(Section).Get<DashboardOptions>() ?? new DashboardOptions();
        if (options.SweepInterval <= TimeSpan.Zero)
            options.SweepInterval = TimeSpan.FromMinutes(10);
        if (options.RefreshInterval < TimeSpan.FromSeconds(1))
            options.RefreshInterval = TimeSpan.FromSeconds(20);
        return options;
    }
}

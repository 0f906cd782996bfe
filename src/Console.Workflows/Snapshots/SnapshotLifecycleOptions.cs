using System.Globalization;
using Console.Workflows.Keys;
using Microsoft.Extensions.Configuration;

namespace Console.Workflows.Snapshots;

/// <summary>Settings of snapshot protection and retention (configuration section <c>Snapshots</c>).</summary>
public sealed class SnapshotLifecycleOptions
{
    public const string Section = "Snapshots";

    /// <summary>
    /// How often the retention sweep runs; nothing past its maximum age survives longer than this unless kept. It must
    /// divide a minute, an hour or a day evenly (5 minutes, 10 seconds, 2 hours), because it runs on a cron schedule.
    /// </summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many due snapshots the sweep reads and judges at a time.</summary>
    public int SweepBatchSize { get; set; } = 200;

    /// <summary>How many of the sweep's deletions one node carries out at the same time (each waits on the infrastructure).</summary>
    public int DeletionParallelism { get; set; } = 4;

    /// <summary>
    /// PEM file of the ECDSA P-256 key that signs snapshot manifests; default <c>manifest-signing.pem</c> in the
    /// <c>Keys:Folder</c>, created on first use. Several nodes must share the same key.
    /// </summary>
    public string? ManifestSigningKey { get; set; }

    public string ResolvedManifestSigningKey(KeyStoreOptions keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return string.IsNullOrWhiteSpace(ManifestSigningKey) ? Path.Combine(keys.ResolvedFolder, "manifest-signing.pem") : ManifestSigningKey;
    }

    /// <summary>The sweep interval as a six-field cron expression (seconds first), or why it cannot be one.</summary>
    public string SweepCron()
    {
        var i = SweepInterval;
        static string N(double v) => ((int)v).ToString(CultureInfo.InvariantCulture);
        if (i > TimeSpan.Zero && i.Ticks % TimeSpan.TicksPerSecond == 0)
        {
            if (i < TimeSpan.FromMinutes(1) && 60 % i.TotalSeconds == 0)
                return $"*/{N(i.TotalSeconds)} * * * * *";
            if (i < TimeSpan.FromHours(1) && i.Ticks % TimeSpan.TicksPerMinute == 0 && 60 % i.TotalMinutes == 0)
                return $"0 */{N(i.TotalMinutes)} * * * *";
            if (i < TimeSpan.FromDays(1) && i.Ticks % TimeSpan.TicksPerHour == 0 && 24 % i.TotalHours == 0)
                return $"0 0 */{N(i.TotalHours)} * * *";
            if (i == TimeSpan.FromDays(1))
                return "0 0 0 * * *";
        }

        throw new InvalidOperationException(
            $"{Section}:SweepInterval is {i}; it must divide a minute, an hour or a day evenly, for example 00:05:00, 00:00:10 or 02:00:00.");
    }

    public static SnapshotLifecycleOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(Section).Get<SnapshotLifecycleOptions>() ?? new SnapshotLifecycleOptions();
        if (options.SweepBatchSize is < 1 or > 5000)
            throw new InvalidOperationException($"{Section}:SweepBatchSize must be between 1 and 5000; it is {options.SweepBatchSize}.");
        if (options.DeletionParallelism is < 1 or > 64)
            throw new InvalidOperationException($"{Section}:DeletionParallelism must be between 1 and 64; it is {options.DeletionParallelism}.");
        _ = options.SweepCron();
        return options;
    }
}

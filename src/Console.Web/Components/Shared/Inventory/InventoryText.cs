using System.Globalization;
using Console.Web.Components.Shared.Requests;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.Locating;
using MudBlazor;

namespace Console.Web.Components.Shared.Inventory;

/// <summary>How inventory values read and which colour they wear, so every page shows them the same way.</summary>
public static class InventoryText
{
    public static string Kind(EnvironmentKind kind) => kind switch
    {
        EnvironmentKind.CoreDataCentre => "Core data centre",
        EnvironmentKind.RegionalCluster => "Regional cluster",
        EnvironmentKind.EdgeSite => "Edge site",
        EnvironmentKind.PublicCloud => "Public cloud",
        _ => kind.ToString(),
    };

    public static string Attested(DateTimeOffset? at) =>
        at is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "Never";

    /// <summary>A guest's downtime as the hypervisor measured it: "321 ms", "12.4 s".</summary>
    public static string Downtime(TimeSpan downtime) => downtime.TotalSeconds < 10
        ? string.Create(CultureInfo.InvariantCulture, $"{downtime.TotalMilliseconds:0} ms")
        : string.Create(CultureInfo.InvariantCulture, $"{downtime.TotalSeconds:0.0} s");

    /// <summary>A VNF's last migration in words: when it completed, where to, what moved, and the measured downtime.</summary>
    public static string LastMigration(LastMigration migration, string? targetName)
    {
        ArgumentNullException.ThrowIfNull(migration);
        var what = migration.ComponentIds.Count switch
        {
            0 => "",
            1 => " (1 component)",
            var n => $" ({n} components)",
        };
        var downtime = migration.Downtime is { } measured ? $"downtime {Downtime(measured)}" : "downtime not measured";
        return $"{RequestText.At(migration.CompletedAt)} to {targetName ?? "another environment"}{what}: {downtime}";
    }

    public static Color SensitivityColor(Sensitivity sensitivity) => sensitivity switch
    {
        Sensitivity.Critical => Color.Error,
        Sensitivity.Sensitive => Color.Warning,
        Sensitivity.Internal => Color.Info,
        _ => Color.Default,
    };

    public static Color TrustLevelColor(TrustLevel level) => level switch
    {
        TrustLevel.High => Color.Success,
        TrustLevel.Medium => Color.Info,
        TrustLevel.Low => Color.Warning,
        _ => Color.Error,
    };

    public static Color AttestationColor(AttestationStatus status) => status switch
    {
        AttestationStatus.Attested => Color.Success,
        AttestationStatus.Failed => Color.Error,
        AttestationStatus.Expired => Color.Warning,
        _ => Color.Default,
    };
}

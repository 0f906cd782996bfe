using System.Globalization;
using Console.Workflows.Inventory;
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

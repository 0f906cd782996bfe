namespace Console.Workflows.Inventory;

/// <summary>A VNF entered the inventory; its components follow as <see cref="VnfComponentAdded"/> in the same stream.</summary>
public sealed record VnfRegistered(
    Guid VnfId, string Name, VnfType Type, string Vendor, string SoftwareVersion, Guid EnvironmentId, string By, DateTimeOffset At);

public sealed record VnfDetailsChanged(
    Guid VnfId, string Name, VnfType Type, string Vendor, string SoftwareVersion, string By, DateTimeOffset At);

public sealed record VnfComponentAdded(
    Guid VnfId, Guid ComponentId, string Name, Sensitivity Sensitivity, Guid TrustDomainId, string By, DateTimeOffset At);

public sealed record VnfComponentChanged(
    Guid VnfId, Guid ComponentId, string Name, Sensitivity Sensitivity, Guid TrustDomainId, string By, DateTimeOffset At);

public sealed record VnfComponentRemoved(Guid VnfId, Guid ComponentId, string Name, string By, DateTimeOffset At);

/// <summary>
/// The VNF now runs in another execution environment: an inventory correction today, the last step of a migration later.
/// </summary>
public sealed record VnfMoved(
    Guid VnfId, Guid FromEnvironmentId, Guid ToEnvironmentId, string Reason, string By, DateTimeOffset At);

/// <summary>
/// Some components now run in another environment than before (the last step of a partial migration). When every
/// component ends up in the target, the VNF as a whole runs there.
/// </summary>
public sealed record ComponentsMoved(
    Guid VnfId,
    IReadOnlyList<Guid> ComponentIds,
    Guid FromEnvironmentId,
    Guid ToEnvironmentId,
    string Reason,
    string By,
    DateTimeOffset At);

public sealed partial record Vnf
{
    public static Vnf Create(VnfRegistered e) =>
        new(e.VnfId, e.Name, e.Type, e.Vendor, e.SoftwareVersion, e.EnvironmentId, []);

    public Vnf Apply(VnfDetailsChanged e) =>
        this with { Name = e.Name, Type = e.Type, Vendor = e.Vendor, SoftwareVersion = e.SoftwareVersion };

    public Vnf Apply(VnfComponentAdded e) =>
        this with { Components = [.. Components, new VnfComponent(e.ComponentId, e.Name, e.Sensitivity, e.TrustDomainId)] };

    public Vnf Apply(VnfComponentChanged e) =>
        this with
        {
            // A change of name, sensitivity or domain keeps where the component runs.
            Components = [.. Components.Select(c => c.Id == e.ComponentId
                ? c with { Name = e.Name, Sensitivity = e.Sensitivity, TrustDomainId = e.TrustDomainId }
                : c)],
        };

    public Vnf Apply(VnfComponentRemoved e) =>
        this with { Components = [.. Components.Where(c => c.Id != e.ComponentId)] };

    // Moving the VNF moves every component that ran with it; components placed apart stay where they are.
    public Vnf Apply(VnfMoved e) =>
        this with
        {
            EnvironmentId = e.ToEnvironmentId,
            Components = [.. Components.Select(c => c.EnvironmentId == e.ToEnvironmentId ? c with { EnvironmentId = null } : c)],
        };

    public Vnf Apply(ComponentsMoved e)
    {
        var moved = e.ComponentIds.ToHashSet();
        var components = Components
            .Select(c => moved.Contains(c.Id) ? c with { EnvironmentId = e.ToEnvironmentId } : c)
            .ToList();
        if (components.All(c => (c.EnvironmentId ?? EnvironmentId) == e.ToEnvironmentId))
            return this with { EnvironmentId = e.ToEnvironmentId, Components = [.. components.Select(c => c with { EnvironmentId = null })] };
        return this with { Components = components };
    }
}

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
            Components = [.. Components.Select(c => c.Id == e.ComponentId
                ? new VnfComponent(e.ComponentId, e.Name, e.Sensitivity, e.TrustDomainId)
                : c)],
        };

    public Vnf Apply(VnfComponentRemoved e) =>
        this with { Components = [.. Components.Where(c => c.Id != e.ComponentId)] };

    public Vnf Apply(VnfMoved e) => this with { EnvironmentId = e.ToEnvironmentId };
}

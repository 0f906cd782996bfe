namespace Console.Workflows.Inventory;

/// <summary>How much harm a leak or tampering of a component would do; drives placement and approval rules.</summary>
public enum Sensitivity
{
    Public = 0,
    Internal = 1,
    Sensitive = 2,
    Critical = 3,
}

/// <summary>How far the operator trusts an execution environment; higher is more trusted.</summary>
public enum TrustLevel
{
    Untrusted = 0,
    Low = 1,
    Medium = 2,
    High = 3,
}

public enum AttestationStatus
{
    Unknown = 0,
    Attested = 1,
    Failed = 2,
    Expired = 3,
}

public enum EnvironmentKind
{
    CoreDataCentre = 0,
    RegionalCluster = 1,
    EdgeSite = 2,
    PublicCloud = 3,
}

/// <summary>5G core network function types (3GPP TS 23.501).</summary>
public enum VnfType
{
    AMF,
    SMF,
    UPF,
    UDM,
    UDR,
    AUSF,
    NRF,
    PCF,
    NSSF,
    NEF,
    SEPP,
}

public sealed partial record TrustDomain(Guid Id, string Name, string OwnerGroup, string Description)
{
    public int Version { get; init; }
}

public sealed partial record ExecutionEnvironment(
    Guid Id,
    string Name,
    EnvironmentKind Kind,
    string Location,
    TrustLevel TrustLevel,
    AttestationStatus AttestationStatus,
    DateTimeOffset? LastAttestedAt)
{
    public int Version { get; init; }

    /// <summary>
    /// The trust domain that operates this environment; a migration into an environment operated by another domain
    /// than the components' own crosses trust domains. Null for environments registered before domains were assigned.
    /// </summary>
    public Guid? OperatorDomainId { get; init; }
}

/// <summary>A VNF component (VNFC). Its trust domain and sensitivity travel with it through snapshots and moves.</summary>
public sealed record VnfComponent(Guid Id, string Name, Sensitivity Sensitivity, Guid TrustDomainId)
{
    /// <summary>Where this component runs when it was moved apart from its VNF; null means where the VNF runs.</summary>
    public Guid? EnvironmentId { get; init; }
}

public sealed partial record Vnf(
    Guid Id,
    string Name,
    VnfType Type,
    string Vendor,
    string SoftwareVersion,
    Guid EnvironmentId,
    IReadOnlyList<VnfComponent> Components)
{
    public int Version { get; init; }

    public Sensitivity HighestSensitivity =>
        Components.Count == 0 ? Sensitivity.Public : Components.Max(c => c.Sensitivity);

    /// <summary>Numeric form of <see cref="HighestSensitivity"/>, stored so the database can sort by it.</summary>
    public int HighestSensitivityRank => (int)HighestSensitivity;

    /// <summary>The environment a component actually runs in.</summary>
    public Guid PlacementOf(VnfComponent c) => c.EnvironmentId ?? EnvironmentId;
}

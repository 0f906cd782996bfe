using Console.Workflows.Inventory;

namespace Console.UnitTests.Web.Fakes;

/// <summary>The inventory the fake reader reads and the fake commands change; builders keep test setup short.</summary>
public sealed class InMemoryInventory
{
    public List<TrustDomain> TrustDomains { get; } = [];

    public List<ExecutionEnvironment> Environments { get; } = [];

    public List<Vnf> Vnfs { get; } = [];

    public TrustDomain AddTrustDomain(string name, string ownerGroup = "Core Network Ops", string description = "")
    {
        var domain = new TrustDomain(Guid.NewGuid(), name, ownerGroup, description) { Version = 1 };
        TrustDomains.Add(domain);
        return domain;
    }

    public ExecutionEnvironment AddEnvironment(
        string name,
        TrustLevel trustLevel = TrustLevel.High,
        EnvironmentKind kind = EnvironmentKind.CoreDataCentre,
        string location = "Frankfurt",
        AttestationStatus attestation = AttestationStatus.Attested,
        DateTimeOffset? lastAttestedAt = null,
        Guid? operatorDomainId = null)
    {
        var environment = new ExecutionEnvironment(
            Guid.NewGuid(), name, kind, location, trustLevel, attestation,
            lastAttestedAt ?? (attestation == AttestationStatus.Unknown ? null : new DateTimeOffset(2025, 11, 20, 8, 30, 0, TimeSpan.Zero)))
        { Version = 1, OperatorDomainId = operatorDomainId };
        Environments.Add(environment);
        return environment;
    }

    public Vnf AddVnf(
        string name,
        VnfType type,
        ExecutionEnvironment environment,
        params (string Name, Sensitivity Sensitivity, TrustDomain Domain)[] components) =>
        AddVnf(name, type, "Nokia", "23.4.1", environment, components);

    public Vnf AddVnf(
        string name,
        VnfType type,
        string vendor,
        string softwareVersion,
        ExecutionEnvironment environment,
        params (string Name, Sensitivity Sensitivity, TrustDomain Domain)[] components)
    {
        var vnf = new Vnf(
            Guid.NewGuid(), name, type, vendor, softwareVersion, environment.Id,
            [.. components.Select(c => new VnfComponent(Guid.NewGuid(), c.Name, c.Sensitivity, c.Domain.Id))])
        { Version = 1 };
        Vnfs.Add(vnf);
        return vnf;
    }

    public ExecutionEnvironment Environment(Guid id) => Environments.Single(e => e.Id == id);

    public TrustDomain TrustDomain(Guid id) => TrustDomains.Single(d => d.Id == id);
}

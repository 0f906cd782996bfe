using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Requests;
using Marten;

namespace Console.IntegrationTests.Workflows.Runtime;

/// <summary>
/// An inventory of its own for each test (names carry a suffix, so tests sharing a database never collide), the
/// people who act on it, and waiting for the workflow with a deadline.
/// </summary>
internal sealed class RuntimeScenario
{
    private static readonly DateTimeOffset Long = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);

    private RuntimeScenario(string suffix)
    {
        Suffix = suffix;
        PartnerOwners = $"owners-partner-{suffix}";
        Operator = new($"operator-{suffix}", "Olga Operator", new HashSet<string> { Roles.NocOperator });
        Security = new($"security-{suffix}", "Sven Security", new HashSet<string> { Roles.SecurityOfficer });
        // Owner-group membership decides which group an approver fills; the approver role decides whether they may.
        PartnerOwner = new($"partner-{suffix}", "Paula Partner", new HashSet<string> { Roles.NocApprover })
        {
            Groups = new HashSet<string> { PartnerOwners },
        };
    }

    public string Suffix { get; }

    public string PartnerOwners { get; }

    public Actor Operator { get; }

    public Actor Security { get; }

    public Actor PartnerOwner { get; }

    public Guid CoreDomain { get; } = Guid.NewGuid();

    public Guid PartnerDomain { get; } = Guid.NewGuid();

    /// <summary>High trust, attested, operated by the core domain; the VNF runs here.</summary>
    public Guid DcA { get; } = Guid.NewGuid();

    /// <summary>High trust, attested, operated by the core domain.</summary>
    public Guid DcB { get; } = Guid.NewGuid();

    /// <summary>High trust, attested, operated by the partner domain.</summary>
    public Guid PartnerDc { get; } = Guid.NewGuid();

    /// <summary>Low trust, attested, core domain.</summary>
    public Guid Edge { get; } = Guid.NewGuid();

    public Guid Vnf { get; } = Guid.NewGuid();

    public Guid N2 { get; } = Guid.NewGuid();

    public Guid ContextStore { get; } = Guid.NewGuid();

    public Guid NasSecurity { get; } = Guid.NewGuid();

    /// <summary>A VNF with one Public component, on the edge.</summary>
    public Guid ProbeVnf { get; } = Guid.NewGuid();

    public Guid Probe { get; } = Guid.NewGuid();

    public string VnfName => $"amf-{Suffix}";

    public static Actor Approver(int n) => new($"approver-{n}", $"Approver {n}", new HashSet<string> { Roles.NocApprover });

    public static async Task<RuntimeScenario> CreateAsync(IDocumentStore store)
    {
        var s = new RuntimeScenario(Guid.NewGuid().ToString("N")[..8]);
        const string by = "test:setup";
        await using var session = store.LightweightSession();
        session.Events.StartStream<TrustDomain>(s.CoreDomain, new TrustDomainRegistered(s.CoreDomain, $"Core {s.Suffix}", "noc-core", "core", by, Long));
        session.Events.StartStream<TrustDomain>(s.PartnerDomain,
            new TrustDomainRegistered(s.PartnerDomain, $"Partner {s.Suffix}", s.PartnerOwners, "partner", by, Long));

        void Environment(Guid id, string name, TrustLevel trust, Guid operatedBy) =>
            session.Events.StartStream<ExecutionEnvironment>(id,
                new EnvironmentRegistered(id, $"{name} {s.Suffix}", EnvironmentKind.CoreDataCentre, "Frankfurt", trust, by, Long),
                new EnvironmentAttestationRecorded(id, AttestationStatus.Attested, by, Long),
                new EnvironmentOperatorDomainAssigned(id, operatedBy, by, Long));
        Environment(s.DcA, "DC A", TrustLevel.High, s.CoreDomain);
        Environment(s.DcB, "DC B", TrustLevel.High, s.CoreDomain);
        Environment(s.PartnerDc, "Partner DC", TrustLevel.High, s.PartnerDomain);
        Environment(s.Edge, "Edge", TrustLevel.Low, s.CoreDomain);

        session.Events.StartStream<Vnf>(s.Vnf,
            new VnfRegistered(s.Vnf, s.VnfName, VnfType.AMF, "Ericsson", "1.14.2", s.DcA, by, Long),
            new VnfComponentAdded(s.Vnf, s.N2, "n2-termination", Sensitivity.Internal, s.CoreDomain, by, Long),
            new VnfComponentAdded(s.Vnf, s.ContextStore, "ue-context-store", Sensitivity.Sensitive, s.CoreDomain, by, Long),
            new VnfComponentAdded(s.Vnf, s.NasSecurity, "nas-security", Sensitivity.Critical, s.CoreDomain, by, Long));
        session.Events.StartStream<Vnf>(s.ProbeVnf,
            new VnfRegistered(s.ProbeVnf, $"probe-{s.Suffix}", VnfType.NRF, "Open5GS", "2.7.2", s.Edge, by, Long),
            new VnfComponentAdded(s.ProbeVnf, s.Probe, "health-probe", Sensitivity.Public, s.CoreDomain, by, Long));
        await session.SaveChangesAsync(Xunit.TestContext.Current.CancellationToken);
        return s;
    }

    public SubmitRequest Migration(Guid target, params Guid[] components) =>
        new(RequestKind.Migration, Vnf, components, target, null, "Move for the maintenance of DC A's power feed.", null);

    public SubmitRequest Snapshot(params Guid[] components) =>
        new(RequestKind.Snapshot, Vnf, components, null, null, "Snapshot before the 1.15 software upgrade.", null);
}

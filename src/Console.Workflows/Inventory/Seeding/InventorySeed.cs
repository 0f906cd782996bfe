using Console.Workflows.Common;
using Console.Workflows.Inventory.RegisteringEnvironment;
using Console.Workflows.Inventory.RegisteringTrustDomain;
using Console.Workflows.Inventory.RegisteringVnf;
using Marten;

namespace Console.Workflows.Inventory.Seeding;

/// <summary>
/// Demo inventory of a German operator's 5G standalone core, written on first start only. It goes through the same
/// decide functions as a person would, so the seed cannot hold data the console would refuse.
/// </summary>
public static class InventorySeed
{
    public const string ActorId = "system:seed";

    private static readonly Actor SeedActor = new(ActorId, "Demo data seed", new HashSet<string> { Roles.Administrator });

    private const string Core = "Operator Core";
    private const string Subscriber = "Subscriber Data";
    private const string Roaming = "Roaming & Interconnect";
    private const string Intercept = "Lawful Intercept";
    private const string Exposure = "Network Exposure";

    private const string DcA = "Frankfurt Core DC A";
    private const string DcB = "Frankfurt Core DC B";
    private const string Munich = "Munich Regional Cluster";
    private const string Hamburg = "Hamburg Edge Site 07";
    private const string Berlin = "Berlin Edge Site 12";
    private const string Cloud = "Public Cloud eu-central (burst)";

    internal static IReadOnlyList<(string Name, string OwnerGroup, string Description)> TrustDomains { get; } =
    [
        (Core, "noc-core", "Control-plane functions the NOC runs day to day: mobility, sessions, routing, slicing, policy."),
        (Subscriber, "sec-subscriber-data", "Subscriber identities, long-term keys and profiles (SUPI, K, OPc, subscription data)."),
        (Roaming, "noc-interconnect", "Inter-PLMN signalling towards roaming partners and IPX providers (N32, SEPP)."),
        (Intercept, "sec-li", "Interfaces required for lawful interception (X1/X2/X3); access only for cleared staff."),
        (Exposure, "noc-exposure", "Northbound APIs exposed to enterprise customers and application partners."),
    ];

    internal static IReadOnlyList<(string Name, EnvironmentKind Kind, string Location, TrustLevel Trust, AttestationStatus Attestation)> Environments { get; } =
    [
        (DcA, EnvironmentKind.CoreDataCentre, "Frankfurt am Main, DE (Kalbach)", TrustLevel.High, AttestationStatus.Attested),
        (DcB, EnvironmentKind.CoreDataCentre, "Frankfurt am Main, DE (Ostend)", TrustLevel.High, AttestationStatus.Attested),
        (Munich, EnvironmentKind.RegionalCluster, "Munich, DE (Riem)", TrustLevel.Medium, AttestationStatus.Attested),
        (Hamburg, EnvironmentKind.EdgeSite, "Hamburg-Altona, DE", TrustLevel.Low, AttestationStatus.Expired),
        (Berlin, EnvironmentKind.EdgeSite, "Berlin-Adlershof, DE", TrustLevel.Low, AttestationStatus.Attested),
        (Cloud, EnvironmentKind.PublicCloud, "eu-central-1, Frankfurt (hyperscaler)", TrustLevel.Untrusted, AttestationStatus.Unknown),
    ];

    /// <summary>
    /// Which trust domain operates each environment. Frankfurt DC B belongs to Subscriber Data, so moving its UDM's
    /// SIDF (Critical, Subscriber Data) to DC A (Operator Core) is a cross-domain Critical migration.
    /// </summary>
    internal static IReadOnlyDictionary<string, string> EnvironmentOperators { get; } = new Dictionary<string, string>
    {
        [DcA] = Core,
        [DcB] = Subscriber,
        [Munich] = Core,
        [Hamburg] = Core,
        [Berlin] = Core,
        [Cloud] = Roaming,
    };

    private static (string Name, Sensitivity Sensitivity, string TrustDomain) C(string name, Sensitivity s, string trustDomain) =>
        (name, s, trustDomain);

    private const Sensitivity Pub = Sensitivity.Public;
    private const Sensitivity Int = Sensitivity.Internal;
    private const Sensitivity Sen = Sensitivity.Sensitive;
    private const Sensitivity Cri = Sensitivity.Critical;

    internal static IReadOnlyList<(string Name, VnfType Type, string Vendor, string Version, string Environment,
        (string Name, Sensitivity Sensitivity, string TrustDomain)[] Components)> Vnfs { get; } =
    [
        ("amf-fra-01", VnfType.AMF, "Ericsson", "1.14.2", DcA,
            [C("n2-termination", Int, Core), C("ue-context-store", Sen, Subscriber), C("nas-security", Cri, Subscriber), C("sbi-client", Int, Core)]),
        ("smf-fra-01", VnfType.SMF, "Ericsson", "1.14.2", DcA,
            [C("pdu-session-manager", Int, Core), C("n4-pfcp-controller", Int, Core), C("charging-trigger", Sen, Core), C("li-x2-interface", Cri, Intercept)]),
        ("upf-fra-01", VnfType.UPF, "Nokia", "22.10.3", DcA,
            [C("pfcp-agent", Int, Core), C("n3-gtpu-forwarder", Int, Core), C("n6-gateway", Int, Core), C("li-x3-interface", Cri, Intercept)]),
        ("udm-fra-01", VnfType.UDM, "Nokia", "23.5.1", DcA,
            [C("suci-deconcealment (SIDF)", Cri, Subscriber), C("subscription-data-api", Sen, Subscriber), C("sbi-gateway", Int, Core)]),
        ("udr-fra-01", VnfType.UDR, "Nokia", "23.5.1", DcA,
            [C("subscriber-profile-store", Cri, Subscriber), C("replication-agent", Sen, Subscriber), C("provisioning-api", Sen, Subscriber)]),
        ("ausf-fra-01", VnfType.AUSF, "Nokia", "23.5.0", DcA,
            [C("auth-vector-generator", Cri, Subscriber), C("5g-aka-engine", Cri, Subscriber), C("sbi-gateway", Int, Core)]),
        ("nrf-fra-01", VnfType.NRF, "Ericsson", "1.12.0", DcA,
            [C("nf-registry", Int, Core), C("discovery-api", Int, Core), C("oauth2-token-issuer", Sen, Core)]),
        ("pcf-fra-01", VnfType.PCF, "Mavenir", "5.2.3", DcA,
            [C("policy-decision-engine", Int, Core), C("subscriber-policy-cache", Sen, Subscriber)]),
        ("sepp-fra-01", VnfType.SEPP, "Ericsson", "1.9.4", DcA,
            [C("n32-c-handshake", Sen, Roaming), C("n32-f-protection (PRINS)", Cri, Roaming), C("topology-hiding", Sen, Roaming), C("roaming-partner-directory", Int, Roaming)]),
        ("amf-fra-02", VnfType.AMF, "Ericsson", "1.14.2", DcB,
            [C("n2-termination", Int, Core), C("ue-context-store", Sen, Subscriber), C("nas-security", Cri, Subscriber)]),
        ("smf-fra-02", VnfType.SMF, "Ericsson", "1.14.1", DcB,
            [C("pdu-session-manager", Int, Core), C("n4-pfcp-controller", Int, Core), C("li-x2-interface", Cri, Intercept)]),
        ("udm-fra-02", VnfType.UDM, "Nokia", "23.5.1", DcB,
            [C("suci-deconcealment (SIDF)", Cri, Subscriber), C("subscription-data-api", Sen, Subscriber)]),
        ("udr-fra-02", VnfType.UDR, "Nokia", "23.5.1", DcB,
            [C("subscriber-profile-store", Cri, Subscriber), C("replication-agent", Sen, Subscriber)]),
        ("ausf-fra-02", VnfType.AUSF, "Samsung", "2.3.1", DcB,
            [C("auth-vector-generator", Cri, Subscriber), C("eap-aka-prime-engine", Cri, Subscriber), C("sbi-gateway", Int, Core)]),
        ("nrf-fra-02", VnfType.NRF, "Ericsson", "1.12.0", DcB,
            [C("nf-registry", Int, Core), C("discovery-api", Int, Core)]),
        ("sepp-fra-02", VnfType.SEPP, "Mavenir", "4.1.0", DcB,
            [C("n32-c-handshake", Sen, Roaming), C("n32-f-protection (PRINS)", Cri, Roaming), C("ipx-routing-table", Int, Roaming)]),
        ("smf-fra-03", VnfType.SMF, "Nokia", "22.11.0", DcB,
            [C("pdu-session-manager", Int, Core), C("li-x1-interface", Cri, Intercept), C("li-x2-interface", Cri, Intercept)]),
        ("amf-muc-01", VnfType.AMF, "Samsung", "2.4.0", Munich,
            [C("n2-termination", Int, Core), C("ue-context-store", Sen, Subscriber), C("sbi-client", Int, Core)]),
        ("smf-muc-01", VnfType.SMF, "Samsung", "2.4.0", Munich,
            [C("pdu-session-manager", Int, Core), C("n4-pfcp-controller", Int, Core), C("charging-trigger", Sen, Core)]),
        ("upf-muc-01", VnfType.UPF, "Samsung", "2.4.0", Munich,
            [C("pfcp-agent", Int, Core), C("n3-gtpu-forwarder", Int, Core), C("dpi-classifier", Sen, Core), C("n6-gateway", Int, Core)]),
        ("pcf-muc-01", VnfType.PCF, "Mavenir", "5.2.3", Munich,
            [C("policy-decision-engine", Int, Core), C("usage-monitoring", Sen, Subscriber)]),
        ("nssf-muc-01", VnfType.NSSF, "Mavenir", "3.0.2", Munich,
            [C("slice-selection-engine", Int, Core), C("nssai-mapping-table", Int, Core)]),
        ("nef-muc-01", VnfType.NEF, "Nokia", "22.4.0", Munich,
            [C("northbound-api-gateway", Int, Exposure), C("partner-auth", Sen, Exposure), C("event-exposure-broker", Int, Exposure)]),
        ("upf-ham-07", VnfType.UPF, "Open5GS", "2.7.2", Hamburg,
            [C("pfcp-agent", Int, Core), C("n3-gtpu-forwarder", Int, Core), C("local-breakout-router", Int, Core)]),
        ("upf-ham-08", VnfType.UPF, "Nokia", "22.10.3", Hamburg,
            [C("pfcp-agent", Int, Core), C("n3-gtpu-forwarder", Int, Core), C("n9-uplink-classifier", Int, Core)]),
        ("upf-ber-12", VnfType.UPF, "Open5GS", "2.7.2", Berlin,
            [C("pfcp-agent", Int, Core), C("n3-gtpu-forwarder", Int, Core)]),
        ("nrf-ber-12", VnfType.NRF, "Open5GS", "2.7.2", Berlin,
            [C("nf-registry", Int, Core), C("discovery-api", Int, Core), C("health-probe", Pub, Core)]),
        ("nef-cloud-burst-01", VnfType.NEF, "Open5GS", "2.7.2", Cloud,
            [C("developer-portal", Pub, Exposure), C("api-docs-renderer", Pub, Exposure), C("health-probe", Pub, Core)]),
        ("nssf-cloud-burst-01", VnfType.NSSF, "Open5GS", "2.7.2", Cloud,
            [C("slice-catalogue-mirror", Pub, Core), C("health-probe", Pub, Core)]),
    ];

    public static Guid TrustDomainId(string name) => NameBasedGuid.From($"inventory-seed/trust-domain/{name}");

    public static Guid EnvironmentId(string name) => NameBasedGuid.From($"inventory-seed/environment/{name}");

    public static Guid VnfId(string name) => NameBasedGuid.From($"inventory-seed/vnf/{name}");

    public static Guid ComponentId(string vnf, string component) => NameBasedGuid.From($"inventory-seed/vnf/{vnf}/component/{component}");

    /// <summary>Seeds the demo inventory when no trust domain exists yet. Returns whether it seeded.</summary>
    public static async Task<bool> EnsureSeededAsync(IDocumentStore store, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);

        await using var session = store.LightweightSession();
        if (await session.Query<TrustDomain>().AnyAsync(ct))
            return false;

        // Backdated so the history reads like an inventory built up over months, not in one instant.
        var now = time.GetUtcNow();
        foreach (var (name, ownerGroup, description) in TrustDomains)
        {
            var id = TrustDomainId(name);
            var decision = RegisterTrustDomainDecider.Decide(
                new RegisterTrustDomain(name, ownerGroup, description), id, nameTaken: false, SeedActor, now.AddDays(-200));
            session.Events.StartStream<TrustDomain>(id, Accepted(decision, name));
        }

        var trustDomainIds = TrustDomains.Select(t => TrustDomainId(t.Name)).ToHashSet();
        foreach (var (name, kind, location, trust, attestation) in Environments)
        {
            var id = EnvironmentId(name);
            var registeredAt = now.AddDays(-180);
            var decision = RegisterEnvironmentDecider.Decide(
                new RegisterEnvironment(name, kind, location, trust,
                    attestation == AttestationStatus.Expired ? AttestationStatus.Attested : attestation,
                    TrustDomainId(EnvironmentOperators[name])),
                id, nameTaken: false, SeedActor, registeredAt, trustDomainIds);
            var events = Accepted(decision, name).ToList();
            if (attestation == AttestationStatus.Expired)
                events.Add(new EnvironmentAttestationRecorded(id, AttestationStatus.Expired, ActorId, now.AddDays(-3)));
            session.Events.StartStream<ExecutionEnvironment>(id, events);
        }

        var references = new VnfReferences(
            NameTaken: false,
            Environments.Select(e => EnvironmentId(e.Name)).ToHashSet(),
            trustDomainIds);
        for (var i = 0; i < Vnfs.Count; i++)
        {
            var (name, type, vendor, version, environment, components) = Vnfs[i];
            var id = VnfId(name);
            var command = new RegisterVnf(name, type, vendor, version, EnvironmentId(environment),
                [.. components.Select(c => new ComponentDraft(ComponentId(name, c.Name), c.Name, c.Sensitivity, TrustDomainId(c.TrustDomain)))]);
            var decision = RegisterVnfDecider.Decide(command, id, references, SeedActor, now.AddDays(-150 + (i * 4)));
            session.Events.StartStream<Vnf>(id, Accepted(decision, name));
        }

        try
        {
            await session.SaveChangesAsync(ct);
            return true;
        }
        catch (Exception ex) when (ex is JasperFx.Events.ExistingStreamIdCollisionException or Marten.Exceptions.ExistingStreamIdCollisionException)
        {
            // Another console node seeded at the same moment; its seed is identical.
            return false;
        }
    }

    private static IReadOnlyList<object> Accepted(Decision decision, string item) =>
        decision.Refusal is { } refusal
            ? throw new InvalidOperationException($"The demo seed is invalid at '{item}': {refusal.Message} "
                + string.Join("; ", refusal.FieldErrors.Select(f => $"{f.Key}: {string.Join(" ", f.Value)}")))
            : decision.Events;
}

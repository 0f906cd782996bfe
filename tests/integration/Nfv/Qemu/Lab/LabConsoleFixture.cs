using Console.IntegrationTests.Infrastructure;
using Console.Testing;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Xunit;

namespace Console.IntegrationTests.Nfv.Qemu.Lab;

/// <summary>
/// A workflow host on the lab (<c>Nfv:Infrastructure = Lab</c>): three environments, each a lab host of its own
/// folder - lab-a and lab-b with migration certificates from the console's CA, lab-plain without one - and the guest
/// infra/lab/guest.sh builds. Each test registers its own VNF, which the lab runs as a real machine.
/// </summary>
public sealed class LabConsoleFixture : WorkflowFixture, IAsyncLifetime
{
    private static readonly DateTimeOffset Long = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Path.Combine("/tmp", "vnf-lab-console-" + Guid.NewGuid().ToString("N")[..8]);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<object>>> _shared = new();

    public Guid Domain { get; } = Guid.NewGuid();

    public Guid LabA { get; } = Guid.NewGuid();

    public Guid LabB { get; } = Guid.NewGuid();

    public Guid LabPlain { get; } = Guid.NewGuid();

    public static Actor Operator { get; } = new("lab-operator", "Olga Operator", new HashSet<string> { Roles.NocOperator });

    /// <summary>Whoever the policy asks for: two NOC approvers and a security officer.</summary>
    public static IReadOnlyList<Actor> Approvers { get; } =
    [
        new("lab-approver-1", "Ada Approver", new HashSet<string> { Roles.NocApprover }),
        new("lab-approver-2", "Ben Approver", new HashSet<string> { Roles.NocApprover }),
        new("lab-security", "Sven Security", new HashSet<string> { Roles.SecurityOfficer }),
    ];

    protected override IReadOnlyDictionary<string, string?> Settings
    {
        get
        {
            var guest = InfraScript.Settings(TestRepository.Root, "infra/lab/guest.sh", "ensure")
                .ToDictionary(l => l[..l.IndexOf('=', StringComparison.Ordinal)], l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            return new Dictionary<string, string?>
            {
                ["Nfv:Infrastructure"] = "Lab",
                ["Nfv:Lab:Folder"] = _folder,
                ["Nfv:Lab:Qemu"] = guest["Lab__Qemu"],
                ["Nfv:Lab:Guest:Kernel"] = guest["Lab__Guest__Kernel"],
                ["Nfv:Lab:Guest:Initrd"] = guest["Lab__Guest__Initrd"],
                ["Nfv:Lab:Hosts:0:Environment"] = LabA.ToString(),
                ["Nfv:Lab:Hosts:0:Name"] = "lab-a",
                ["Nfv:Lab:Hosts:1:Environment"] = LabB.ToString(),
                ["Nfv:Lab:Hosts:1:Name"] = "lab-b",
                ["Nfv:Lab:Hosts:2:Environment"] = LabPlain.ToString(),
                ["Nfv:Lab:Hosts:2:Name"] = "lab-plain",
                ["Nfv:Lab:Hosts:2:Certificate"] = "false",
                // Each test's VNF runs as a machine as soon as the console meets it.
                ["Nfv:Lab:Deploy"] = "*",
                ["Nfv:Simulator:DelayMilliseconds"] = "0",
                // Reconciliation every second, so its tests wait seconds, not the default 15 s.
                ["Nfv:Lab:ReconcileSeconds"] = "1",
            };
        }
    }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        const string by = "test:setup";
        await using var session = Host.Store.LightweightSession();
        session.Events.StartStream<TrustDomain>(Domain, new TrustDomainRegistered(Domain, "Lab core", "noc-core", "core", by, Long));
        foreach (var (id, name) in new[] { (LabA, "Lab A"), (LabB, "Lab B"), (LabPlain, "Lab plain") })
            session.Events.StartStream<ExecutionEnvironment>(id,
                new EnvironmentRegistered(id, name, EnvironmentKind.CoreDataCentre, "Frankfurt", TrustLevel.High, by, Long),
                new EnvironmentAttestationRecorded(id, AttestationStatus.Attested, by, Long),
                new EnvironmentOperatorDomainAssigned(id, Domain, by, Long));
        await session.SaveChangesAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>A VNF in Lab A of the components named (one, amf-core, when none is named), all of one trust domain.</summary>
    public async Task<Guid> VnfAsync(string name, params string[] components)
    {
        var vnf = Guid.NewGuid();
        const string by = "test:setup";
        await using var session = Host.Store.LightweightSession();
        session.Events.StartStream<Vnf>(vnf,
            [
                new VnfRegistered(vnf, $"{name}-{vnf.ToString("N")[..6]}", VnfType.AMF, "Open5GS", "2.7.2", LabA, by, Long),
                .. (components.Length == 0 ? ["amf-core"] : components)
                    .Select(c => new VnfComponentAdded(vnf, Guid.NewGuid(), c, Sensitivity.Internal, Domain, by, Long)),
            ]);
        await session.SaveChangesAsync(TestContext.Current.CancellationToken);
        return vnf;
    }

    /// <summary>
    /// A result the class's tests share, made by the first that asks (the tests of a class run one at a time), so
    /// tests that need the same running machine or snapshot do not each boot their own.
    /// </summary>
    public async Task<T> SharedAsync<T>(string name, Func<Task<T>> make)
    {
        ArgumentNullException.ThrowIfNull(make);
        var shared = _shared.GetOrAdd(name, _ => new Lazy<Task<object>>(async () => (await make())!));
        return (T)await shared.Value;
    }

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }
}

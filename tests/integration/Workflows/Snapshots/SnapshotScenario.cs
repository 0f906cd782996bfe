using Console.IntegrationTests.Infrastructure;
using Console.IntegrationTests.Workflows.Runtime;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Executing;
using Console.Workflows.Snapshots;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Snapshots;

/// <summary>
/// A workflow host on its own database with a fake clock (registered as the TimeProvider), its own key folder (KEK
/// master and manifest-signing key) and instant simulated operations. The sweep's own schedule is daily unless a
/// fixture asks for less, so tests run sweeps when they choose.
/// </summary>
public class SnapshotLifecycleFixture : IAsyncLifetime
{
    public PostgresDatabase Database { get; } = new();

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public string KeyFolder { get; } = Path.Combine(Path.GetTempPath(), "vnf-console-test-keys-" + Guid.NewGuid().ToString("N"));

    public WorkflowHost Host { get; private set; } = null!;

    protected virtual string SweepInterval => "1.00:00:00";

    /// <summary>Key settings beyond the folder (e.g. a PKCS#11 provider).</summary>
    protected virtual IReadOnlyDictionary<string, string?> KeySettings { get; } = new Dictionary<string, string?>();

    public virtual async ValueTask InitializeAsync()
    {
        await Database.InitializeAsync();
        var settings = new Dictionary<string, string?>(KeySettings)
        {
            // The fake clock never moves by itself: simulated operations must not wait on it.
            ["Nfv:Simulator:DelayMilliseconds"] = "0",
            ["Keys:Folder"] = KeyFolder,
            ["Snapshots:SweepInterval"] = SweepInterval,
        };
        Host = await WorkflowHost.StartAsync(Database, settings, services: s => s.AddSingleton<TimeProvider>(Clock));
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
            await Host.DisposeAsync();
        await Database.DisposeAsync();
        if (Directory.Exists(KeyFolder))
            Directory.Delete(KeyFolder, recursive: true);
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// A VNF of its own per test with components in two trust domains: collector (Public, core domain), exporter (Public,
/// partner domain) and subscriber-store (Sensitive, core domain); the people who act on it; snapshots taken through the
/// real workflow (request, approval where the policy asks for it, execution).
/// </summary>
internal sealed class SnapshotScenario
{
    private static readonly DateTimeOffset Long = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);

    private readonly WorkflowHost _host;

    private SnapshotScenario(WorkflowHost host, string suffix)
    {
        _host = host;
        Suffix = suffix;
        Operator = new($"operator-{suffix}", "Olga Operator", new HashSet<string> { Roles.NocOperator });
        OtherOperator = new($"operator2-{suffix}", "Otto Operator", new HashSet<string> { Roles.NocOperator });
        Security = new($"security-{suffix}", "Sven Security", new HashSet<string> { Roles.SecurityOfficer });
        Admin = new($"admin-{suffix}", "Ada Admin", new HashSet<string> { Roles.Administrator });
        Auditor = new($"auditor-{suffix}", "Aldo Auditor", new HashSet<string> { Roles.Auditor });
    }

    public string Suffix { get; }

    public Actor Operator { get; }

    public Actor OtherOperator { get; }

    public Actor Security { get; }

    public Actor Admin { get; }

    public Actor Auditor { get; }

    public Guid CoreDomain { get; } = Guid.NewGuid();

    public Guid PartnerDomain { get; } = Guid.NewGuid();

    public Guid Dc { get; } = Guid.NewGuid();

    public Guid Vnf { get; } = Guid.NewGuid();

    public Guid Collector { get; } = Guid.NewGuid();

    public Guid Exporter { get; } = Guid.NewGuid();

    public Guid SubscriberStore { get; } = Guid.NewGuid();

    public static Actor Approver(int n) => new($"approver-{n}", $"Approver {n}", new HashSet<string> { Roles.NocApprover });

    public static async Task<SnapshotScenario> CreateAsync(WorkflowHost host)
    {
        var s = new SnapshotScenario(host, Guid.NewGuid().ToString("N")[..8]);
        const string by = "test:setup";
        await using var session = host.Store.LightweightSession();
        session.Events.StartStream<TrustDomain>(s.CoreDomain, new TrustDomainRegistered(s.CoreDomain, $"Core {s.Suffix}", "noc-core", "core", by, Long));
        session.Events.StartStream<TrustDomain>(s.PartnerDomain,
            new TrustDomainRegistered(s.PartnerDomain, $"Partner {s.Suffix}", $"owners-{s.Suffix}", "partner", by, Long));
        session.Events.StartStream<ExecutionEnvironment>(s.Dc,
            new EnvironmentRegistered(s.Dc, $"DC {s.Suffix}", EnvironmentKind.CoreDataCentre, "Frankfurt", TrustLevel.High, by, Long),
            new EnvironmentAttestationRecorded(s.Dc, AttestationStatus.Attested, by, Long),
            new EnvironmentOperatorDomainAssigned(s.Dc, s.CoreDomain, by, Long));
        session.Events.StartStream<Vnf>(s.Vnf,
            new VnfRegistered(s.Vnf, $"udm-{s.Suffix}", VnfType.UDM, "Nokia", "23.4", s.Dc, by, Long),
            new VnfComponentAdded(s.Vnf, s.Collector, "collector", Sensitivity.Public, s.CoreDomain, by, Long),
            new VnfComponentAdded(s.Vnf, s.Exporter, "exporter", Sensitivity.Public, s.PartnerDomain, by, Long),
            new VnfComponentAdded(s.Vnf, s.SubscriberStore, "subscriber-store", Sensitivity.Sensitive, s.CoreDomain, by, Long));
        await session.SaveChangesAsync(TestContext.Current.CancellationToken);
        return s;
    }

    /// <summary>A snapshot of the two Public components (one per trust domain): no approval needed.</summary>
    public Task<Snapshot> TakePublicSnapshotAsync() => TakeAsync([Collector, Exporter], approvers: 0);

    /// <summary>A snapshot of the Sensitive subscriber store: two NOC approvers.</summary>
    public Task<Snapshot> TakeSensitiveSnapshotAsync() => TakeAsync([SubscriberStore], approvers: 2);

    public async Task<Snapshot> TakeAsync(Guid[] components, int approvers)
    {
        var requestId = await SubmitAsync(components);
        for (var n = 1; n <= approvers; n++)
            await ApproveAsync(requestId, Approver(n));
        await WaitForRequestAsync(requestId, RequestStatus.Completed);
        return await WaitForSnapshotAsync(ExecutionDecider.SnapshotIdFor(requestId), s => s.Manifest is not null, "the snapshot");
    }

    /// <summary>A snapshot request of the Sensitive subscriber store, submitted and left waiting for its two approvers.</summary>
    public Task<Guid> SubmitSensitiveSnapshotAsync() => SubmitAsync([SubscriberStore]);

    private async Task<Guid> SubmitAsync(Guid[] components)
    {
        var submitted = await _host.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(
            new SubmitRequest(RequestKind.Snapshot, Vnf, components, null, null, "Snapshot before the 23.5 upgrade.", null), Operator));
        submitted.Succeeded.ShouldBeTrue(submitted.Refusal?.Message);
        return submitted.Id;
    }

    public async Task ApproveAsync(Guid requestId, Actor approver)
    {
        var details = (await _host.With<IRequestReader, RequestDetails?>(r => r.GetAsync(requestId))).ShouldNotBeNull();
        var approved = await _host.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(
            new ApproveRequest(requestId, details.Request.Version, details.Request.ContentDigest, "Fine."), _host.SignedIn(approver)));
        approved.Succeeded.ShouldBeTrue(approved.Refusal?.Message);
    }

    public async Task<RequestDetails> WaitForRequestAsync(Guid requestId, RequestStatus status) =>
        (await Eventually.Until(() => _host.With<IRequestReader, RequestDetails?>(r => r.GetAsync(requestId)),
            d => d?.Request.Status == status, $"request {requestId} to be {status}"))!;

    public async Task<Snapshot> WaitForSnapshotAsync(Guid snapshotId, Func<Snapshot, bool> condition, string what) =>
        (await Eventually.Until(() => LoadAsync(snapshotId), s => s is not null && condition(s), what))!;

    public async Task<Snapshot?> LoadAsync(Guid snapshotId)
    {
        await using var session = _host.Store.QuerySession();
        return await session.LoadAsync<Snapshot>(snapshotId, TestContext.Current.CancellationToken);
    }

    public async Task<IReadOnlyList<object>> EventsOfAsync(Guid streamId)
    {
        await using var session = _host.Store.QuerySession();
        return [.. (await session.Events.FetchStreamAsync(streamId, token: TestContext.Current.CancellationToken)).Select(e => e.Data)];
    }
}

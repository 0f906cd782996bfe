using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Keys;
using Console.Workflows.Policy;
using Console.Workflows.Snapshots;
using Console.Workflows.Snapshots.Holding;
using Console.Workflows.Snapshots.MarkingNotNeeded;
using Console.Workflows.Snapshots.Pinning;
using Console.Workflows.Snapshots.Protecting;
using Console.Workflows.Snapshots.Retention;
using Console.Workflows.Snapshots.Viewing;

namespace Console.UnitTests.Web.Components.Pages.Snapshots;

/// <summary>
/// Snapshots in memory behind the page's reader (its commands arrive through FakeCommandBus), applying the real
/// retention rules and deciders, so the page sees what the workflow would decide. Restore checks are set per snapshot by the test.
/// </summary>
public sealed class InMemorySnapshots(DateTimeOffset now) : ISnapshotLifecycleReader
{
    private readonly Dictionary<Guid, (Snapshot Snapshot, List<SnapshotHistoryEntry> History)> _snapshots = [];

    public Dictionary<Guid, RestoreCheck> Restore { get; } = [];

    public Dictionary<Guid, string> Domains { get; } = [];

    public List<object> Received { get; } = [];

    /// <summary>When set, the next command is refused with this instead of being decided.</summary>
    public Refusal? NextRefusal { get; set; }

    public Snapshot Add(Snapshot snapshot)
    {
        _snapshots[snapshot.Id] = (snapshot, [new(1, snapshot.CompletedAt, "system:execution", "taken", "Snapshot taken.")]);
        Restore[snapshot.Id] = new RestoreCheck(snapshot.Id, [], snapshot.Manifest is not null, null);
        return snapshot;
    }

    public Snapshot this[Guid id] => _snapshots[id].Snapshot;

    public Task<SnapshotView?> GetAsync(Guid snapshotId, CancellationToken ct = default)
    {
        if (!_snapshots.TryGetValue(snapshotId, out var entry))
            return Task.FromResult<SnapshotView?>(null);
        var s = entry.Snapshot;
        var available = _snapshots.Values.Select(v => v.Snapshot)
            .Where(x => x.VnfId == s.VnfId && x.Status == SnapshotStatus.Available).Select(x => (x.Id, x.CompletedAt));
        var isLastGood = RetentionRules.IsLastGood(s, available);
        var keys = s.Keys.Select(k => new KeyState(k.KeyId, k.TrustDomainId, k.KekId, s.CompletedAt,
            s.Status == SnapshotStatus.Deleted ? s.DeletedAt : null)).ToList();
        return Task.FromResult<SnapshotView?>(new SnapshotView(
            s, RetentionRules.Judge(s, isLastGood, DefaultPolicy.Document.KeepLastGoodSnapshot, now), isLastGood,
            DefaultPolicy.Document.KeepLastGoodSnapshot, Restore[s.Id], keys, Domains, entry.History));
    }

    public Task<Outcome> PinAsync(PinSnapshot command, Actor actor, CancellationToken ct = default) =>
        Decide(command, command.SnapshotId, s => PinSnapshotDecider.Decide(command, s, actor, now));

    public Task<Outcome> UnpinAsync(UnpinSnapshot command, Actor actor, CancellationToken ct = default) =>
        Decide(command, command.SnapshotId, s => PinSnapshotDecider.Decide(command, s, actor, now));

    public Task<Outcome> PlaceLegalHoldAsync(PlaceLegalHold command, Actor actor, CancellationToken ct = default) =>
        Decide(command, command.SnapshotId, s => LegalHoldDecider.Decide(command, s, actor, now));

    public Task<Outcome> ReleaseLegalHoldAsync(ReleaseLegalHold command, Actor actor, CancellationToken ct = default) =>
        Decide(command, command.SnapshotId, s => LegalHoldDecider.Decide(command, s, actor, now));

    public Task<Outcome> MarkNotNeededAsync(MarkSnapshotNotNeeded command, Actor actor, CancellationToken ct = default) =>
        Decide(command, command.SnapshotId, s => MarkSnapshotNotNeededDecider.Decide(command, s, actor, now));

    private Task<Outcome> Decide(object command, Guid id, Func<Snapshot, Decision> decide)
    {
        Received.Add(command);
        if (NextRefusal is { } forced)
        {
            NextRefusal = null;
            return Task.FromResult(Outcome.Refused(forced));
        }

        if (!_snapshots.TryGetValue(id, out var entry))
            return Task.FromResult(Outcome.Refused(Refusal.Because("This snapshot does not exist.", RefusalKind.NotFound)));
        var decision = decide(entry.Snapshot);
        if (decision.Refusal is { } refusal)
            return Task.FromResult(Outcome.Refused(refusal));
        var s = entry.Snapshot;
        foreach (var e in decision.Events)
        {
            s = e switch
            {
                SnapshotPinned x => s.Apply(x),
                SnapshotUnpinned x => s.Apply(x),
                LegalHoldPlaced x => s.Apply(x),
                LegalHoldReleased x => s.Apply(x),
                SnapshotMarkedNotNeeded x => s.Apply(x),
                _ => s,
            } with { Version = s.Version + 1 };
            entry.History.Add(new(s.Version, now, "test", e.GetType().Name, e.ToString()!));
        }

        _snapshots[id] = (s, entry.History);
        return Task.FromResult(Outcome.Done(id));
    }

    /// <summary>A protected snapshot of the scenario's UDM, completed at <paramref name="at"/>, with retention from the default policy.</summary>
    public static Snapshot Protected(Guid vnfId, string vnfName, string requestedBy, DateTimeOffset at, params (string Name, Sensitivity Sensitivity, Guid Domain)[] components)
    {
        var id = Guid.NewGuid();
        var taken = new SnapshotTaken(id, vnfId, vnfName,
            [.. components.Select(c => new SnapshotComponent(Guid.NewGuid(), c.Name, c.Sensitivity, c.Domain))],
            Guid.NewGuid(), Guid.NewGuid(), $"sim://dc/snapshots/{id:N}", "sha256:0a1b2c", 2L << 30, requestedBy, ["anna.approver"],
            "system:execution", at);
        var keys = components.Select(c => c.Domain).Distinct().Select(d => new ManifestKey(d, $"dk-{d:N}"[..12], $"local-hkdf:abc:{d:N}")).ToList();
        var manifest = SnapshotManifest.For(taken, 1, keys);
        return Snapshot.Create(taken)
            .Apply(RetentionRules.Assign(taken, new ApprovalPolicy(ApprovalPolicy.StreamId, 1, DefaultPolicy.Document, "seed", at), "system:execution", at))
            .Apply(new SnapshotProtected(id, manifest, "c2lnbmF0dXJl", "ecdsa-p256:0123456789abcdef", "system:execution", at))
            with { Version = 3 };
    }
}

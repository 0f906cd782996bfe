using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;
using Console.Workflows.Snapshots;

namespace Console.UnitTests.Workflows.Snapshots;

/// <summary>Snapshot states for the pure retention and decider tests, built from events as the projection builds them.</summary>
internal static class SnapshotStates
{
    public static readonly DateTimeOffset Completed = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    public static readonly Guid CoreDomain = new("8d3c1d5e-0000-4000-8000-000000000001");
    public static readonly Guid PartnerDomain = new("8d3c1d5e-0000-4000-8000-000000000002");

    public static readonly Actor Requester = new("olga", "Olga Operator", new HashSet<string> { Roles.NocOperator });
    public static readonly Actor OtherOperator = new("otto", "Otto Operator", new HashSet<string> { Roles.NocOperator });
    public static readonly Actor Approver = new("anna", "Anna Approver", new HashSet<string> { Roles.NocApprover });
    public static readonly Actor Security = new("sven", "Sven Security", new HashSet<string> { Roles.SecurityOfficer });
    public static readonly Actor Admin = new("ada", "Ada Admin", new HashSet<string> { Roles.Administrator });
    public static readonly Actor Auditor = new("aldo", "Aldo Auditor", new HashSet<string> { Roles.Auditor });
    public static readonly Actor Manager = new("mia", "Mia Manager", new HashSet<string> { Roles.Manager });

    public static ApprovalPolicy PolicyAt(PolicyDocument? document = null, int revision = 1) =>
        new(ApprovalPolicy.StreamId, revision, document ?? DefaultPolicy.Document, "seed", Completed.AddDays(-100));

    public static SnapshotTaken Taken(params Sensitivity[] sensitivities) => Taken(Guid.NewGuid(), Guid.NewGuid(), Completed, sensitivities);

    public static SnapshotTaken Taken(Guid snapshotId, Guid vnfId, DateTimeOffset at, params Sensitivity[] sensitivities) =>
        new(snapshotId, vnfId, "udm-1",
            [.. sensitivities.Select((s, i) => new SnapshotComponent(
                new Guid($"c0000000-0000-4000-8000-{i:D12}"), $"component-{i}", s, i % 2 == 0 ? CoreDomain : PartnerDomain))],
            Guid.NewGuid(), Guid.NewGuid(), "sim://dc/snapshots/x", "sha256:abc", 1024, Requester.UserId, ["anna"], "system:execution", at);

    /// <summary>An available snapshot with its retention under the default policy (Public 30 days ... Critical 3 days).</summary>
    public static Snapshot Available(params Sensitivity[] sensitivities) => Available(Taken(sensitivities));

    public static Snapshot Available(SnapshotTaken taken) =>
        Snapshot.Create(taken).Apply(Console.Workflows.Snapshots.Retention.RetentionRules.Assign(taken, PolicyAt(), "system:execution", taken.At))
            with { Version = 2 };

    public static Snapshot With(this Snapshot snapshot, object e) => (e switch
    {
        SnapshotPinned x => snapshot.Apply(x),
        SnapshotUnpinned x => snapshot.Apply(x),
        LegalHoldPlaced x => snapshot.Apply(x),
        LegalHoldReleased x => snapshot.Apply(x),
        SnapshotMarkedNotNeeded x => snapshot.Apply(x),
        SnapshotDeletionStarted x => snapshot.Apply(x),
        SnapshotDeleted x => snapshot.Apply(x),
        RetentionAssigned x => snapshot.Apply(x),
        _ => throw new ArgumentException($"No Apply for {e.GetType().Name}"),
    }) with { Version = snapshot.Version + 1 };
}

using Console.Workflows.Inventory;
using Console.Workflows.Policy;

namespace Console.Workflows.Requests;

public enum RequestKind
{
    /// <summary>Snapshot a VNF: all of its components or the selected ones.</summary>
    Snapshot = 0,

    /// <summary>Move a VNF (all components) or selected components to another execution environment.</summary>
    Migration = 1,

    /// <summary>Delete an existing snapshot before it expires.</summary>
    SnapshotDeletion = 2,

    /// <summary>
    /// Roll the VNF's persistent state back to a snapshot: always needs a security officer; the restored state runs
    /// under a new epoch, and the states of the epochs after the snapshot's are lost.
    /// </summary>
    Restore = 3,

    /// <summary>Pause the running instance (interrupts it: re-attestation before others trust it again).</summary>
    Pause = 4,

    /// <summary>Resume a paused instance; it is re-attested before its trust relationships come back.</summary>
    Resume = 5,

    /// <summary>Stop the running instance (interrupts it).</summary>
    Stop = 6,

    /// <summary>Start a stopped instance on the current epoch; re-attested before it is trusted.</summary>
    Start = 7,

    /// <summary>Restart the instance: interrupted, then re-attested before its trust relationships come back.</summary>
    Restart = 8,

    /// <summary>
    /// An administrator's change to the inventory or the policy that weakens protection: it takes effect only when a
    /// security officer other than the requester approves it (<see cref="RequestContent.Guard"/> holds the change).
    /// </summary>
    GuardChange = 9,
}

public static class RequestKinds
{
    /// <summary>The lifecycle operations on the running instance (no snapshot, no target environment).</summary>
    public static bool IsLifecycle(this RequestKind kind) =>
        kind is RequestKind.Pause or RequestKind.Resume or RequestKind.Stop or RequestKind.Start or RequestKind.Restart;
}

public enum RequestStatus
{
    PendingApproval = 0,
    Approved = 1,
    Executing = 2,
    Completed = 3,
    Failed = 4,
    Rejected = 5,
    Expired = 6,
    Cancelled = 7,

    /// <summary>Approved, but its change window closed before the execution could start: final, raise it again.</summary>
    WindowMissed = 8,
}

/// <summary>An optional window in which the operation may run (UTC).</summary>
public sealed record ChangeWindow(DateTimeOffset Start, DateTimeOffset End);

/// <summary>
/// Exactly what is being asked: approvals are bound to the digest of this content, so if any of it changes, earlier
/// approvals no longer count.
/// </summary>
public sealed record RequestContent(
    RequestKind Kind,
    Guid VnfId,
    IReadOnlyList<Guid> ComponentIds,
    Guid SourceEnvironmentId,
    Guid? TargetEnvironmentId,
    Guid? SnapshotId,
    int PolicyRevision)
{
    /// <summary>For <see cref="RequestKind.GuardChange"/>: the change asked for; null for every other kind.</summary>
    public Guards.GuardChange? Guard { get; init; }
}

/// <summary>One group of the quorum as resolved for this request (role or concrete owner group of the target domain).</summary>
public sealed record RequiredGroup(string Name, ApproverSource Source, string Designates, int Required);

/// <summary>The AND of groups a request needs, fixed at submission from the policy revision then in force.</summary>
public sealed record ApprovalRequirement(IReadOnlyList<RequiredGroup> Groups, bool CrossesTrustDomains, string Explanation)
{
    public bool NoneNeeded => Groups.Count == 0;

    /// <summary>
    /// The highest sensitivity among the components the request touches (Public when none); null for requirements
    /// recorded before it was kept, which step-up treats as needing a fresh authentication.
    /// </summary>
    public Inventory.Sensitivity? HighestSensitivity { get; init; }
}

/// <summary>An approval that counts: who, which group they filled, and the content digest they approved.</summary>
public sealed record Approval(string ApproverId, string ApproverName, string Group, string ContentDigest, DateTimeOffset At)
{
    /// <summary>
    /// Every group of the requirement the person could fill when they approved. The quorum is a matching of people to
    /// slots over these, so the order in which approvals arrive does not decide whether it is met.
    /// </summary>
    public IReadOnlyList<string> EligibleGroups { get; init; } = [];

    /// <summary>An amendment came after it: it stays in the history but never counts again, even if the content returns.</summary>
    public bool Voided { get; init; }

    /// <summary>How the approver authenticated for it (StepUpMethods), and when; null for approvals older than step-up.</summary>
    public string? AuthenticationMethod { get; init; }

    public DateTimeOffset? AuthenticatedAt { get; init; }
}

/// <summary>The state of one request, rebuilt from its event stream.</summary>
public sealed partial record ChangeRequest(
    Guid Id,
    RequestContent Content,
    string ContentDigest,
    string VnfName,
    string Justification,
    ChangeWindow? Window,
    ApprovalRequirement Requirement,
    string RequesterId,
    string RequesterName,
    DateTimeOffset SubmittedAt,
    DateTimeOffset ExpiresAt,
    RequestStatus Status,
    IReadOnlyList<Approval> Approvals,
    int ExecutionAttempts,
    string? Outcome,
    DateTimeOffset LastChangedAt)
{
    public int Version { get; init; }

    /// <summary>The guest's downtime the hypervisor measured for a completed live migration (null where none was measured).</summary>
    public TimeSpan? MeasuredDowntime { get; init; }

    /// <summary>Approvals of the current content given since the last amendment; any amendment voids earlier ones.</summary>
    public IEnumerable<Approval> CurrentApprovals => Approvals.Where(a => !a.Voided && a.ContentDigest == ContentDigest);

    public bool IsFinal => Status is RequestStatus.Completed or RequestStatus.Rejected or RequestStatus.Expired or RequestStatus.Cancelled
        or RequestStatus.WindowMissed;

    /// <summary>When an approved request waits for its change window: the moment the window opens (null when it may start now).</summary>
    public DateTimeOffset? ScheduledFor(DateTimeOffset now) =>
        Status == RequestStatus.Approved && Window is { } window && window.Start > now ? window.Start : null;
}

namespace Console.Workflows.Requests;

// Every event names who caused it and when. "system:..." ids mark steps the workflow took by itself.

public sealed record RequestSubmitted(
    Guid RequestId,
    RequestContent Content,
    string ContentDigest,
    string VnfName,
    string Justification,
    ChangeWindow? Window,
    ApprovalRequirement Requirement,
    string RequesterId,
    string RequesterName,
    DateTimeOffset At,
    DateTimeOffset ExpiresAt);

/// <summary>The requester changed what is asked; approvals of the earlier content stop counting.</summary>
public sealed record RequestAmended(
    Guid RequestId,
    RequestContent Content,
    string ContentDigest,
    ApprovalRequirement Requirement,
    string Justification,
    ChangeWindow? Window,
    string By,
    DateTimeOffset At);

public sealed record ApprovalGranted(
    Guid RequestId, string ApproverId, string ApproverName, string Group, string ContentDigest, string? Comment, DateTimeOffset At)
{
    /// <summary>Every group of the bound requirement the approver could fill at that moment (see Quorum).</summary>
    public IReadOnlyList<string>? EligibleGroups { get; init; }

    /// <summary>How the approver authenticated for this approval (StepUpMethods); null in events older than step-up.</summary>
    public string? AuthenticationMethod { get; init; }

    /// <summary>When that authentication happened (the code's check, or the sign-in); null when none was needed.</summary>
    public DateTimeOffset? AuthenticatedAt { get; init; }
}

/// <summary>Quorum reached (or none needed): the workflow will execute by itself.</summary>
public sealed record RequestApproved(Guid RequestId, string ContentDigest, string By, DateTimeOffset At);

public sealed record RequestRejected(Guid RequestId, string ApproverId, string ApproverName, string Reason, DateTimeOffset At)
{
    /// <summary>How the person rejecting authenticated (StepUpMethods); null in events older than step-up.</summary>
    public string? AuthenticationMethod { get; init; }

    public DateTimeOffset? AuthenticatedAt { get; init; }
}

public sealed record RequestCancelled(Guid RequestId, string By, string ByName, string Reason, DateTimeOffset At);

public sealed record RequestExpired(Guid RequestId, string By, DateTimeOffset At);

public sealed record ExecutionStarted(Guid RequestId, int Attempt, string By, DateTimeOffset At);

/// <summary>
/// The target environment presented fresh attestation evidence and the console judged it. <see cref="Nonce"/> is the
/// nonce the console asked the quote over: it names the <c>EvidenceVerified</c> event on the environment's attestation
/// stream (absent on events recorded before it was kept).
/// </summary>
public sealed record TargetAttestationChecked(
    Guid RequestId, Guid EnvironmentId, bool Passed, string Detail, string By, DateTimeOffset At)
{
    public string? Nonce { get; init; }
}

public sealed record ExecutionCompleted(Guid RequestId, int Attempt, string Result, string By, DateTimeOffset At)
{
    /// <summary>For a live migration: the guest's downtime as the hypervisor measured it (null where nothing was measured).</summary>
    public TimeSpan? MeasuredDowntime { get; init; }
}

public sealed record ExecutionFailed(Guid RequestId, int Attempt, string Reason, string By, DateTimeOffset At);

/// <summary>
/// The change window closed before the execution could start (attempt 1, or a retry): the request ends here, nothing
/// ran. The operator raises it again for a new window.
/// </summary>
public sealed record ExecutionWindowMissed(Guid RequestId, int Attempt, ChangeWindow Window, string By, DateTimeOffset At);

public sealed record ExecutionRetryRequested(Guid RequestId, string By, string ByName, DateTimeOffset At)
{
    /// <summary>Why the person asked for another attempt (required since retries are bounded; absent in older events).</summary>
    public string? Reason { get; init; }

    /// <summary>The attempt this retry asks for (0 in older events).</summary>
    public int Attempt { get; init; }
}

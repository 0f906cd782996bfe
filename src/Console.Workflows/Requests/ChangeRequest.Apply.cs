namespace Console.Workflows.Requests;

public sealed partial record ChangeRequest
{
    /// <summary>An operator asked to run the failed execution again; the next attempt may start.</summary>
    public bool RetryRequested { get; init; }

    /// <summary>The detail of the last attestation judgement (passed or not), for the request page.</summary>
    public string? LastAttestation { get; init; }

    public static ChangeRequest Create(RequestSubmitted e) =>
        new(e.RequestId, e.Content, e.ContentDigest, e.VnfName, e.Justification, e.Window, e.Requirement,
            e.RequesterId, e.RequesterName, e.At, e.ExpiresAt, RequestStatus.PendingApproval, [], 0, null, e.At);

    // Approvals of the earlier content stay in the history but stop counting, even if a later amendment brings the
    // same content back: the approver read the request as it stood then, not the sequence of changes since.
    public ChangeRequest Apply(RequestAmended e) =>
        this with
        {
            Approvals = [.. Approvals.Select(a => a with { Voided = true })],
            Content = e.Content,
            ContentDigest = e.ContentDigest,
            Requirement = e.Requirement,
            Justification = e.Justification,
            Window = e.Window,
            LastChangedAt = e.At,
        };

    public ChangeRequest Apply(ApprovalGranted e) =>
        this with
        {
            Approvals = [.. Approvals, new Approval(e.ApproverId, e.ApproverName, e.Group, e.ContentDigest, e.At)
            {
                EligibleGroups = e.EligibleGroups ?? [e.Group],
                AuthenticationMethod = e.AuthenticationMethod,
                AuthenticatedAt = e.AuthenticatedAt,
            }],
            LastChangedAt = e.At,
        };

    public ChangeRequest Apply(RequestApproved e) => this with { Status = RequestStatus.Approved, LastChangedAt = e.At };

    public ChangeRequest Apply(RequestRejected e) =>
        this with { Status = RequestStatus.Rejected, Outcome = e.Reason, LastChangedAt = e.At };

    public ChangeRequest Apply(RequestCancelled e) =>
        this with { Status = RequestStatus.Cancelled, Outcome = e.Reason, LastChangedAt = e.At };

    public ChangeRequest Apply(RequestExpired e) =>
        this with { Status = RequestStatus.Expired, Outcome = "Expired without enough approvals.", LastChangedAt = e.At };

    public ChangeRequest Apply(ExecutionStarted e) =>
        this with
        {
            Status = RequestStatus.Executing,
            ExecutionAttempts = e.Attempt,
            RetryRequested = false,
            Outcome = null,
            LastChangedAt = e.At,
        };

    public ChangeRequest Apply(TargetAttestationChecked e) => this with { LastAttestation = e.Detail, LastChangedAt = e.At };

    public ChangeRequest Apply(ExecutionCompleted e) =>
        this with { Status = RequestStatus.Completed, Outcome = e.Result, MeasuredDowntime = e.MeasuredDowntime, LastChangedAt = e.At };

    public ChangeRequest Apply(ExecutionFailed e) =>
        this with { Status = RequestStatus.Failed, Outcome = e.Reason, LastChangedAt = e.At };

    public ChangeRequest Apply(ExecutionWindowMissed e) =>
        this with { Status = RequestStatus.WindowMissed, RetryRequested = false, Outcome = ChangeWindows.MissedOutcome(e), LastChangedAt = e.At };

    public ChangeRequest Apply(ExecutionRetryRequested e) => this with { RetryRequested = true, LastChangedAt = e.At };
}

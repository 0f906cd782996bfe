using Console.Workflows.Alerts;
using Console.Workflows.Attestation;

namespace Console.Workflows.Continuity;

/// <summary>
/// What pages show of a VNF's state continuity and attestation, and the security officers' alert list. Read from
/// Marten documents kept inline with the events, never by replaying streams per page view.
/// </summary>
public interface IContinuityReader
{
    /// <summary>The VNF's continuity (null while the console has not established it, e.g. no instance reported yet).</summary>
    Task<VnfContinuityView?> GetAsync(Guid vnfId, CancellationToken ct);

    /// <summary>Fork alerts and refused attestation evidence, newest first, one page at a time.</summary>
    Task<SecurityAlertPage> AlertsAsync(SecurityAlertQuery query, CancellationToken ct);
}

/// <param name="Epoch">The current epoch of the VNF's persistent state.</param>
/// <param name="CurrentLease">The one valid lease (the live instance), or null when none is valid.</param>
/// <param name="AwaitingReattestation">The lease holder was interrupted and has not presented accepted evidence since.</param>
/// <param name="History">What moved the epoch or the trust in the instance, oldest first.</param>
/// <param name="InstanceAttestation">The live instance's attestation as the console last judged it.</param>
/// <param name="Relationships">Which VNFs this one verifies and which verify it (KI#13), with whether each holds now.</param>
public sealed record VnfContinuityView(
    Guid VnfId,
    long Epoch,
    Lease? CurrentLease,
    bool AwaitingReattestation,
    IReadOnlyList<long> EpochHistory,
    SealedState? MigrationInFlight,
    IReadOnlyList<Guid> Fenced,
    IReadOnlyList<ContinuityHistoryEntry> History,
    AttestationSummary? InstanceAttestation,
    IReadOnlyList<TrustRelationshipView> Relationships)
{
    /// <summary>Whether other VNFs may trust the live instance now.</summary>
    public bool Trustworthy => CurrentLease is not null && !AwaitingReattestation;
}

/// <summary>One step of the continuity stream, in words, with the epoch it left the VNF at.</summary>
public sealed record ContinuityHistoryEntry(
    long Version, string EventType, long Epoch, string Summary, Guid? InstanceId, Guid? EnvironmentId, Guid? RequestId, string By, DateTimeOffset At);

/// <summary>A subject's attestation: registered key, the last verification and the totals.</summary>
public sealed record AttestationSummary(
    Guid SubjectId,
    AttestedSubjectKind Kind,
    string? KeyId,
    int ReferenceValues,
    bool? LastAccepted,
    EvidenceRefusal? LastRefusal,
    string? LastDetail,
    DateTimeOffset? LastAt,
    int Verifications,
    int Refusals);

/// <summary>
/// "<paramref name="VerifierName"/> verifies <paramref name="SubjectName"/>": established only while both sides are
/// trustworthy (lease held, re-attested since the last interruption); <paramref name="State"/> says why not.
/// </summary>
public sealed record TrustRelationshipView(
    Guid VerifierVnfId, string VerifierName, Guid SubjectVnfId, string SubjectName, string Purpose, bool Established, string State);

public enum SecurityAlertKind
{
    ForkDetected = 0,
    EvidenceRefused = 1,

    /// <summary>What a host runs or holds differs from the inventory (reconciliation, <see cref="Reconciling.HostDriftDetected"/>).</summary>
    HostDrift = 2,

    /// <summary>The lease holder's machine ended without the console ending it.</summary>
    InstanceCrashed = 3,

    /// <summary>Wrong second-factor codes locked an account's authenticator codes (<see cref="Accounts.SecondFactorLockedOut"/>).</summary>
    SecondFactorLockedOut = 4,
}

/// <param name="State">Only alerts whose handling stands here (open: neither acknowledged nor closed).</param>
public sealed record SecurityAlertQuery(
    SecurityAlertKind? Kind = null, Guid? VnfId = null, int Page = 1, int PageSize = 50, AlertState? State = null);

public sealed record SecurityAlertPage(IReadOnlyList<SecurityAlertRow> Rows, long Total, int Page, int PageSize);

/// <summary>One alert: a fork or roll-back attempt (with the fenced instance), or evidence refused with its reason.</summary>
public sealed record SecurityAlertRow(
    Guid Id,
    SecurityAlertKind Kind,
    Guid? VnfId,
    string? VnfName,
    Guid SubjectId,
    string? Reason,
    string Detail,
    DateTimeOffset At)
{
    /// <summary>Who acknowledged, assigned and closed it, and when; null while nobody has touched it.</summary>
    public AlertHandling? Handling { get; init; }

    public AlertState State => Handling?.State ?? AlertState.Open;
}

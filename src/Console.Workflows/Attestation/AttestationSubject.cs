namespace Console.Workflows.Attestation;

/// <summary>
/// An attested subject as the console knows it, rebuilt from its stream: the registered key and reference values,
/// and the last verification. Trust in the subject rests on <see cref="LastVerification"/> being accepted and recent.
/// </summary>
public sealed record AttestationSubject(
    Guid Id,
    AttestedSubjectKind Kind,
    string? KeyId,
    string? PublicKey,
    IReadOnlyList<Measurement> ReferenceValues,
    EvidenceVerified? LastVerification,
    int Verifications,
    int Refusals)
{
    public int Version { get; init; }

    /// <summary>An enrolment proposed and not decided yet (environments): its key verifies nothing.</summary>
    public EnrolmentProposed? PendingEnrolment { get; init; }

    /// <summary>The approved enrolment whose key and reference values verify the environment's quotes (revoked or not).</summary>
    public ApprovedEnrolment? Enrolment { get; init; }

    /// <summary>Keys whose enrolment was rejected or revoked: quotes they sign are refused with this reason.</summary>
    public IReadOnlyList<RefusedKey> RefusedKeys { get; init; } = [];

    /// <summary>Whether anyone ever proposed an enrolment (the demo seed enrols only environments nobody has).</summary>
    public bool HasEnrolmentHistory => PendingEnrolment is not null || Enrolment is not null || RefusedKeys.Count > 0;

    public AttestationRegistration? Registration =>
        KeyId is null || PublicKey is null ? null : new AttestationRegistration(Id, Kind, KeyId, PublicKey, ReferenceValues);

    public static AttestationSubject Create(AttestationKeyRegistered e) =>
        new(e.SubjectId, e.SubjectKind, e.KeyId, e.PublicKey, [], null, 0, 0);

    /// <summary>Evidence judged before any registration (refused as not registered) still opens the subject's record.</summary>
    public static AttestationSubject Create(EvidenceVerified e) =>
        new AttestationSubject(e.SubjectId, AttestedSubjectKind.Environment, null, null, [], null, 0, 0).Apply(e);

    public static AttestationSubject Create(EnrolmentProposed e) =>
        new AttestationSubject(e.SubjectId, AttestedSubjectKind.Environment, null, null, [], null, 0, 0).Apply(e);

    public AttestationSubject Apply(EnrolmentProposed e) => this with { PendingEnrolment = e };

    // The approved key replaces whatever was registered before (an earlier enrolment, or trust on first use).
    public AttestationSubject Apply(EnrolmentApproved e) => PendingEnrolment is not { } proposal || proposal.EnrolmentId != e.EnrolmentId
        ? this
        : this with
        {
            Kind = AttestedSubjectKind.Environment,
            KeyId = proposal.KeyId,
            PublicKey = proposal.PublicKey,
            ReferenceValues = proposal.ReferenceValues,
            Enrolment = new ApprovedEnrolment(proposal, e.ApprovedBy, e.ApprovedAt, null),
            PendingEnrolment = null,
        };

    public AttestationSubject Apply(EnrolmentRejected e) => this with
    {
        PendingEnrolment = PendingEnrolment?.EnrolmentId == e.EnrolmentId ? null : PendingEnrolment,
        RefusedKeys = [.. RefusedKeys, new RefusedKey(e.KeyId, false, e.Reason, e.RejectedBy, e.RejectedAt)],
    };

    public AttestationSubject Apply(AttestationKeyRevoked e) => this with
    {
        Enrolment = Enrolment?.Proposal.EnrolmentId == e.EnrolmentId ? Enrolment with { Revoked = e } : Enrolment,
        KeyId = KeyId == e.KeyId ? null : KeyId,
        PublicKey = KeyId == e.KeyId ? null : PublicKey,
        ReferenceValues = KeyId == e.KeyId ? [] : ReferenceValues,
        RefusedKeys = [.. RefusedKeys, new RefusedKey(e.KeyId, true, e.Reason, e.RevokedBy, e.RevokedAt)],
    };

    public AttestationSubject Apply(AttestationKeyRegistered e) => this with { Kind = e.SubjectKind, KeyId = e.KeyId, PublicKey = e.PublicKey };

    public AttestationSubject Apply(ReferenceValuesRegistered e) => this with { ReferenceValues = e.Measurements };

    public AttestationSubject Apply(EvidenceVerified e) => this with
    {
        LastVerification = e,
        Verifications = Verifications + 1,
        Refusals = Refusals + (e.Accepted ? 0 : 1),
    };
}

/// <summary>An enrolment a security officer approved: what was proposed, by whom it was approved, and its revocation if any.</summary>
public sealed record ApprovedEnrolment(EnrolmentProposed Proposal, string ApprovedBy, DateTimeOffset ApprovedAt, AttestationKeyRevoked? Revoked)
{
    public bool IsRevoked => Revoked is not null;
}

/// <summary>A key whose enrolment was rejected (<paramref name="Revoked"/> false) or whose approval was revoked.</summary>
public sealed record RefusedKey(string KeyId, bool Revoked, string Reason, string By, DateTimeOffset At);

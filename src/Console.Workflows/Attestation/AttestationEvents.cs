namespace Console.Workflows.Attestation;

// Events of one attested subject's stream (stream id = the subject's id: environment or VNF instance).

/// <summary>
/// The subject's attestation key (SubjectPublicKeyInfo, base64) is registered; only quotes it signs count. A new
/// registration replaces the earlier key (rotation), which then no longer verifies anything.
/// </summary>
public sealed record AttestationKeyRegistered(
    Guid SubjectId, AttestedSubjectKind SubjectKind, string KeyId, string PublicKey, string By, DateTimeOffset At);

/// <summary>The measurements a trustworthy subject must present (golden values), replacing earlier ones.</summary>
public sealed record ReferenceValuesRegistered(
    Guid SubjectId, IReadOnlyList<Measurement> Measurements, string Reason, string By, DateTimeOffset At);

/// <summary>
/// Evidence was judged: accepted, or refused with the kind of refusal and a reason a person can act on. Every
/// verification is recorded, refused ones included, so a replay or a tampered platform leaves a trace. Evidence from a
/// TPM keeps the quote itself: <paramref name="TpmAttest"/> (TPMS_ATTEST) and <paramref name="TpmSignature"/>
/// (TPMT_SIGNATURE), base64, so anyone can check the verdict again later with the key and the recorded values.
/// </summary>
public sealed record EvidenceVerified(
    Guid SubjectId,
    string Nonce,
    string KeyId,
    DateTimeOffset IssuedAt,
    bool Accepted,
    EvidenceRefusal? Refusal,
    string Detail,
    string By,
    DateTimeOffset At,
    string? TpmAttest = null,
    string? TpmSignature = null);

// Enrolment of an execution environment: a person proposes its attestation key and reference values, a security
// officer who is not that person approves or rejects them; only an approved key verifies quotes, until it is revoked.

/// <summary>
/// An environment's attestation key (SubjectPublicKeyInfo, base64), the endorsement key of the TPM that holds it (public key
/// or certificate, base64 DER) and its reference values were proposed for enrolment; nothing is trusted yet.
/// </summary>
public sealed record EnrolmentProposed(
    Guid SubjectId,
    Guid EnrolmentId,
    string KeyId,
    string PublicKey,
    string EkKeyId,
    string Endorsement,
    bool EndorsementIsCertificate,
    IReadOnlyList<Measurement> ReferenceValues,
    string Reason,
    string ProposedBy,
    DateTimeOffset ProposedAt);

/// <summary>A security officer other than the proposer approved the enrolment: from now on its key and reference values verify quotes.</summary>
public sealed record EnrolmentApproved(Guid SubjectId, Guid EnrolmentId, string KeyId, string ApprovedBy, DateTimeOffset ApprovedAt);

/// <summary>A security officer rejected the proposed enrolment; its key is refused as before.</summary>
public sealed record EnrolmentRejected(Guid SubjectId, Guid EnrolmentId, string KeyId, string Reason, string RejectedBy, DateTimeOffset RejectedAt);

/// <summary>A security officer revoked an enrolled attestation key: quotes it signs are refused from now on, for good.</summary>
public sealed record AttestationKeyRevoked(Guid SubjectId, Guid EnrolmentId, string KeyId, string Reason, string RevokedBy, DateTimeOffset RevokedAt);

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

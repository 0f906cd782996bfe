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

    public AttestationRegistration? Registration =>
        KeyId is null || PublicKey is null ? null : new AttestationRegistration(Id, Kind, KeyId, PublicKey, ReferenceValues);

    public static AttestationSubject Create(AttestationKeyRegistered e) =>
        new(e.SubjectId, e.SubjectKind, e.KeyId, e.PublicKey, [], null, 0, 0);

    /// <summary>Evidence judged before any registration (refused as not registered) still opens the subject's record.</summary>
    public static AttestationSubject Create(EvidenceVerified e) =>
        new AttestationSubject(e.SubjectId, AttestedSubjectKind.Environment, null, null, [], null, 0, 0).Apply(e);

    public AttestationSubject Apply(AttestationKeyRegistered e) => this with { Kind = e.SubjectKind, KeyId = e.KeyId, PublicKey = e.PublicKey };

    public AttestationSubject Apply(ReferenceValuesRegistered e) => this with { ReferenceValues = e.Measurements };

    public AttestationSubject Apply(EvidenceVerified e) => this with
    {
        LastVerification = e,
        Verifications = Verifications + 1,
        Refusals = Refusals + (e.Accepted ? 0 : 1),
    };
}

namespace Console.Workflows.Attestation.Enrolling;

/// <summary>
/// What enrolment says about a quote before its signature is even looked at (pure): an environment is judged only
/// against an approved, unrevoked enrolment. A quote signed by a revoked key is <see cref="EvidenceRefusal.RevokedKey"/>;
/// one signed by a key awaiting approval or rejected is <see cref="EvidenceRefusal.UnknownKey"/>; an environment with no
/// approved enrolment is <see cref="EvidenceRefusal.NotRegistered"/>. VNF instances are enrolled by the infrastructure
/// that started them (see <see cref="SubjectEnrolment"/>) and pass through.
/// </summary>
public static class EnrolmentGate
{
    public static EvidenceVerdict? Judge(AttestedSubjectKind kind, Guid subjectId, AttestationSubject? subject, string evidenceKeyId)
    {
        if (kind != AttestedSubjectKind.Environment)
            return null;
        // A key rejected once and approved later is judged by its approval.
        if (subject?.Enrolment is { IsRevoked: false } current && current.Proposal.KeyId == evidenceKeyId)
            return null;
        if (subject?.RefusedKeys.LastOrDefault(k => k.KeyId == evidenceKeyId) is { } refused)
            return refused.Revoked
                ? EvidenceVerdict.Refuse(EvidenceRefusal.RevokedKey,
                    $"The quote is signed by attestation key {refused.KeyId}, revoked by {refused.By} at {refused.At:u}: {refused.Reason}")
                : EvidenceVerdict.Refuse(EvidenceRefusal.UnknownKey,
                    $"The quote is signed by attestation key {refused.KeyId}, whose enrolment {refused.By} rejected at {refused.At:u}: {refused.Reason}");
        if (subject?.PendingEnrolment is { } pending && pending.KeyId == evidenceKeyId)
            return EvidenceVerdict.Refuse(EvidenceRefusal.UnknownKey,
                $"The quote is signed by attestation key {pending.KeyId}, proposed for enrolment by {pending.ProposedBy} at {pending.ProposedAt:u} and not approved yet; a security officer other than the proposer must approve it.");
        if (subject?.Enrolment is not { IsRevoked: false })
            return EvidenceVerdict.Refuse(EvidenceRefusal.NotRegistered,
                $"Environment {subjectId:D} has no approved enrolment: propose its attestation key and reference values, and have a security officer approve them, before anything runs there.");
        return null;
    }
}

using Console.Workflows.Attestation;

namespace Console.Workflows.Audit.History;

public static partial class HistoryMapper
{
    /// <summary>Reads enrolment's events (proposed, approved, rejected, revoked); false when <paramref name="data"/> is none of them.</summary>
    private static bool ReadEnrolmentEvent(object data, Row row, HistorySubjectBook book)
    {
        switch (data)
        {
            case EnrolmentProposed e:
                row.By(e.ProposedBy, null, e.ProposedAt).ConcerningEnvironment(book, e.SubjectId);
                row.Summary = $"Attestation key {e.KeyId} (EK {e.EkKeyId}) and {Count(e.ReferenceValues.Count, "reference value")} proposed for enrolment of {EnvironmentName(book, e.SubjectId)}; not trusted until a security officer approves.";
                row.Details = $"{e.Reason} Reference values: {string.Join(", ", e.ReferenceValues.Select(v => $"{v.Register}={v.Digest}"))}.";
                break;

            case EnrolmentApproved e:
                row.By(e.ApprovedBy, null, e.ApprovedAt).ConcerningEnvironment(book, e.SubjectId);
                row.Summary = $"Enrolment of attestation key {e.KeyId} for {EnvironmentName(book, e.SubjectId)} approved; its quotes are verified against it from now on.";
                break;

            case EnrolmentRejected e:
                row.By(e.RejectedBy, null, e.RejectedAt).ConcerningEnvironment(book, e.SubjectId);
                row.Summary = $"Enrolment of attestation key {e.KeyId} for {EnvironmentName(book, e.SubjectId)} rejected: {e.Reason}";
                row.Details = e.Reason;
                break;

            case AttestationKeyRevoked e:
                row.By(e.RevokedBy, null, e.RevokedAt).ConcerningEnvironment(book, e.SubjectId);
                row.Summary = $"Attestation key {e.KeyId} of {EnvironmentName(book, e.SubjectId)} revoked: {e.Reason}";
                row.Details = e.Reason;
                break;

            default:
                return false;
        }

        return true;
    }

    private static string EnvironmentName(HistorySubjectBook book, Guid id) => book.NameOf(id) ?? $"environment {Short(id)}";
}

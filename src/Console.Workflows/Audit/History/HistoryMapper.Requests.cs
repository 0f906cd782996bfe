using Console.Workflows.Requests;

namespace Console.Workflows.Audit.History;

public static partial class HistoryMapper
{
    /// <summary>Reads the request workflow's events (RequestDescriptions words those the journal shows too); false when <paramref name="data"/> is none of them.</summary>
    private static bool ReadRequestEvent(object data, Row row, HistorySubjectBook book)
    {
        switch (data)
        {
            case RequestSubmitted e:
            {
                var request = RequestSubject(e.RequestId, e.Content, e.VnfName, book);
                book.Put(request);
                row.By(e.RequesterId, e.RequesterName, e.At).Concerning(request);
                row.Summary = $"Requested {Describe(e.Content)} of {e.VnfName}{Target(e.Content, book)}. {e.Requirement.Explanation}";
                row.Details = e.Justification;
                break;
            }

            case RequestAmended e:
            {
                var vnfName = book.Find(e.RequestId, HistorySubjectKind.Request)?.VnfName ?? book.NameOf(e.Content.VnfId) ?? "the VNF";
                var request = RequestSubject(e.RequestId, e.Content, vnfName, book);
                book.Put(request);
                row.By(e.By, null, e.At).Concerning(request);
                row.Summary = $"Changed the request to {Describe(e.Content)} of {vnfName}{Target(e.Content, book)}; earlier approvals no longer count.";
                row.Details = e.Justification;
                break;
            }

            case ApprovalGranted e:
                row.By(e.ApproverId, e.ApproverName, e.At).Concerning(book.Find(e.RequestId, HistorySubjectKind.Request), e.RequestId);
                row.Summary = $"Approved for {e.Group}{Accounts.SteppingUp.StepUpMethods.Suffix(e.AuthenticationMethod, e.AuthenticatedAt)}.";
                row.Details = e.Comment;
                break;

            case RequestApproved e:
                Described(row, book, e, e.RequestId, e.By, null, e.At);
                break;

            case RequestRejected e:
                Described(row, book, e, e.RequestId, e.ApproverId, e.ApproverName, e.At, e.Reason);
                break;

            case RequestCancelled e:
                Described(row, book, e, e.RequestId, e.By, e.ByName, e.At, e.Reason);
                break;

            case RequestExpired e:
                Described(row, book, e, e.RequestId, e.By, null, e.At);
                break;

            case ExecutionStarted e:
                Described(row, book, e, e.RequestId, e.By, null, e.At);
                break;

            case TargetAttestationChecked e:
                row.By(e.By, null, e.At).Concerning(book.Find(e.RequestId, HistorySubjectKind.Request), e.RequestId);
                row.Environments.Add(e.EnvironmentId);
                row.Summary = $"Attestation of {book.NameOf(e.EnvironmentId) ?? "the target"} {(e.Passed ? "passed" : "failed")}: {e.Detail}";
                row.Details = e.Detail;
                break;

            case ExecutionCompleted e:
                Described(row, book, e, e.RequestId, e.By, null, e.At, e.Result);
                break;

            case ExecutionFailed e:
                Described(row, book, e, e.RequestId, e.By, null, e.At, e.Reason);
                break;

            case ExecutionRetryRequested e:
                Described(row, book, e, e.RequestId, e.By, e.ByName, e.At, e.Reason);
                break;

            case ExecutionWindowMissed e:
                Described(row, book, e, e.RequestId, e.By, null, e.At);
                break;

            default:
                return false;
        }

        return true;
    }

    /// <summary>A request event <see cref="RequestDescriptions"/> words: the same sentence as the request page's journal.</summary>
    private static void Described(
        Row row, HistorySubjectBook book, object e, Guid requestId, string by, string? byName, DateTimeOffset at, string? details = null)
    {
        row.By(by, byName, at).Concerning(book.Find(requestId, HistorySubjectKind.Request), requestId);
        row.Summary = RequestDescriptions.Of(e)!;
        row.Details = details;
    }
}

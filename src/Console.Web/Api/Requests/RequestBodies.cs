using Console.Workflows.Requests;
using Console.Workflows.Requests.Submitting;

namespace Console.Web.Api.Requests;

// The JSON the API accepts. Everything is nullable and optional to the deserializer so that a missing field is told
// apart from a default value and answered with a field message naming it; the workflow then judges the content
// itself (rights, placement, lengths).

/// <summary>An optional window in which the operation may run (UTC).</summary>
public sealed record WindowBody(DateTimeOffset? Start, DateTimeOffset? End)
{
    internal ChangeWindow? ToWindow() => Start is { } start && End is { } end ? new ChangeWindow(start, end) : null;
}

/// <summary>
/// Raise a request. kind Snapshot or Migration: vnfId, and componentIds (empty or absent: all of the VNF's components);
/// Migration also targetEnvironmentId; SnapshotDeletion: vnfId and snapshotId; Restore: vnfId and snapshotId; Pause,
/// Resume, Stop, Start, Restart: vnfId (the operation acts on the VNF's running instance as a whole).
/// </summary>
public sealed record SubmitRequestBody(
    RequestKind? Kind = null,
    Guid? VnfId = null,
    IReadOnlyList<Guid>? ComponentIds = null,
    Guid? TargetEnvironmentId = null,
    Guid? SnapshotId = null,
    string? Justification = null,
    WindowBody? Window = null)
{
    /// <summary>The workflow's own input rules (<see cref="RequestInput"/>), answered with the names the client used.</summary>
    public (SubmitRequest? Command, ApiFieldErrors Errors) ToCommand(DateTimeOffset now)
    {
        var errors = new ApiFieldErrors().AddAll(RequestInput.Check(
            new RequestDraft(Kind, VnfId, TargetEnvironmentId, SnapshotId, Justification, Window?.Start, Window?.End), now));
        return errors.Any
            ? (null, errors)
            : (new SubmitRequest(Kind!.Value, VnfId!.Value, ComponentIds ?? [], TargetEnvironmentId, SnapshotId,
                Justification!.Trim(), Window?.ToWindow()), errors);
    }
}

/// <summary>Change what a pending request asks for; approvals given so far stop counting.</summary>
public sealed record AmendRequestBody(
    IReadOnlyList<Guid>? ComponentIds = null,
    Guid? TargetEnvironmentId = null,
    string? Justification = null,
    WindowBody? Window = null,
    int? ExpectedVersion = null)
{
    public (AmendRequest? Command, ApiFieldErrors Errors) ToCommand(Guid requestId, int expectedVersion, DateTimeOffset now)
    {
        var errors = new ApiFieldErrors().AddAll(RequestInput.CheckAmendment(Justification, Window?.Start, Window?.End, now));
        return errors.Any
            ? (null, errors)
            : (new AmendRequest(requestId, expectedVersion, ComponentIds ?? [], TargetEnvironmentId, Justification!.Trim(), Window?.ToWindow()), errors);
    }
}

/// <summary>Approve exactly the content with this digest (request.contentDigest of GET /api/requests/{id}).</summary>
/// <remarks>
/// <c>stepUpCode</c>: the current code of the approver's authenticator app or an unused recovery code, needed for
/// Sensitive, Critical or cross-domain work (refused with 403 without it).
/// </remarks>
public sealed record ApproveBody(string? ContentDigest = null, string? Comment = null, int? ExpectedVersion = null, string? StepUpCode = null);

/// <summary>Cancel, with the reason.</summary>
public sealed record ReasonBody(string? Reason = null, int? ExpectedVersion = null);

/// <summary>Reject, with the reason (mandatory) and, for work that needs it, the step-up code as for approving.</summary>
public sealed record RejectBody(string? Reason = null, int? ExpectedVersion = null, string? StepUpCode = null);

/// <summary>Run a failed execution again, saying why (the reason is required; the version may come in If-Match).</summary>
public sealed record RetryBody(int? ExpectedVersion = null, string? Reason = null);

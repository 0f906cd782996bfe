using Console.Workflows.Requests;

namespace Console.Web.Api.Requests;

// The JSON the API accepts. Everything is nullable and optional to the deserializer so that a missing field is told
// apart from a default value and answered with a field message naming it; the workflow then judges the content
// itself (rights, placement, lengths).

/// <summary>An optional window in which the operation may run (UTC).</summary>
public sealed record WindowBody(DateTimeOffset? Start, DateTimeOffset? End)
{
    internal ChangeWindow? ToWindow(string field, ApiFieldErrors errors)
    {
        errors.Require(Start is not null, field + ".start", "Give the start of the change window.")
            .Require(End is not null, field + ".end", "Give the end of the change window.");
        return Start is { } start && End is { } end ? new ChangeWindow(start, end) : null;
    }
}

/// <summary>
/// Raise a request. kind Snapshot or Migration: vnfId, and componentIds (empty or absent: all of the VNF's components);
/// Migration also targetEnvironmentId; SnapshotDeletion: snapshotId; Restore: vnfId and snapshotId; Pause, Resume, Stop,
/// Start, Restart: vnfId (the operation acts on the VNF's running instance as a whole).
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
    public (SubmitRequest? Command, ApiFieldErrors Errors) ToCommand()
    {
        var errors = new ApiFieldErrors()
            .Require(Kind is not null, "kind",
                "Say what to do: Snapshot, Migration, SnapshotDeletion, Restore, Pause, Resume, Stop, Start or Restart.")
            .Require(!string.IsNullOrWhiteSpace(Justification), "justification", "Say why this is needed.");
        if (Kind is RequestKind.Snapshot or RequestKind.Migration or RequestKind.Restore || Kind?.IsLifecycle() == true)
        {
            errors.Require(VnfId is not null && VnfId != Guid.Empty, "vnfId", "Name the VNF (its id).");
        }

        if (Kind is RequestKind.Migration)
        {
            errors.Require(TargetEnvironmentId is not null && TargetEnvironmentId != Guid.Empty, "targetEnvironmentId",
                "Name the environment to move to (its id).");
        }

        if (Kind is RequestKind.SnapshotDeletion)
        {
            errors.Require(SnapshotId is not null && SnapshotId != Guid.Empty, "snapshotId", "Name the snapshot to delete (its id).");
        }

        if (Kind is RequestKind.Restore)
        {
            errors.Require(SnapshotId is not null && SnapshotId != Guid.Empty, "snapshotId", "Name the snapshot to roll back to (its id).");
        }

        var window = Window?.ToWindow("window", errors);
        if (errors.Any)
        {
            return (null, errors);
        }

        return (new SubmitRequest(Kind!.Value, VnfId ?? Guid.Empty, ComponentIds ?? [], TargetEnvironmentId, SnapshotId,
            Justification!.Trim(), window), errors);
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
    public (AmendRequest? Command, ApiFieldErrors Errors) ToCommand(Guid requestId, int expectedVersion)
    {
        var errors = new ApiFieldErrors()
            .Require(!string.IsNullOrWhiteSpace(Justification), "justification", "Say why this is needed.");
        var window = Window?.ToWindow("window", errors);
        return errors.Any
            ? (null, errors)
            : (new AmendRequest(requestId, expectedVersion, ComponentIds ?? [], TargetEnvironmentId, Justification!.Trim(), window), errors);
    }
}

/// <summary>Approve exactly the content with this digest (request.contentDigest of GET /api/requests/{id}).</summary>
public sealed record ApproveBody(string? ContentDigest = null, string? Comment = null, int? ExpectedVersion = null);

/// <summary>Reject or cancel, with the reason (mandatory for a rejection).</summary>
public sealed record ReasonBody(string? Reason = null, int? ExpectedVersion = null);

/// <summary>Run a failed execution again, saying why (the reason is required; the version may come in If-Match).</summary>
public sealed record RetryBody(int? ExpectedVersion = null, string? Reason = null);

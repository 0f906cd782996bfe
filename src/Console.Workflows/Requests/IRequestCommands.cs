using Console.Workflows.Common;

namespace Console.Workflows.Requests;

/// <summary>Raise a request. Empty <see cref="ComponentIds"/> means all of the VNF's components.</summary>
public sealed record SubmitRequest(
    RequestKind Kind,
    Guid VnfId,
    IReadOnlyList<Guid> ComponentIds,
    Guid? TargetEnvironmentId,
    Guid? SnapshotId,
    string Justification,
    ChangeWindow? Window);

/// <summary>The requester changes what is asked while it waits for approval; earlier approvals stop counting.</summary>
public sealed record AmendRequest(
    Guid RequestId,
    int ExpectedVersion,
    IReadOnlyList<Guid> ComponentIds,
    Guid? TargetEnvironmentId,
    string Justification,
    ChangeWindow? Window);

/// <summary>Approve exactly the content with this digest (what the approver saw).</summary>
public sealed record ApproveRequest(Guid RequestId, int ExpectedVersion, string ContentDigest, string? Comment);

public sealed record RejectRequest(Guid RequestId, int ExpectedVersion, string Reason);

public sealed record CancelRequest(Guid RequestId, int ExpectedVersion, string Reason);

/// <summary>Run a failed execution again (the requester or one of its approvers), saying why.</summary>
public sealed record RetryExecution(Guid RequestId, int ExpectedVersion, string Reason);

/// <summary>
/// The write side of requests, for pages and the REST API alike. Each command is carried out by the durable workflow
/// (Wolverine on Marten); refusals come back as <see cref="Outcome.Refusal"/>, never as exceptions. The outcome's id
/// is the request's id.
/// </summary>
public interface IRequestCommands
{
    Task<Outcome> SubmitAsync(SubmitRequest command, Actor actor, CancellationToken ct = default);

    Task<Outcome> AmendAsync(AmendRequest command, Actor actor, CancellationToken ct = default);

    Task<Outcome> ApproveAsync(ApproveRequest command, Actor actor, CancellationToken ct = default);

    Task<Outcome> RejectAsync(RejectRequest command, Actor actor, CancellationToken ct = default);

    Task<Outcome> CancelAsync(CancelRequest command, Actor actor, CancellationToken ct = default);

    Task<Outcome> RetryAsync(RetryExecution command, Actor actor, CancellationToken ct = default);
}

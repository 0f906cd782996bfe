using Console.Workflows.Common;
using Console.Workflows.Requests.Amending;
using Console.Workflows.Requests.Approving;
using Console.Workflows.Requests.Cancelling;
using Console.Workflows.Requests.Rejecting;
using Console.Workflows.Requests.Retrying;
using Console.Workflows.Requests.Submitting;

namespace Console.Workflows.Requests;

// The commands on requests, issued through IConsoleCommandBus by pages and the REST API alike and carried out by the durable
// workflow (Wolverine on Marten). The outcome's id is the request's id.

/// <summary>Raise a request. Empty <see cref="ComponentIds"/> means all of the VNF's components.</summary>
public sealed record SubmitRequest(
    RequestKind Kind,
    Guid VnfId,
    IReadOnlyList<Guid> ComponentIds,
    Guid? TargetEnvironmentId,
    Guid? SnapshotId,
    string Justification,
    ChangeWindow? Window) : IConsoleCommand
{
    public ICommandBy By(Actor actor) => new SubmitRequestBy(this, actor);
}

/// <summary>The requester changes what is asked while it waits for approval; earlier approvals stop counting.</summary>
public sealed record AmendRequest(
    Guid RequestId,
    int ExpectedVersion,
    IReadOnlyList<Guid> ComponentIds,
    Guid? TargetEnvironmentId,
    string Justification,
    ChangeWindow? Window) : IConsoleCommand
{
    public ICommandBy By(Actor actor) => new AmendRequestBy(this, actor);
}

/// <summary>Approve exactly the content with this digest (what the approver saw).</summary>
public sealed record ApproveRequest(Guid RequestId, int ExpectedVersion, string ContentDigest, string? Comment) : IConsoleCommand
{
    /// <summary>
    /// The current code of the approver's authenticator app, or one of their recovery codes: needed for work that needs
    /// a fresh authentication (<see cref="Accounts.SteppingUp.StepUpRules"/>), verified by the handler.
    /// </summary>
    public string? StepUpCode { get; init; }

    public ICommandBy By(Actor actor) => new ApproveRequestBy(this, actor);
}

public sealed record RejectRequest(Guid RequestId, int ExpectedVersion, string Reason) : IConsoleCommand
{
    /// <summary>As for <see cref="ApproveRequest.StepUpCode"/>: rejecting such work needs the same fresh authentication.</summary>
    public string? StepUpCode { get; init; }

    public ICommandBy By(Actor actor) => new RejectRequestBy(this, actor);
}

public sealed record CancelRequest(Guid RequestId, int ExpectedVersion, string Reason) : IConsoleCommand
{
    public ICommandBy By(Actor actor) => new CancelRequestBy(this, actor);
}

/// <summary>Run a failed execution again (the requester or one of its approvers), saying why.</summary>
public sealed record RetryExecution(Guid RequestId, int ExpectedVersion, string Reason) : IConsoleCommand
{
    public ICommandBy By(Actor actor) => new RetryExecutionBy(this, actor);
}

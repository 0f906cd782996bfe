using Console.Workflows.Common;
using Console.Workflows.Requests.Amending;
using Console.Workflows.Requests.Approving;
using Console.Workflows.Requests.Cancelling;
using Console.Workflows.Requests.Rejecting;
using Console.Workflows.Requests.Retrying;

namespace Console.Workflows.Requests;

/// <summary>
/// What a person may do with a request now, judged by the deciders' own checks (role table first), so the request page
/// offers exactly what the server would accept; the server judges every command again.
/// </summary>
/// <param name="ApproveFor">The group this person's approval would fill; null when they may not approve.</param>
public sealed record RequestActions(string? ApproveFor, bool Reject, bool Cancel, bool Retry, bool IsRequester)
{
    public static readonly RequestActions None = new(null, false, false, false, false);

    /// <summary>The requester may change what is asked while it waits for approval (approvals given stop counting).</summary>
    public bool Amend { get; init; }

    public bool Any => ApproveFor is not null || Reject || Cancel || Retry || Amend;

    public static RequestActions For(ChangeRequest request, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(actor);
        var isRequester = actor.UserId == request.RequesterId;
        // Owner-group membership alone never offers Approve or Reject: the deciders say who may.
        var judges = request.Status == RequestStatus.PendingApproval && !isRequester;
        return new RequestActions(
            judges ? ApproveRequestDecider.GroupToFill(request, actor) : null,
            judges && RejectRequestDecider.MayReject(request, actor),
            CancelRequestDecider.MayCancel(request, actor) is null
                && request.Status is RequestStatus.PendingApproval or RequestStatus.Approved && request.ExecutionAttempts == 0,
            request.Status == RequestStatus.Failed && !request.RetryRequested && RetryExecutionDecider.MayRetry(request, actor) is null,
            isRequester)
        {
            Amend = request.Status == RequestStatus.PendingApproval && AmendRequestDecider.MayAmend(request, actor) is null,
        };
    }
}

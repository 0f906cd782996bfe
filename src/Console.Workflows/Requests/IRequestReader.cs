using Console.Workflows.Common;
using Console.Workflows.Inventory;

namespace Console.Workflows.Requests;

public enum RequestSortField
{
    SubmittedAt,
    LastChangedAt,
    Status,
    Kind,
    Vnf,
    Requester,
}

public sealed record RequestSearch(
    string? Text = null,
    RequestKind? Kind = null,
    RequestStatus? Status = null,
    Guid? VnfId = null,
    string? RequesterId = null,
    DateTimeOffset? SubmittedFrom = null,
    DateTimeOffset? SubmittedTo = null,
    RequestSortField SortBy = RequestSortField.SubmittedAt,
    bool Descending = true,
    int Page = 0,
    int PageSize = 25);

public sealed record RequestListItem(
    Guid Id,
    RequestKind Kind,
    RequestStatus Status,
    Guid VnfId,
    string VnfName,
    Sensitivity HighestSensitivity,
    string? TargetEnvironmentName,
    string RequesterName,
    DateTimeOffset SubmittedAt,
    DateTimeOffset LastChangedAt,
    int ApprovalsCounted,
    int ApprovalsRequired)
{
    /// <summary>When a pending request expires (the inbox shows it); null when the reader does not know.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>When an approved request waits for its change window to open; null when it does not wait.</summary>
    public DateTimeOffset? ScheduledFor { get; init; }
}

/// <summary>One group of the quorum as the request page shows it: how many, who filled it.</summary>
public sealed record GroupProgress(RequiredGroup Group, IReadOnlyList<Approval> FilledBy)
{
    public bool Satisfied => FilledBy.Count >= Group.Required;
}

/// <summary>One line of the request's journal: every event of its stream, who and when, in words.</summary>
public sealed record JournalEntry(long Version, string EventType, string Actor, DateTimeOffset At, string Summary);

public sealed record RequestDetails(
    ChangeRequest Request,
    IReadOnlyList<GroupProgress> Groups,
    IReadOnlyList<JournalEntry> Journal,
    string? SourceEnvironmentName,
    string? TargetEnvironmentName,
    IReadOnlyList<VnfComponent> Components)
{
    /// <summary>Every amendment with what it changed and whose approvals it voided, oldest first.</summary>
    public IReadOnlyList<Amending.Amendment> Amendments { get; init; } = [];
}

/// <summary>
/// A request the person may act on now, and the group their approval would fill; with what an approver reads before
/// approving (justification, window, components, source and target) and what approving would set in motion.
/// </summary>
public sealed record InboxItem(RequestListItem Request, string GroupToFill, string ContentDigest, int Version)
{
    /// <summary>Why approving or rejecting it needs a fresh authentication (<see cref="Accounts.SteppingUp.StepUpRules.Why"/>), or null.</summary>
    public string? StepUpReason { get; init; }

    public string Justification { get; init; } = "";

    public ChangeWindow? Window { get; init; }

    /// <summary>The components the request acts on, as the inventory knows them now.</summary>
    public IReadOnlyList<VnfComponent> Components { get; init; } = [];

    public string? SourceEnvironmentName { get; init; }

    /// <summary>What this person's approval would set in motion (<see cref="Approving.ApproveRequestDecider.EffectOf"/>).</summary>
    public Approving.ApprovalEffect? Effect { get; init; }

    /// <summary>
    /// The item for a request this person may approve (<paramref name="group"/> from the decider's GroupToFill), as
    /// every reader builds it: the decider's effect, the step-up rule's reason, the content as stored.
    /// </summary>
    public static InboxItem For(
        ChangeRequest request, RequestListItem item, string group, IReadOnlyList<VnfComponent> components, string? sourceName,
        Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new InboxItem(item, group, request.ContentDigest, request.Version)
        {
            StepUpReason = Accounts.SteppingUp.StepUpRules.Why(request),
            Justification = request.Justification,
            Window = request.Window,
            Components = components,
            SourceEnvironmentName = sourceName,
            Effect = Approving.ApproveRequestDecider.EffectOf(request, actor, now),
        };
    }
}

public interface IRequestReader
{
    Task<PagedResult<RequestListItem>> SearchAsync(RequestSearch search, CancellationToken ct = default);

    Task<RequestDetails?> GetAsync(Guid requestId, CancellationToken ct = default);

    /// <summary>Pending requests this person may approve (never their own), with the group they would fill.</summary>
    Task<IReadOnlyList<InboxItem>> InboxAsync(Actor actor, CancellationToken ct = default);
}

/// <summary>Raised after any change to a request is committed, so open pages refresh without a manual reload.</summary>
public interface IRequestNotifications
{
    event Action<Guid>? RequestChanged;
}

using System.Globalization;
using Console.Workflows.Common;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Approvals;
using Console.Workflows.Requests.Approving;

namespace Console.Workflows.Notifications.Planning;

/// <summary>What happened to a request that people are told of.</summary>
public enum RequestMoment
{
    Submitted = 0,
    Amended = 1,
    Approved = 2,
    Rejected = 3,
    Completed = 4,
    Failed = 5,
    NearingExpiry = 6,
}

/// <summary>
/// Who is told what, as a pure function of the request and the people. Whether an approver can approve, and which slot
/// they fill, comes from <see cref="ApproveRequestDecider.GroupToFill"/> (the role table and <see cref="Quorum.GroupFor"/>,
/// as the decider and the inbox judge it), so a notice never names a slot the decider would refuse them.
/// </summary>
public static class NotificationPlanner
{
    public static IReadOnlyList<PlannedNotice> ForRequest(
        ChangeRequest request, RequestMoment moment, string? detail, IReadOnlyList<Actor> people, string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(people);
        var link = $"{baseUrl.TrimEnd('/')}/requests/{request.Id}";
        var what = $"{Kind(request.Content.Kind)} of {request.VnfName}";
        return moment switch
        {
            RequestMoment.Submitted or RequestMoment.Amended => request.Status == RequestStatus.PendingApproval
                ? [.. Approvers(request, people).Select(x => new PlannedNotice(
                    x.Person.UserId, NoticeTopic.ApprovalNeeded,
                    $"{(moment == RequestMoment.Amended ? "Changed, approve again" : "Approval needed")}: {what}",
                    Summary(request) + (moment == RequestMoment.Amended ? " The requester changed it; earlier approvals no longer count." : ""),
                    x.Why, link))]
                : [],
            RequestMoment.NearingExpiry => request.Status == RequestStatus.PendingApproval && !Quorum.IsMet(request)
                ? Escalation(request, people, what, link)
                : [],
            RequestMoment.Approved => ToRequester(request, NoticeTopic.RequestApproved, $"Approved: {what}", detail, link),
            RequestMoment.Rejected => ToRequester(request, NoticeTopic.RequestRejected, $"Rejected: {what}", detail, link),
            RequestMoment.Completed => ToRequester(request, NoticeTopic.RequestCompleted, $"Done: {what}", detail, link),
            RequestMoment.Failed => ToRequester(request, NoticeTopic.RequestFailed, $"Failed: {what}", detail, link),
            _ => [],
        };
    }

    /// <summary>
    /// Whether <see cref="ForRequest"/> looks among the people for this moment (approvers, managers), or tells only
    /// the requester, whom the request names.
    /// </summary>
    public static bool ConcernsPeopleByRole(RequestMoment moment) =>
        moment is RequestMoment.Submitted or RequestMoment.Amended or RequestMoment.NearingExpiry;

    /// <summary>Every security officer hears of a fork, refused evidence or a broken audit log.</summary>
    public static IReadOnlyList<PlannedNotice> ForAlert(string title, string detail, IReadOnlyList<Actor> people, string link)
    {
        ArgumentNullException.ThrowIfNull(people);
        return [.. people.Where(p => p.IsInRole(Roles.SecurityOfficer)).Select(p => new PlannedNotice(
            p.UserId, NoticeTopic.SecurityAlert, $"Security alert: {title}", detail,
            "You are a security officer: alerts are yours to acknowledge, assign and close.", link))];
    }

    /// <summary>Managers hear of a non-zero count of overdue snapshots (the alarm that should stay at zero).</summary>
    public static IReadOnlyList<PlannedNotice> ForOverdue(long overdue, IReadOnlyList<Actor> people, string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(people);
        if (overdue <= 0)
            return [];
        var text = overdue == 1
            ? "1 snapshot is past its expiry and was not deleted by the sweep. Look at the overdue list and find out why."
            : $"{overdue} snapshots are past their expiry and were not deleted by the sweep. Look at the overdue list and find out why.";
        return [.. people.Where(p => p.IsInRole(Roles.Manager)).Select(p => new PlannedNotice(
            p.UserId, NoticeTopic.OverdueSnapshots, $"Overdue snapshots: {overdue}", text,
            "You are a manager: you watch the overdue count.", $"{baseUrl.TrimEnd('/')}/dashboards"))];
    }

    /// <summary>
    /// When the escalation goes out: <paramref name="lead"/> before expiry, but never in the first half of the time
    /// approvers have (a short deadline is not escalated at once).
    /// </summary>
    public static DateTimeOffset EscalationAt(DateTimeOffset submittedAt, DateTimeOffset expiresAt, TimeSpan lead)
    {
        var half = submittedAt + ((expiresAt - submittedAt) / 2);
        var beforeExpiry = expiresAt - lead;
        return beforeExpiry > half ? beforeExpiry : half;
    }

    private static IEnumerable<(Actor Person, string Why)> Approvers(ChangeRequest request, IReadOnlyList<Actor> people)
    {
        foreach (var person in people)
        {
            if (ApproveRequestDecider.GroupToFill(request, person) is not { } group)
                continue;
            var slot = request.Requirement.Groups.First(g => string.Equals(g.Name, group, StringComparison.OrdinalIgnoreCase));
            yield return (person, $"You can fill a slot of \"{slot.Name}\" ({Humanise.Group(slot)} needed): {Because(slot)}.");
        }
    }

    private static string Because(RequiredGroup slot) => slot.Source == Policy.ApproverSource.TargetDomainOwners
        ? $"you are a member of {slot.Designates}, which owns the target trust domain"
        : $"you hold the role {slot.Designates}";

    private static List<PlannedNotice> Escalation(ChangeRequest request, IReadOnlyList<Actor> people, string what, string link)
    {
        var missing = Quorum.Progress(request).Where(p => !p.Satisfied)
            .Select(p => Humanise.Group(p.Group with { Required = p.Group.Required - p.FilledBy.Count }))
            .ToList();
        var expires = request.ExpiresAt.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var text = $"Expires {expires} without its quorum; still missing {Humanise.List(missing)}. {Summary(request)}";
        var notices = Approvers(request, people)
            .Select(x => new PlannedNotice(x.Person.UserId, NoticeTopic.ApprovalEscalation, $"Expiring soon: {what}", text, x.Why, link))
            .ToList();
        notices.AddRange(people
            .Where(p => p.IsInRole(Roles.Manager) && notices.All(n => n.RecipientId != p.UserId))
            .Select(p => new PlannedNotice(p.UserId, NoticeTopic.ApprovalEscalation, $"Expiring soon without approval: {what}", text,
                "You are a manager: requests about to expire without their approvals are escalated to you.", link)));
        return notices;
    }

    private static List<PlannedNotice> ToRequester(ChangeRequest request, NoticeTopic topic, string subject, string? detail, string link) =>
    [
        new(request.RequesterId, topic, subject, string.IsNullOrWhiteSpace(detail) ? Summary(request) : $"{detail} {Summary(request)}",
            "You raised this request.", link),
    ];

    private static string Summary(ChangeRequest request)
    {
        var window = request.Window is { } w
            ? $" Change window {w.Start.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} to {w.End.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}."
            : "";
        return $"Raised by {request.RequesterName}: \"{request.Justification}\".{window} Needs {request.Requirement.Explanation}.";
    }

    private static string Kind(RequestKind kind) => kind switch
    {
        RequestKind.Migration => "Migration",
        RequestKind.Snapshot => "Snapshot",
        RequestKind.SnapshotDeletion => "Snapshot deletion",
        RequestKind.GuardChange => "Guard change",
        _ => kind.ToString(),
    };
}

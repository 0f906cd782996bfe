using System.Globalization;
using Console.Workflows.Requests.Approvals;

namespace Console.Workflows.Requests.Amending;

/// <summary>One thing an amendment changed, as the approvers read it before and after.</summary>
public sealed record FieldChange(string Field, string Before, string After);

/// <summary>
/// One amendment of a request, read from its events: who, when, what changed, and whose approvals stopped counting
/// because of it (the approvals given to the content it replaced).
/// </summary>
public sealed record Amendment(long Version, string By, DateTimeOffset At, IReadOnlyList<FieldChange> Changes, IReadOnlyList<string> VoidedApprovals);

/// <summary>Names of the things a request refers to by id; null where the reader does not know one (any more).</summary>
public sealed record AmendmentNames(Func<Guid, string?> Component, Func<Guid, string?> Environment);

/// <summary>
/// The amendments of a request with what each changed, from the request's event stream: the request page shows them so
/// the requester and the approvers see what is different now and that earlier approvals no longer count.
/// </summary>
public static class AmendmentHistory
{
    public static class Fields
    {
        public const string Components = "Components";
        public const string Target = "Target";
        public const string Window = "Change window";
        public const string Justification = "Justification";
        public const string Approvals = "Approvals needed";
        public const string PolicyRevision = "Policy revision";
    }

    /// <param name="events">The request's events in stream order, each with its version.</param>
    public static IReadOnlyList<Amendment> Of(IEnumerable<(long Version, object Data)> events, AmendmentNames names)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(names);
        var amendments = new List<Amendment>();
        Asked? current = null;
        string? requesterId = null;
        string? requesterName = null;
        var approvedBy = new List<string>();
        foreach (var (version, data) in events)
        {
            switch (data)
            {
                case RequestSubmitted e:
                    current = new Asked(e.Content, e.Justification, e.Window, e.Requirement);
                    (requesterId, requesterName) = (e.RequesterId, e.RequesterName);
                    break;
                case ApprovalGranted e when current is not null:
                    approvedBy.Add(e.ApproverName);
                    break;
                case RequestAmended e when current is not null:
                    var next = new Asked(e.Content, e.Justification, e.Window, e.Requirement);
                    // Only the requester may amend; should an older event say otherwise, show the id it names.
                    var by = e.By == requesterId && requesterName is not null ? requesterName : e.By;
                    amendments.Add(new Amendment(version, by, e.At, Changes(current, next, names), [.. approvedBy]));
                    approvedBy.Clear();
                    current = next;
                    break;
            }
        }

        return amendments;
    }

    private sealed record Asked(RequestContent Content, string Justification, ChangeWindow? Window, ApprovalRequirement Requirement);

    private static List<FieldChange> Changes(Asked before, Asked after, AmendmentNames names)
    {
        var changes = new List<FieldChange>();
        void Compare(string field, string was, string now)
        {
            if (!string.Equals(was, now, StringComparison.Ordinal))
                changes.Add(new FieldChange(field, was, now));
        }

        if (!before.Content.ComponentIds.ToHashSet().SetEquals(after.Content.ComponentIds))
            changes.Add(new FieldChange(Fields.Components, Components(before.Content, names), Components(after.Content, names)));
        Compare(Fields.Target, Environment(before.Content.TargetEnvironmentId, names), Environment(after.Content.TargetEnvironmentId, names));
        Compare(Fields.Window, Window(before.Window), Window(after.Window));
        Compare(Fields.Justification, before.Justification, after.Justification);
        Compare(Fields.Approvals, Needed(before.Requirement), Needed(after.Requirement));
        Compare(Fields.PolicyRevision,
            before.Content.PolicyRevision.ToString(CultureInfo.InvariantCulture), after.Content.PolicyRevision.ToString(CultureInfo.InvariantCulture));
        return changes;
    }

    private static string Components(RequestContent content, AmendmentNames names) =>
        string.Join(", ", content.ComponentIds.Select(id => names.Component(id) ?? ShortId(id)).Order(StringComparer.Ordinal));

    private static string Environment(Guid? id, AmendmentNames names) =>
        id is { } value ? names.Environment(value) ?? ShortId(value) : "none";

    private static string Window(ChangeWindow? window) =>
        window is { } w ? $"{At(w.Start)} to {At(w.End)}" : "any time";

    private static string Needed(ApprovalRequirement requirement) =>
        requirement.NoneNeeded ? "none" : Humanise.List(requirement.Groups.Select(Humanise.Group));

    private static string At(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string ShortId(Guid id) => id.ToString("D", CultureInfo.InvariantCulture)[..8];
}

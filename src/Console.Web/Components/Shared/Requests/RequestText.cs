using System.Globalization;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Approvals;
using Console.Workflows.Requests.Approving;
using MudBlazor;

namespace Console.Web.Components.Shared.Requests;

/// <summary>How request values read and which colour they wear, so the list, inbox and request page agree.</summary>
public static class RequestText
{
    public static string Kind(RequestKind kind) => kind switch
    {
        RequestKind.Snapshot => "Snapshot",
        RequestKind.Migration => "Migration",
        RequestKind.SnapshotDeletion => "Snapshot deletion",
        RequestKind.Restore => "Restore (roll-back)",
        RequestKind.Pause => "Pause",
        RequestKind.Resume => "Resume",
        RequestKind.Stop => "Stop",
        RequestKind.Start => "Start",
        RequestKind.Restart => "Restart",
        RequestKind.GuardChange => "Guard change",
        _ => kind.ToString(),
    };

    /// <summary>What a request is about, in a sentence for a dialog: "Migration of udm-1, requested by Olivia Operator."</summary>
    public static string Subject(RequestKind kind, string vnfName, string requesterName) =>
        $"{Kind(kind)} of {vnfName}, requested by {requesterName}.";

    /// <summary>A status as people read it ("Pending approval"); the API and the page's data-status keep the enum name.</summary>
    public static string Status(RequestStatus status) => StatusWords.Of(status);

    public static Color StatusColor(RequestStatus status) => status switch
    {
        RequestStatus.PendingApproval => Color.Warning,
        RequestStatus.Approved or RequestStatus.Executing => Color.Info,
        RequestStatus.Completed => Color.Success,
        RequestStatus.Failed or RequestStatus.Rejected or RequestStatus.WindowMissed => Color.Error,
        _ => Color.Default,
    };

    public static string At(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string At(DateTimeOffset? at) => at is { } value ? At(value) : "—";

    /// <summary>An approved request waiting for its change window to open.</summary>
    public static string ScheduledFor(DateTimeOffset at) => $"Scheduled for {At(at)}";

    /// <summary>
    /// The new-request form prefilled with what this request asked (kind, VNF, components, target, snapshot): raising
    /// it again after its window was missed (or it expired) is a new request with a new window and new approvals.
    /// </summary>
    public static string RaiseAgainHref(ChangeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var content = request.Content;
        var query = new List<string> { $"kind={content.Kind}", $"vnf={content.VnfId}" };
        if (content.ComponentIds.Count > 0)
            query.Add("components=" + string.Join(',', content.ComponentIds));
        if (content.TargetEnvironmentId is { } target)
            query.Add($"target={target}");
        if (content.SnapshotId is { } snapshot)
            query.Add($"snapshot={snapshot}");
        return "/requests/new?" + string.Join('&', query);
    }

    /// <summary>A short, rounded span: "45 s", "12 min", "5 h", "3 d".</summary>
    public static string Span(TimeSpan span)
    {
        var abs = span.Duration();
        return abs.TotalMinutes < 1 ? $"{(int)abs.TotalSeconds} s"
            : abs.TotalHours < 1 ? $"{(int)abs.TotalMinutes} min"
            : abs.TotalDays < 1 ? $"{(int)abs.TotalHours} h"
            : $"{(int)abs.TotalDays} d";
    }

    /// <summary>A policy duration in words: "30 days", "24 hours", "90 minutes".</summary>
    public static string Duration(TimeSpan span) =>
        span.TotalDays >= 1 && span.TotalDays == Math.Floor(span.TotalDays) ? Plural((int)span.TotalDays, "day")
        : span.TotalHours >= 1 && span.TotalHours == Math.Floor(span.TotalHours) ? Plural((int)span.TotalHours, "hour")
        : Plural((int)span.TotalMinutes, "minute");

    /// <summary>When the request expires, relative to now: "in 5 h" or "5 h ago".</summary>
    public static string Until(DateTimeOffset at, DateTimeOffset now) =>
        at >= now ? $"in {Span(at - now)}" : $"{Span(now - at)} ago";

    private static string Plural(int n, string unit) => n == 1 ? $"1 {unit}" : $"{n} {unit}s";

    /// <summary>
    /// What approving sets in motion, in words: "Your approval completes the quorum: the migration starts now." or
    /// "Your approval fills NOC approvers; 1 security officer still needed before the migration can start."
    /// </summary>
    public static string Effect(ApprovalEffect effect, RequestKind kind)
    {
        ArgumentNullException.ThrowIfNull(effect);
        var operation = Kind(kind).ToLowerInvariant();
        if (!effect.CompletesQuorum)
            return $"Your approval fills {effect.Fills}; {Humanise.List(effect.StillNeeded.Select(Humanise.Group))} still needed before the {operation} can start.";
        return effect.StartsAt is { } at
            ? $"Your approval completes the quorum: the {operation} starts when its change window opens, {At(at)}."
            : $"Your approval completes the quorum: the {operation} starts now.";
    }

    /// <summary>The start of a content digest, enough to compare by eye; the whole digest goes in a title.</summary>
    public static string ShortDigest(string digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        return digest.Length > 12 ? digest[..12] + "…" : digest;
    }
}

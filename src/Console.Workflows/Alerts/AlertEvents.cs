using Console.Workflows.Attestation;
using Console.Workflows.Continuity;

namespace Console.Workflows.Alerts;

// One stream per security alert, keyed by its id: raised (its SecurityAlert document is this event's inline snapshot),
// then how security officers handle it (AlertHandling).

/// <summary>
/// A security alert was raised for the security officers: what it reports, about which subject, caused by whom (the
/// event that raised it says the same), when. Starts the alert's stream; written in the transaction of that event.
/// </summary>
public sealed record SecurityAlertRaised(
    Guid AlertId, SecurityAlertKind Kind, Guid? VnfId, Guid SubjectId, AttestedSubjectKind? SubjectKind, string? Reason, string Detail,
    string By, DateTimeOffset At);

/// <summary>
/// Alerts became events: the alerts stored before, without a <see cref="SecurityAlertRaised"/>, were each given one
/// (by <see cref="Upgrading.AlertUpgrade.By"/>). Recorded once, on its own stream, so a later row without an event is
/// never taken for an old one.
/// </summary>
public sealed record SecurityAlertsRecordedAtUpgrade(int Alerts, string By, DateTimeOffset At);

/// <summary>A security officer took note of the alert; it stays open until closed.</summary>
public sealed record AlertAcknowledged(Guid AlertId, SecurityAlertKind Kind, string Note, string By, string ByName, DateTimeOffset At);

/// <summary>The alert was given to a security officer to look into.</summary>
public sealed record AlertAssigned(Guid AlertId, SecurityAlertKind Kind, string Assignee, string By, string ByName, DateTimeOffset At);

/// <summary>The alert was closed with a reason (investigated, false positive, remediated ...).</summary>
public sealed record AlertClosed(Guid AlertId, SecurityAlertKind Kind, string Reason, string By, string ByName, DateTimeOffset At);

public enum AlertState
{
    Open = 0,
    Acknowledged = 1,
    Closed = 2,
}

/// <summary>
/// Where the handling of one alert stands, rebuilt from its stream: open from the raise on; an alert from before alerts
/// were events may have no stream yet, which also means open and untouched. Who acted is kept by user name (for the
/// decider) and display name (for people), each step with its time.
/// </summary>
public sealed record AlertHandling(
    Guid Id, SecurityAlertKind Kind, AlertState State, string? AssignedTo, string? AcknowledgedBy, string? ClosedBy, string? CloseReason,
    DateTimeOffset LastChangedAt)
{
    public int Version { get; init; }

    public string? AcknowledgedByName { get; init; }

    public DateTimeOffset? AcknowledgedAt { get; init; }

    public string? AcknowledgeNote { get; init; }

    public string? AssignedByName { get; init; }

    public DateTimeOffset? AssignedAt { get; init; }

    public string? ClosedByName { get; init; }

    public DateTimeOffset? ClosedAt { get; init; }

    public static AlertHandling Create(SecurityAlertRaised e) =>
        new(e.AlertId, e.Kind, AlertState.Open, null, null, null, null, e.At);

    public static AlertHandling Create(AlertAcknowledged e) =>
        new AlertHandling(e.AlertId, e.Kind, AlertState.Open, null, null, null, null, e.At).Apply(e);

    public static AlertHandling Create(AlertAssigned e) =>
        new AlertHandling(e.AlertId, e.Kind, AlertState.Open, null, null, null, null, e.At).Apply(e);

    public static AlertHandling Create(AlertClosed e) =>
        new AlertHandling(e.AlertId, e.Kind, AlertState.Open, null, null, null, null, e.At).Apply(e);

    /// <summary>
    /// A raise after handling steps is the upgrade's record of an alert stored before alerts were events and handled
    /// then: it changes nothing of the handling.
    /// </summary>
    public AlertHandling Apply(SecurityAlertRaised e) => this;

    public AlertHandling Apply(AlertAcknowledged e) => this with
    {
        State = AlertState.Acknowledged, AcknowledgedBy = e.By, AcknowledgedByName = e.ByName, AcknowledgedAt = e.At,
        AcknowledgeNote = e.Note.Length == 0 ? null : e.Note, LastChangedAt = e.At,
    };

    public AlertHandling Apply(AlertAssigned e) =>
        this with { AssignedTo = e.Assignee, AssignedByName = e.ByName, AssignedAt = e.At, LastChangedAt = e.At };

    public AlertHandling Apply(AlertClosed e) => this with
    {
        State = AlertState.Closed, ClosedBy = e.By, ClosedByName = e.ByName, ClosedAt = e.At, CloseReason = e.Reason, LastChangedAt = e.At,
    };
}

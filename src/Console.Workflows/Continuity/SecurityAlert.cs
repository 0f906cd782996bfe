using Console.Workflows.Alerts;
using Console.Workflows.Attestation;

namespace Console.Workflows.Continuity;

/// <summary>
/// One alert for security officers: a fork or roll-back attempt, refused evidence, a host that differs from the
/// inventory, a crashed instance or a locked second factor. The inline snapshot of its <see cref="SecurityAlertRaised"/>
/// (raised by <see cref="Alerts.Raising.SecurityAlerts"/> in the transaction of the event it reports), so verification
/// rebuilds it and reports a row deleted, edited or inserted in its table.
/// </summary>
public sealed record SecurityAlert(
    Guid Id, SecurityAlertKind Kind, Guid? VnfId, Guid SubjectId, AttestedSubjectKind? SubjectKind, string? Reason, string Detail, DateTimeOffset At)
{
    public static SecurityAlert Create(SecurityAlertRaised e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.AlertId, e.Kind, e.VnfId, e.SubjectId, e.SubjectKind, e.Reason, e.Detail, e.At);
    }
}

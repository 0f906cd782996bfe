using Console.Workflows.Attestation;
using Console.Workflows.Continuity.Reconciling;

namespace Console.Workflows.Continuity;

/// <summary>
/// One alert for security officers, stored in the same transaction as the event it reports: a fork or roll-back
/// attempt (<see cref="ForkDetected"/>), refused evidence (<see cref="EvidenceVerified"/> with Accepted=false), a
/// host that differs from the inventory (<see cref="HostDriftDetected"/>) or a crashed instance.
/// </summary>
public sealed record SecurityAlert(
    Guid Id, SecurityAlertKind Kind, Guid? VnfId, Guid SubjectId, AttestedSubjectKind? SubjectKind, string? Reason, string Detail, DateTimeOffset At)
{
    public static SecurityAlert From(ForkDetected e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(Guid.NewGuid(), SecurityAlertKind.ForkDetected, e.VnfId, e.InstanceId, AttestedSubjectKind.VnfInstance,
            e.Detail.StartsWith("A fenced copy", StringComparison.Ordinal) ? "FencedCopy"
            : e.ReportedEpoch < e.CurrentEpoch ? "StaleEpoch"
            : e.ReportedEpoch > e.CurrentEpoch ? "UnissuedEpoch"
            : "SecondInstance",
            $"{e.Detail} Instance {e.InstanceId:D} reported epoch {e.ReportedEpoch}; the VNF is at epoch {e.CurrentEpoch}. The copy was fenced.",
            e.At);
    }

    public static SecurityAlert From(EvidenceVerified e, AttestedSubjectKind kind, Guid? vnfId)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(Guid.NewGuid(), SecurityAlertKind.EvidenceRefused, vnfId, e.SubjectId, kind, e.Refusal?.ToString(), e.Detail, e.At);
    }

    /// <summary>The alert's id is the difference's, so the same difference alerts once.</summary>
    public static SecurityAlert From(HostDriftDetected e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.DriftId, SecurityAlertKind.HostDrift, e.VnfId, e.DriftId, null, e.Kind.ToString(), e.Detail, e.At);
    }

    /// <summary>One alert per lock: the rule raises the lock only with the code that sets it.</summary>
    public static SecurityAlert From(Accounts.SecondFactorLockedOut e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var by = e.By == e.UserName ? $"by {e.UserName}'s own session" : $"by {e.By}";
        return new(Guid.NewGuid(), SecurityAlertKind.SecondFactorLockedOut, null, e.FactorId, null, "WrongSecondFactorCodes",
            $"{e.WrongCodes} wrong second-factor codes for {e.UserName} within {Accounts.SteppingUp.StepUpRules.WrongCodeWindow.TotalMinutes:0} minutes, "
            + $"the last {by} for {e.UsedFor}: authenticator codes are refused until {e.Until.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC (recovery codes still work). "
            + $"Ask {e.UserName} whether the codes were theirs; if not, someone holds their session: disable the account or reset its factor.",
            e.At);
    }

    public static SecurityAlert Crashed(InstanceInterrupted e, string detail)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(Guid.NewGuid(), SecurityAlertKind.InstanceCrashed, e.VnfId, e.InstanceId, AttestedSubjectKind.VnfInstance,
            nameof(LifecycleInterruption.Crash), detail, e.At);
    }
}

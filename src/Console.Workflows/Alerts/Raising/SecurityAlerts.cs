using Console.Workflows.Accounts;
using Console.Workflows.Accounts.SteppingUp;
using Console.Workflows.Attestation;
using Console.Workflows.Continuity;
using Console.Workflows.Continuity.Reconciling;
using Marten;

namespace Console.Workflows.Alerts.Raising;

/// <summary>
/// The alert each alarming event raises, in words for the security officers, and how it is recorded: a
/// <see cref="SecurityAlertRaised"/> starting the alert's own stream, in the transaction of the event it reports.
/// </summary>
public static class SecurityAlerts
{
    /// <summary>Starts the alert's stream; saved with the session, so the alert exists exactly when its cause does.</summary>
    public static void Raise(this IDocumentSession session, SecurityAlertRaised raised)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(raised);
        session.Events.StartStream<SecurityAlert>(raised.AlertId, raised);
    }

    public static SecurityAlertRaised Of(ForkDetected e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(Guid.NewGuid(), SecurityAlertKind.ForkDetected, e.VnfId, e.InstanceId, AttestedSubjectKind.VnfInstance,
            e.Detail.StartsWith("A fenced copy", StringComparison.Ordinal) ? "FencedCopy"
            : e.ReportedEpoch < e.CurrentEpoch ? "StaleEpoch"
            : e.ReportedEpoch > e.CurrentEpoch ? "UnissuedEpoch"
            : "SecondInstance",
            $"{e.Detail} Instance {e.InstanceId:D} reported epoch {e.ReportedEpoch}; the VNF is at epoch {e.CurrentEpoch}. The copy was fenced.",
            e.By, e.At);
    }

    public static SecurityAlertRaised Of(EvidenceVerified e, AttestedSubjectKind kind, Guid? vnfId)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(Guid.NewGuid(), SecurityAlertKind.EvidenceRefused, vnfId, e.SubjectId, kind, e.Refusal?.ToString(), e.Detail, e.By, e.At);
    }

    /// <summary>
    /// The alert's id is the difference's, so the same difference alerts once: the raise shares the stream of its
    /// <see cref="HostDriftDetected"/>, which is started only once.
    /// </summary>
    public static SecurityAlertRaised Of(HostDriftDetected e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.DriftId, SecurityAlertKind.HostDrift, e.VnfId, e.DriftId, null, e.Kind.ToString(), e.Detail, e.By, e.At);
    }

    /// <summary>One alert per lock: the rule raises the lock only with the code that sets it.</summary>
    public static SecurityAlertRaised Of(SecondFactorLockedOut e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var by = e.By == e.UserName ? $"by {e.UserName}'s own session" : $"by {e.By}";
        return new(Guid.NewGuid(), SecurityAlertKind.SecondFactorLockedOut, null, e.FactorId, null, "WrongSecondFactorCodes",
            $"{e.WrongCodes} wrong second-factor codes for {e.UserName} within {StepUpRules.WrongCodeWindow.TotalMinutes:0} minutes, "
            + $"the last {by} for {e.UsedFor}: authenticator codes are refused until {e.Until.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC (recovery codes still work). "
            + $"Ask {e.UserName} whether the codes were theirs; if not, someone holds their session: disable the account or reset its factor.",
            e.By, e.At);
    }

    public static SecurityAlertRaised Crashed(InstanceInterrupted e, string detail)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(Guid.NewGuid(), SecurityAlertKind.InstanceCrashed, e.VnfId, e.InstanceId, AttestedSubjectKind.VnfInstance,
            nameof(LifecycleInterruption.Crash), detail, e.By, e.At);
    }
}

using Console.Workflows.Alerts.Raising;
using JasperFx.Events;
using Marten;

namespace Console.Workflows.Accounts.SteppingUp;

/// <summary>
/// Records what a refused step-up proof leaves behind, in the refusal's own transaction: the counted wrong code, and
/// when that code locks the authenticator, the lock and a security alert (five wrong codes in a quarter of an hour
/// mean someone may be guessing with the person's session; the person can still decide with a recovery code).
/// </summary>
internal static class SecondFactorLockouts
{
    /// <param name="stream">The person's factor stream; null for a person without a built-in account, whose proof
    /// was never a code and so leaves nothing to record.</param>
    public static void Record(IDocumentSession session, IEventStream<SecondFactor>? stream, StepUpVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(verdict);
        if (stream is null || verdict.RefusalEvents.Count == 0)
            return;
        stream.AppendMany(verdict.RefusalEvents);
        if (verdict.LockedOut is { } lockedOut)
            session.Raise(SecurityAlerts.Of(lockedOut));
    }
}

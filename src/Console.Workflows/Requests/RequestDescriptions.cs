namespace Console.Workflows.Requests;

/// <summary>
/// How a request's events read in words, once: the request page's journal and the security history both show these.
/// The events they word differently (a submission names its target in the history, the journal its quorum) stay with
/// each view.
/// </summary>
public static class RequestDescriptions
{
    /// <summary>The sentence for <paramref name="data"/>, or null when it is not a request event worded here.</summary>
    public static string? Of(object data) => data switch
    {
        // The workflow concludes this; By names whose approval completed the quorum (or system:policy).
        RequestApproved e => e.By.StartsWith("system:", StringComparison.Ordinal)
            ? "No approval needed under the policy; execution starts by itself."
            : $"All required approvals are in (the last from {e.By}); execution starts by itself.",
        RequestRejected e => $"Rejected: {e.Reason}" + Accounts.SteppingUp.StepUpMethods.Suffix(e.AuthenticationMethod, e.AuthenticatedAt),
        RequestCancelled e => $"Cancelled: {e.Reason}",
        RequestExpired => "Expired without enough approvals.",
        ExecutionStarted e => $"Execution attempt {e.Attempt} started.",
        ExecutionCompleted e => $"Attempt {e.Attempt} completed. {e.Result}",
        ExecutionFailed e => $"Attempt {e.Attempt} failed: {e.Reason}",
        ExecutionRetryRequested e => "Asked to run the failed execution again" + (e.Attempt > 0 ? $" (attempt {e.Attempt})" : "")
            + (string.IsNullOrWhiteSpace(e.Reason) ? "." : ": " + e.Reason),
        ExecutionWindowMissed e => ChangeWindows.MissedOutcome(e),
        _ => null,
    };
}

using Console.Web.Components.Shared.Requests;
using Console.Workflows.Requests;

namespace Console.Web.Components.Pages.Requests;

public enum StepState
{
    Waiting,
    Current,
    Done,
    Failed,
    Skipped,
}

/// <summary>One step of a request's workflow as the request page shows it.</summary>
public sealed record RequestStep(string Name, string Title, StepState State, IReadOnlyList<string> Lines);

/// <summary>
/// Reads a request's state and journal as the five steps people follow: submitted, policy check, approval,
/// attestation, execution.
/// </summary>
public static class RequestSteps
{
    public static IReadOnlyList<RequestStep> For(RequestDetails details, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(details);
        var r = details.Request;
        return
        [
            new("submitted", "Submitted", StepState.Done, [$"By {r.RequesterName} at {RequestText.At(r.SubmittedAt)}."]),
            Policy(r),
            Approval(details, now),
            Attestation(details),
            Execution(r),
        ];
    }

    private static RequestStep Policy(ChangeRequest r)
    {
        var lines = new List<string>
        {
            r.Requirement.NoneNeeded
                ? $"Policy revision {r.Content.PolicyRevision}: no approval needed."
                : $"Policy revision {r.Content.PolicyRevision}: {r.Requirement.Explanation}.",
        };
        if (r.Requirement.CrossesTrustDomains)
            lines.Add("The move crosses trust domains: the target domain's owners approve as well.");
        return new("policy", "Policy check", StepState.Done, lines);
    }

    private static RequestStep Approval(RequestDetails details, DateTimeOffset now)
    {
        var r = details.Request;
        var counted = details.Groups.Sum(g => Math.Min(g.FilledBy.Count, g.Group.Required));
        var required = details.Groups.Sum(g => g.Group.Required);
        var approvedAt = details.Journal.LastOrDefault(j => j.EventType == nameof(RequestApproved))?.At;
        return r.Status switch
        {
            RequestStatus.PendingApproval => new("approval", "Approval", StepState.Current,
                [$"{counted} of {required} approvals so far; expires {RequestText.Until(r.ExpiresAt, now)}."]),
            RequestStatus.Rejected => new("approval", "Approval", StepState.Failed, [$"Rejected: {r.Outcome}"]),
            RequestStatus.Expired => new("approval", "Approval", StepState.Failed,
                [$"Expired at {RequestText.At(r.ExpiresAt)} with {counted} of {required} approvals."]),
            RequestStatus.Cancelled when approvedAt is null => new("approval", "Approval", StepState.Skipped, [$"Cancelled: {r.Outcome}"]),
            _ => new("approval", "Approval", StepState.Done,
                [r.Requirement.NoneNeeded
                    ? "Approved at submission: it touches only Public components."
                    : $"Approved with {counted} of {required} approvals{(approvedAt is { } at ? $" at {RequestText.At(at)}" : "")}."]),
        };
    }

    private static RequestStep Attestation(RequestDetails details)
    {
        var r = details.Request;
        var checkedAt = details.Journal.LastOrDefault(j => j.EventType == nameof(TargetAttestationChecked));
        var where = r.Content.Kind == RequestKind.Migration ? details.TargetEnvironmentName : details.SourceEnvironmentName;
        if (checkedAt is null || r.LastAttestation is null)
        {
            return r.Status switch
            {
                RequestStatus.Executing => new("attestation", "Attestation", StepState.Current, [$"Asking {where} for fresh attestation evidence."]),
                RequestStatus.PendingApproval or RequestStatus.Approved =>
                    new("attestation", "Attestation", StepState.Waiting, [$"{where} will be asked for fresh attestation before anything runs."]),
                RequestStatus.Failed => new("attestation", "Attestation", StepState.Failed, ["The execution failed before attestation was judged."]),
                _ => new("attestation", "Attestation", StepState.Skipped, ["Not needed: the request did not run."]),
            };
        }

        // A failed attestation ends the attempt with its detail as the failure reason.
        var failed = r.Status == RequestStatus.Failed && r.Outcome is { } reason && reason.Contains(r.LastAttestation, StringComparison.Ordinal);
        return new("attestation", "Attestation", failed ? StepState.Failed : StepState.Done,
            [$"{(failed ? "Failed" : "Passed")} for {where} at {RequestText.At(checkedAt.At)}: {r.LastAttestation}"]);
    }

    private static RequestStep Execution(ChangeRequest r) => r.Status switch
    {
        RequestStatus.Executing => new("execution", "Execution", StepState.Current, [$"Running, attempt {r.ExecutionAttempts}."]),
        RequestStatus.Completed => new("execution", "Execution", StepState.Done, [$"Completed on attempt {r.ExecutionAttempts}: {r.Outcome}"]),
        RequestStatus.Failed => new("execution", "Execution", StepState.Failed,
            [$"Failed on attempt {r.ExecutionAttempts}: {r.Outcome}",
                r.RetryRequested ? "A retry was requested and will start shortly." : "A NOC operator may retry it."]),
        RequestStatus.PendingApproval or RequestStatus.Approved =>
            new("execution", "Execution", StepState.Waiting, ["Runs by itself once approved."]),
        _ => new("execution", "Execution", StepState.Skipped, ["Did not run."]),
    };
}

using Console.Workflows.Common;

namespace Console.Workflows.Requests;

/// <summary>Guards the request deciders share.</summary>
public static class RequestGuards
{
    public const string ConflictMessage = "Someone else acted first on this request. Reload it and try again.";

    public static Refusal? IsCurrent(int expectedVersion, ChangeRequest state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return expectedVersion == state.Version ? null : Refusal.Because(ConflictMessage, RefusalKind.Conflict);
    }

    public static Refusal? IsPending(ChangeRequest state, string action)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Status == RequestStatus.PendingApproval
            ? null
            : Refusal.Because($"This request is {Describe(state.Status)}; it can no longer be {action}.", RefusalKind.Conflict);
    }

    public static string Describe(RequestStatus status) => status switch
    {
        RequestStatus.PendingApproval => "waiting for approval",
        RequestStatus.Approved => "approved",
        RequestStatus.Executing => "being carried out",
        RequestStatus.Completed => "completed",
        RequestStatus.Failed => "failed",
        RequestStatus.Rejected => "rejected",
        RequestStatus.Expired => "expired",
        RequestStatus.Cancelled => "cancelled",
        RequestStatus.WindowMissed => "over: its change window closed before it could run",
        _ => status.ToString(),
    };

    internal static string? CleanReason(string? reason, int max, out string? error)
    {
        var clean = reason?.Trim() ?? string.Empty;
        error = clean.Length == 0 ? "Give a reason."
            : clean.Length > max ? $"The reason must be at most {max} characters."
            : null;
        return error is null ? clean : null;
    }

    internal static Refusal ReasonRefusal(string error) =>
        Refusal.ForFields(new Dictionary<string, string[]> { ["Reason"] = [error] });
}

namespace Console.Workflows.Requests.Submitting;

/// <summary>A new request as typed into the form or sent to the API, before anything is looked up.</summary>
public sealed record RequestDraft(
    RequestKind? Kind,
    Guid? VnfId,
    Guid? TargetEnvironmentId,
    Guid? SnapshotId,
    string? Justification,
    DateTimeOffset? WindowStart,
    DateTimeOffset? WindowEnd);

/// <summary>
/// The rules of a request's input that need nothing but the input. The form shows them before sending, the API answers
/// them as field errors, and the submission and amendment deciders apply them first (<see cref="RequestValidation"/>),
/// so each rule and its message exist once. Keys are the command's property names.
/// </summary>
public static class RequestInput
{
    public static IReadOnlyDictionary<string, string[]> Check(RequestDraft draft, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var errors = new FieldErrors();
        if (draft.Kind is not { } kind || !Enum.IsDefined(kind) || kind == RequestKind.GuardChange)
            errors.Add(nameof(SubmitRequest.Kind),
                "Choose a snapshot, a migration, a snapshot deletion, a restore, or pause, resume, stop, start or restart.");
        if (draft.VnfId is null || draft.VnfId == Guid.Empty)
            errors.Add(nameof(SubmitRequest.VnfId), "Choose the VNF.");
        if (draft.Kind == RequestKind.Migration && (draft.TargetEnvironmentId is null || draft.TargetEnvironmentId == Guid.Empty))
            errors.Add(nameof(SubmitRequest.TargetEnvironmentId), "Choose the environment to move to.");
        if (draft.Kind is RequestKind.SnapshotDeletion or RequestKind.Restore && (draft.SnapshotId is null || draft.SnapshotId == Guid.Empty))
            errors.Add(nameof(SubmitRequest.SnapshotId),
                draft.Kind == RequestKind.Restore ? "Choose the snapshot to roll back to." : "Choose the snapshot to delete.");
        CheckJustificationAndWindow(errors, draft.Justification, draft.WindowStart, draft.WindowEnd, now);
        return errors.ToDictionary();
    }

    /// <summary>An amendment keeps kind, VNF and snapshot; what it may change is checked again by the decider.</summary>
    public static IReadOnlyDictionary<string, string[]> CheckAmendment(
        string? justification, DateTimeOffset? windowStart, DateTimeOffset? windowEnd, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        CheckJustificationAndWindow(errors, justification, windowStart, windowEnd, now);
        return errors.ToDictionary();
    }

    private static void CheckJustificationAndWindow(
        FieldErrors errors, string? justificationInput, DateTimeOffset? windowStart, DateTimeOffset? windowEnd, DateTimeOffset now)
    {
        var justification = justificationInput?.Trim() ?? string.Empty;
        if (justification.Length < RequestLimits.JustificationMinLength)
            errors.Add(nameof(SubmitRequest.Justification), $"Explain why in at least {RequestLimits.JustificationMinLength} characters.");
        else if (justification.Length > RequestLimits.JustificationMaxLength)
            errors.Add(nameof(SubmitRequest.Justification), $"The justification must be at most {RequestLimits.JustificationMaxLength} characters.");

        if (windowStart is null && windowEnd is null)
            return;
        if (windowStart is not { } start || windowEnd is not { } end)
        {
            errors.Add(nameof(SubmitRequest.Window), "Give both the start and the end of the change window, or neither.");
            return;
        }

        if (start >= end)
            errors.Add(nameof(SubmitRequest.Window), "The change window must end after it starts.");
        else if (end - start > RequestLimits.ChangeWindowMaxLength)
            errors.Add(nameof(SubmitRequest.Window), "The change window may be at most 30 days long.");
        if (end <= now)
            errors.Add(nameof(SubmitRequest.Window), "The change window must end in the future.");
    }

    private sealed class FieldErrors
    {
        private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

        public void Add(string field, string message)
        {
            if (!_errors.TryGetValue(field, out var list))
                _errors[field] = list = [];
            list.Add(message);
        }

        public Dictionary<string, string[]> ToDictionary() =>
            _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }
}

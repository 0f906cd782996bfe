namespace Console.Workflows.Common;

/// <summary>Why a command was refused: a message for the person and, for form input, messages per field.</summary>
public sealed record Refusal(string Message, IReadOnlyDictionary<string, string[]> FieldErrors, RefusalKind Kind = RefusalKind.Invalid)
{
    public static Refusal Because(string message, RefusalKind kind = RefusalKind.Invalid) =>
        new(message, new Dictionary<string, string[]>(), kind);

    public static Refusal ForFields(IReadOnlyDictionary<string, string[]> errors) =>
        new("Some fields need attention.", errors, RefusalKind.Invalid);
}

public enum RefusalKind
{
    Invalid,
    Forbidden,
    NotFound,
    Conflict,

    /// <summary>The database could not be reached (a restart, a failover): nothing to fix in the input, try again shortly.</summary>
    Unavailable,
}

/// <summary>The result of a command: the id it created or changed, or the refusal. Never an exception for bad input.</summary>
public sealed record Outcome(Guid Id, Refusal? Refusal)
{
    public bool Succeeded => Refusal is null;

    /// <summary>
    /// Set when the change weakens protection and so was not applied but submitted for approval: the request's id.
    /// </summary>
    public Guid? PendingRequestId { get; init; }

    public bool AwaitsApproval => PendingRequestId is not null;

    public static Outcome Done(Guid id) => new(id, null);

    public static Outcome SubmittedForApproval(Guid id, Guid requestId) => new(id, null) { PendingRequestId = requestId };

    public static Outcome Refused(Refusal refusal) => new(Guid.Empty, refusal);
}

using Console.Workflows.Common;
using Console.Workflows.Requests;

namespace Console.Workflows.Audit.Access;

/// <summary>
/// Which workflow refusals the security history keeps: those about permission (the person may not do this) and about
/// safety (a move into a less trustworthy environment). Stale versions, typos and missing fields are not attempts at
/// anything and stay out of it.
/// </summary>
public static class AccessRefusals
{
    /// <summary>How the placement rule words its refusal (SubmitRequestDecider); a test pins it to the real decider.</summary>
    internal const string PlacementMarker = "less trustworthy environment";

    public static bool IsRecorded(Refusal? refusal) =>
        refusal is not null && (refusal.Kind == RefusalKind.Forbidden || IsPlacementRefusal(refusal));

    private static bool IsPlacementRefusal(Refusal refusal) =>
        refusal.Kind == RefusalKind.Invalid
        && refusal.FieldErrors.TryGetValue(nameof(SubmitRequest.TargetEnvironmentId), out var messages)
        && messages.Any(m => m.Contains(PlacementMarker, StringComparison.Ordinal));

    /// <summary>
    /// Puts a refused command worth keeping into the history on its way back. The deciders stay pure and unaware of
    /// the history; successes pass through untouched, so a command pays one comparison.
    /// </summary>
    public static async Task RecordAsync(IAccessJournal journal, Outcome outcome, ICommandBy command)
    {
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(command);
        // Recorded even when the caller has gone away meanwhile: the attempt happened.
        if (IsRecorded(outcome.Refusal))
            await journal.RefusedAsync(command.Actor, Operation(command), command.Resource, outcome.Refusal!.Message, CancellationToken.None);
    }

    /// <summary>The command's name as the history shows it: <c>ApproveRequestBy</c> is "ApproveRequest".</summary>
    public static string Operation(ICommandBy command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var name = command.GetType().Name;
        return name.EndsWith("By", StringComparison.Ordinal) ? name[..^2] : name;
    }
}

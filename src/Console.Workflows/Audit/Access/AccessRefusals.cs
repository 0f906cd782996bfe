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
}

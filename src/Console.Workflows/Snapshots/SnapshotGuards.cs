using Console.Workflows.Common;

namespace Console.Workflows.Snapshots;

/// <summary>The checks the snapshot deciders share (who may act: <see cref="CommandRoles"/>).</summary>
public static class SnapshotGuards
{
    public const int ReasonMaxLength = 500;
    public const string ConflictMessage = "Someone else acted on this snapshot first; reload it to see what changed.";

    /// <summary>How far ahead a pin or hold may be set to end; longer means "until released".</summary>
    public static readonly TimeSpan MaxHoldLength = TimeSpan.FromDays(3660);

    internal static Refusal? IsCurrent(int expectedVersion, Snapshot state) =>
        expectedVersion == state.Version ? null : Refusal.Because(ConflictMessage, RefusalKind.Conflict);

    /// <summary>Deleted, or deletion begun: nothing about its retention can change any more.</summary>
    internal static Refusal? IsOpen(Snapshot state, string what)
    {
        if (state.Status == SnapshotStatus.Deleted)
            return Refusal.Because($"This snapshot was deleted; it can no longer be {what}.", RefusalKind.Conflict);
        if (state.Deletion is { } deletion)
            return Refusal.Because(
                $"Secure deletion of this snapshot began at {deletion.At:yyyy-MM-dd HH:mm} UTC; it can no longer be {what}.", RefusalKind.Conflict);
        return null;
    }

    internal static string CleanReason(string? reason, Dictionary<string, string[]> errors)
    {
        var clean = reason?.Trim() ?? string.Empty;
        if (clean.Length == 0)
            errors["Reason"] = ["Say why."];
        else if (clean.Length > ReasonMaxLength)
            errors["Reason"] = [$"The reason must be at most {ReasonMaxLength} characters."];
        return clean;
    }

    internal static void CheckUntil(DateTimeOffset? until, DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        if (until is not { } u)
            return;
        if (u <= now)
            errors["Until"] = ["Choose a time in the future, or leave it empty to keep it until released."];
        else if (u - now > MaxHoldLength)
            errors["Until"] = ["Choose a time within ten years, or leave it empty to keep it until released."];
    }
}

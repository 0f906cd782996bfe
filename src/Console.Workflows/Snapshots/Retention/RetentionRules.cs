using System.Globalization;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;

namespace Console.Workflows.Snapshots.Retention;

public enum ProtectionKind
{
    LegalHold = 0,
    Pin = 1,
    LastGood = 2,
}

/// <summary>One reason a due snapshot is kept, in words a person can act on.</summary>
public sealed record Protection(ProtectionKind Kind, string Description, string? By, DateTimeOffset? Until);

public enum RetentionState
{
    /// <summary>Taken before retention existed and not yet given an expiry.</summary>
    Unassigned = 0,
    NotDue = 1,

    /// <summary>Due and unprotected: the next sweep deletes it.</summary>
    Due = 2,

    /// <summary>Due, but a legal hold, a pin or keep-last-good keeps it.</summary>
    Kept = 3,

    /// <summary>Secure deletion has begun.</summary>
    Deleting = 4,
    Deleted = 5,
}

/// <summary>Where a snapshot stands in its retention, and why.</summary>
public sealed record RetentionVerdict(
    RetentionState State, DateTimeOffset? DueAt, DeletionTrigger? Trigger, IReadOnlyList<Protection> Protections)
{
    public bool Deletable => State == RetentionState.Due;
}

/// <summary>
/// Retention as pure functions. A snapshot expires at completion plus the policy's maximum age of its strictest
/// (shortest-lived) component sensitivity. It is due when available and expired, or marked not needed. A due snapshot
/// is kept while under legal hold or pinned (without an end, or until a time still ahead), or while it is its VNF's
/// last good snapshot (the newest available one by completion) and the policy keeps the last good snapshot.
/// </summary>
public static class RetentionRules
{
    /// <summary>The expiry and the sensitivity that sets it.</summary>
    public static (DateTimeOffset ExpiresAt, Sensitivity Governing) Expiry(
        IEnumerable<SnapshotComponent> components, DateTimeOffset completedAt, PolicyDocument policy)
    {
        ArgumentNullException.ThrowIfNull(components);
        ArgumentNullException.ThrowIfNull(policy);
        var sensitivities = components.Select(c => c.Sensitivity).Distinct().ToList();
        if (sensitivities.Count == 0)
            sensitivities.Add(Sensitivity.Public);
        // Shortest maximum age wins; between equal ages the higher sensitivity is named, as it is the stricter reason.
        var governing = sensitivities
            .Select(s => policy.RuleFor(s))
            .OrderBy(r => r.MaxSnapshotAge)
            .ThenByDescending(r => r.Sensitivity)
            .First();
        return (completedAt + governing.MaxSnapshotAge, governing.Sensitivity);
    }

    /// <summary>The retention of a snapshot taken now, under the policy in force.</summary>
    public static RetentionAssigned Assign(SnapshotTaken taken, ApprovalPolicy policy, string by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(taken);
        ArgumentNullException.ThrowIfNull(policy);
        var (expiresAt, governing) = Expiry(taken.Components, taken.At, policy.Document);
        return new RetentionAssigned(taken.SnapshotId, expiresAt, governing, policy.Revision, by, now);
    }

    /// <summary>
    /// The new retention of an available snapshot under a revised policy; null when the expiry and governing
    /// sensitivity stay as they are (a revision that did not touch maximum ages changes nothing) or it is deleted.
    /// </summary>
    public static RetentionAssigned? Reassign(Snapshot snapshot, ApprovalPolicy policy, string by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(policy);
        if (snapshot.Status != SnapshotStatus.Available)
            return null;
        var (expiresAt, governing) = Expiry(snapshot.Components, snapshot.CompletedAt, policy.Document);
        if (snapshot.ExpiresAt == expiresAt && snapshot.GoverningSensitivity == governing)
            return null;
        return new RetentionAssigned(snapshot.Id, expiresAt, governing, policy.Revision, by, now);
    }

    /// <summary>Available and past its expiry, or marked not needed.</summary>
    public static bool IsDue(Snapshot snapshot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return snapshot.Status == SnapshotStatus.Available
            && (snapshot.NotNeededAt is not null || (snapshot.ExpiresAt is { } expires && now >= expires));
    }

    /// <summary>Whether the snapshot is the newest available one of its VNF among <paramref name="availableOfVnf"/>.</summary>
    public static bool IsLastGood(Snapshot snapshot, IEnumerable<(Guid Id, DateTimeOffset CompletedAt)> availableOfVnf)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(availableOfVnf);
        if (snapshot.Status != SnapshotStatus.Available)
            return false;
        var newest = availableOfVnf
            .Append((snapshot.Id, snapshot.CompletedAt))
            .OrderByDescending(s => s.CompletedAt)
            .ThenByDescending(s => s.Id)
            .First();
        return newest.Id == snapshot.Id;
    }

    /// <summary>Sensitive and Critical snapshots are deleted early only through an approved deletion request.</summary>
    public static bool NeedsApprovalToDelete(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return snapshot.Components.Any(c => c.Sensitivity >= Sensitivity.Sensitive);
    }

    public static bool Holds(RetentionHold? hold, DateTimeOffset now) => hold is not null && (hold.Until is not { } until || until > now);

    /// <summary>Everything that keeps the snapshot now, strongest first (whether or not it is due).</summary>
    public static IReadOnlyList<Protection> Protections(Snapshot snapshot, bool isLastGood, bool keepLastGood, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var protections = new List<Protection>();
        if (Holds(snapshot.LegalHold, now))
        {
            var hold = snapshot.LegalHold!;
            protections.Add(new Protection(ProtectionKind.LegalHold,
                $"Legal hold by {hold.By}: {hold.Reason} {UntilText(hold.Until)}", hold.By, hold.Until));
        }

        if (Holds(snapshot.Pin, now))
        {
            var pin = snapshot.Pin!;
            protections.Add(new Protection(ProtectionKind.Pin, $"Pinned by {pin.By}: {pin.Reason} {UntilText(pin.Until)}", pin.By, pin.Until));
        }

        if (isLastGood && keepLastGood && snapshot.Status == SnapshotStatus.Available)
            protections.Add(new Protection(ProtectionKind.LastGood,
                $"Last good snapshot of {snapshot.VnfName}: the policy keeps the newest available snapshot of each VNF until a newer one is taken.",
                null, null));
        return protections;
    }

    /// <summary>The whole judgement: due or not, by what trigger, and what keeps it.</summary>
    public static RetentionVerdict Judge(Snapshot snapshot, bool isLastGood, bool keepLastGood, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var protections = Protections(snapshot, isLastGood, keepLastGood, now);
        if (snapshot.Status == SnapshotStatus.Deleted)
            return new RetentionVerdict(RetentionState.Deleted, null, snapshot.DeletionTrigger, []);
        if (snapshot.Deletion is { } deletion)
            return new RetentionVerdict(RetentionState.Deleting, snapshot.DueAt, deletion.Trigger, protections);
        if (snapshot.ExpiresAt is null && snapshot.NotNeededAt is null)
            return new RetentionVerdict(RetentionState.Unassigned, null, null, protections);
        if (!IsDue(snapshot, now))
            return new RetentionVerdict(RetentionState.NotDue, snapshot.DueAt, null, protections);

        var trigger = snapshot.NotNeededAt is not null && (snapshot.ExpiresAt is not { } expires || snapshot.NotNeededAt < expires)
            ? DeletionTrigger.NotNeeded
            : DeletionTrigger.Expired;
        return new RetentionVerdict(protections.Count > 0 ? RetentionState.Kept : RetentionState.Due, snapshot.DueAt, trigger, protections);
    }

    private static string UntilText(DateTimeOffset? until) =>
        until is { } u ? "until " + u.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "until released";
}

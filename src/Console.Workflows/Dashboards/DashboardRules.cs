using Console.Workflows.Inventory;

namespace Console.Workflows.Dashboards;

/// <summary>How old an available snapshot is, counted from its completion.</summary>
public enum AgeBucket
{
    UnderOneDay = 0,
    OneToThreeDays = 1,
    ThreeToSevenDays = 2,
    SevenToFourteenDays = 3,
    FourteenToThirtyDays = 4,
    OverThirtyDays = 5,
}

/// <summary>How long a request has been waiting for approval, counted from its submission.</summary>
public enum PendingAgeBucket
{
    UnderOneHour = 0,
    OneToFourHours = 1,
    FourToTwentyFourHours = 2,
    OverTwentyFourHours = 3,
}

/// <summary>The look-ahead windows of the "expiring soon" figures.</summary>
public enum ExpiryWindow
{
    Within24Hours = 0,
    Within7Days = 1,
}

/// <summary>A pin or a legal hold as the dashboard shows it.</summary>
public sealed record Hold(string Reason, DateTimeOffset? Until, string By, DateTimeOffset At)
{
    public bool ActiveAt(DateTimeOffset now) => Until is not { } until || until > now;
}

public enum ProtectionKind
{
    LegalHold = 0,
    Pinned = 1,
    LastGoodSnapshot = 2,
}

/// <summary>Where a snapshot counts among the retention figures (the buckets of <c>dash_retention</c>).</summary>
public enum RetentionBucket
{
    None = 0,
    LegalHold = 1,
    Pinned = 2,
    LastGood = 3,
    Overdue = 4,
}

/// <summary>Why a due snapshot is kept, in the words the dashboard shows.</summary>
public sealed record Protection(ProtectionKind Kind, string Explanation);

/// <summary>
/// The retention facts of one snapshot that decide whether it is due, protected or overdue (see
/// <see cref="DashboardRules"/>). <paramref name="ReleasedAt"/> is when a pin or hold was last lifted,
/// <paramref name="SupersededAt"/> when it stopped being the VNF's last good snapshot.
/// </summary>
public sealed record RetentionFacts(
    DateTimeOffset CompletedAt,
    bool Available,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? NotNeededAt,
    Hold? Pin,
    Hold? LegalHold,
    DateTimeOffset? ReleasedAt,
    bool IsLastGood,
    DateTimeOffset? SupersededAt);

/// <summary>
/// The dashboard's arithmetic, pure: age and pending-approval buckets, expiry windows, and the retention rule of the
/// snapshot lifecycle (due, protected, overdue). The SQL of the readers in <c>Dashboards/Figures</c> and <c>Dashboards/Lists</c> computes the same figures
/// from the projection tables; the integration tests hold the two to each other.
/// </summary>
public static class DashboardRules
{
    /// <summary>Lower bound of each age bucket (inclusive); the upper bound is the next one's lower bound.</summary>
    public static IReadOnlyList<TimeSpan> AgeBucketStarts { get; } =
    [
        TimeSpan.Zero, TimeSpan.FromDays(1), TimeSpan.FromDays(3), TimeSpan.FromDays(7), TimeSpan.FromDays(14), TimeSpan.FromDays(30),
    ];

    public static IReadOnlyList<TimeSpan> PendingBucketStarts { get; } =
    [
        TimeSpan.Zero, TimeSpan.FromHours(1), TimeSpan.FromHours(4), TimeSpan.FromHours(24),
    ];

    public static IReadOnlyList<AgeBucket> AgeBuckets { get; } = Enum.GetValues<AgeBucket>();

    public static IReadOnlyList<PendingAgeBucket> PendingBuckets { get; } = Enum.GetValues<PendingAgeBucket>();

    public static IReadOnlyList<Sensitivity> Sensitivities { get; } = Enum.GetValues<Sensitivity>();

    /// <summary>The bucket of a snapshot completed at <paramref name="completedAt"/>; a completion "in the future" (clock skew) is new.</summary>
    public static AgeBucket AgeBucketOf(DateTimeOffset completedAt, DateTimeOffset now) =>
        (AgeBucket)BucketOf(now - completedAt, AgeBucketStarts);

    public static PendingAgeBucket PendingBucketOf(DateTimeOffset submittedAt, DateTimeOffset now) =>
        (PendingAgeBucket)BucketOf(now - submittedAt, PendingBucketStarts);

    /// <summary>
    /// Completion times in an age bucket: after <c>CompletedAfter</c> (exclusive, none for the oldest bucket) and at or
    /// before <c>CompletedAtOrBefore</c> (none for the newest bucket, which also takes completions in the future).
    /// </summary>
    public static (DateTimeOffset? CompletedAfter, DateTimeOffset? CompletedAtOrBefore) CompletionRange(AgeBucket bucket, DateTimeOffset now)
    {
        var index = (int)bucket;
        DateTimeOffset? after = index + 1 < AgeBucketStarts.Count ? now - AgeBucketStarts[index + 1] : null;
        DateTimeOffset? atOrBefore = index == 0 ? null : now - AgeBucketStarts[index];
        return (after, atOrBefore);
    }

    public static TimeSpan Length(ExpiryWindow window) => window switch
    {
        ExpiryWindow.Within24Hours => TimeSpan.FromHours(24),
        ExpiryWindow.Within7Days => TimeSpan.FromDays(7),
        _ => throw new ArgumentOutOfRangeException(nameof(window), window, null),
    };

    /// <summary>Expiry times in a window: from now (inclusive) to now plus its length (exclusive).</summary>
    public static (DateTimeOffset From, DateTimeOffset Until) ExpiryRange(ExpiryWindow window, DateTimeOffset now) => (now, now + Length(window));

    /// <summary>
    /// Whether the snapshot's expiry falls in the window. Snapshots marked not needed are due already, so they are not
    /// "expiring"; deleted ones are gone.
    /// </summary>
    public static bool ExpiresWithin(RetentionFacts s, ExpiryWindow window, DateTimeOffset now)
    {
        var (from, until) = ExpiryRange(window, now);
        return s.Available && s.NotNeededAt is null && s.ExpiresAt is { } expires && expires >= from && expires < until;
    }

    /// <summary>The start of the next whole UTC hour strictly after <paramref name="t"/>: where the hourly counters take over.</summary>
    public static DateTimeOffset NextHourAfter(DateTimeOffset t)
    {
        var utc = t.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero).AddHours(1);
    }

    /// <summary>When the snapshot became due: its expiry, or earlier when it was marked not needed. Null: not due ever (yet).</summary>
    public static DateTimeOffset? DueSince(RetentionFacts s) =>
        (s.ExpiresAt, s.NotNeededAt) switch
        {
            ({ } expires, { } notNeeded) => expires < notNeeded ? expires : notNeeded,
            ({ } expires, null) => expires,
            (null, { } notNeeded) => notNeeded,
            _ => null,
        };

    /// <summary>Due: still available and past its expiry, or marked no longer needed.</summary>
    public static bool IsDue(RetentionFacts s, DateTimeOffset now) => s.Available && DueSince(s) is { } due && now >= due;

    /// <summary>
    /// Why a snapshot is kept although it is due, or null when nothing keeps it. A legal hold outranks a pin, which
    /// outranks the policy's "keep the last good snapshot of each VNF".
    /// </summary>
    public static Protection? ProtectionOf(RetentionFacts s, DateTimeOffset now, bool keepLastGood)
    {
        if (s.LegalHold is { } hold && hold.ActiveAt(now))
            return new Protection(ProtectionKind.LegalHold, $"Legal hold by {hold.By}: {hold.Reason}{Until(hold.Until)}");
        if (s.Pin is { } pin && pin.ActiveAt(now))
            return new Protection(ProtectionKind.Pinned, $"Pinned by {pin.By}: {pin.Reason}{Until(pin.Until)}");
        if (keepLastGood && s.IsLastGood)
            return new Protection(ProtectionKind.LastGoodSnapshot, "Last good snapshot of its VNF (kept by the policy)");
        return null;
    }

    /// <summary>
    /// Since when nothing kept the due snapshot: the latest of its due time, the end of a lapsed pin or hold, the moment
    /// one was lifted, and (when the policy keeps the last good snapshot) the moment a newer snapshot took that role. Null while it is not due or
    /// still protected.
    /// </summary>
    public static DateTimeOffset? DeletableSince(RetentionFacts s, DateTimeOffset now, bool keepLastGood)
    {
        if (!IsDue(s, now) || ProtectionOf(s, now, keepLastGood) is not null)
            return null;
        var since = DueSince(s)!.Value;
        foreach (var lapsed in new[] { s.Pin?.Until, s.LegalHold?.Until, s.ReleasedAt, keepLastGood ? s.SupersededAt : null })
        {
            if (lapsed is { } t && t > since)
                since = t;
        }

        return since;
    }

    /// <summary>
    /// Overdue (the alarm; should be zero): due, not protected, not deleted, and deletable for longer than one sweep
    /// interval, so the retention sweep should have deleted it already.
    /// </summary>
    public static bool IsOverdue(RetentionFacts s, DateTimeOffset now, bool keepLastGood, TimeSpan sweepInterval) =>
        DeletableSince(s, now, keepLastGood) is { } since && now - since > sweepInterval;

    /// <summary>Due and kept by a pin, a legal hold or the last-good rule: "held past expiry".</summary>
    public static bool IsProtectedPastExpiry(RetentionFacts s, DateTimeOffset now, bool keepLastGood) =>
        IsDue(s, now) && ProtectionOf(s, now, keepLastGood) is not null;

    /// <summary>
    /// Where a snapshot counts among the retention figures at <paramref name="now"/> (the bucket the scheduled clock step
    /// keeps it in): held, pinned, kept as the last good one, overdue, or none of these.
    /// </summary>
    public static RetentionBucket RetentionBucketOf(RetentionFacts s, DateTimeOffset now, bool keepLastGood, TimeSpan sweepInterval)
    {
        if (IsOverdue(s, now, keepLastGood, sweepInterval))
            return RetentionBucket.Overdue;
        if (!IsDue(s, now))
            return RetentionBucket.None;
        return ProtectionOf(s, now, keepLastGood)?.Kind switch
        {
            ProtectionKind.LegalHold => RetentionBucket.LegalHold,
            ProtectionKind.Pinned => RetentionBucket.Pinned,
            ProtectionKind.LastGoodSnapshot => RetentionBucket.LastGood,
            _ => RetentionBucket.None,
        };
    }

    /// <summary>
    /// The first moment after <paramref name="now"/> at which a snapshot's bucket may change, whatever the policy's last-good
    /// rule: its due time, the end of a pin or hold, and one sweep interval after it became deletable. Null: never.
    /// </summary>
    public static DateTimeOffset? NextRetentionChange(RetentionFacts s, DateTimeOffset now, TimeSpan sweepInterval)
    {
        if (!s.Available)
            return null;
        // Overdue is "deletable for longer than the sweep interval": from the next tick of the database's clock (1 µs) on.
        var tick = TimeSpan.FromTicks(10);
        var candidates = new[]
        {
            DueSince(s),
            s.LegalHold?.Until,
            s.Pin?.Until,
            DeletableFrom(s, keepLastGood: false) + sweepInterval + tick,
            DeletableFrom(s, keepLastGood: true) + sweepInterval + tick,
        };
        return candidates.Where(t => t is { } x && x > now).Min();
    }

    // When nothing but time keeps the snapshot, as the projection's generated columns compute it: never while a pin or
    // hold has no end (or, with the last-good rule, while it is the last good one).
    private static DateTimeOffset? DeletableFrom(RetentionFacts s, bool keepLastGood)
    {
        if (!s.Available || DueSince(s) is not { } since || (keepLastGood && s.IsLastGood))
            return null;
        if ((s.Pin is { Until: null }) || (s.LegalHold is { Until: null }))
            return null;
        foreach (var t in new[] { s.Pin?.Until, s.LegalHold?.Until, s.ReleasedAt, keepLastGood ? s.SupersededAt : null })
        {
            if (t is { } x && x > since)
                since = x;
        }

        return since;
    }

    public static string Label(AgeBucket bucket) => bucket switch
    {
        AgeBucket.UnderOneDay => "< 1 day",
        AgeBucket.OneToThreeDays => "1–3 days",
        AgeBucket.ThreeToSevenDays => "3–7 days",
        AgeBucket.SevenToFourteenDays => "7–14 days",
        AgeBucket.FourteenToThirtyDays => "14–30 days",
        AgeBucket.OverThirtyDays => "> 30 days",
        _ => bucket.ToString(),
    };

    public static string Label(PendingAgeBucket bucket) => bucket switch
    {
        PendingAgeBucket.UnderOneHour => "< 1 hour",
        PendingAgeBucket.OneToFourHours => "1–4 hours",
        PendingAgeBucket.FourToTwentyFourHours => "4–24 hours",
        PendingAgeBucket.OverTwentyFourHours => "> 24 hours",
        _ => bucket.ToString(),
    };

    public static string Label(ExpiryWindow window) => window switch
    {
        ExpiryWindow.Within24Hours => "within 24 hours",
        ExpiryWindow.Within7Days => "within 7 days",
        _ => window.ToString(),
    };

    private static int BucketOf(TimeSpan age, IReadOnlyList<TimeSpan> starts)
    {
        for (var i = starts.Count - 1; i > 0; i--)
        {
            if (age >= starts[i])
                return i;
        }

        return 0;
    }

    private static string Until(DateTimeOffset? until) => until is { } t ? $" until {t.UtcDateTime:yyyy-MM-dd HH:mm} UTC" : "";
}

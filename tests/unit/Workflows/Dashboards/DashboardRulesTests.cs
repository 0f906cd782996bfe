using Console.Workflows.Dashboards;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Dashboards;

/// <summary>The dashboard's arithmetic without a database: buckets, windows, and the retention rule's due, protected and overdue.</summary>
public sealed class DashboardRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 34, 56, TimeSpan.Zero);
    private static readonly TimeSpan Sweep = TimeSpan.FromMinutes(10);

    private static RetentionFacts Snapshot(
        TimeSpan age, TimeSpan? expiresIn = null, DateTimeOffset? notNeededAt = null, Hold? pin = null, Hold? hold = null,
        DateTimeOffset? releasedAt = null, bool lastGood = false, DateTimeOffset? supersededAt = null, bool available = true) =>
        new(Now - age, available, expiresIn is { } e ? Now + e : null, notNeededAt, pin, hold, releasedAt, lastGood, supersededAt);

    [Theory]
    [InlineData(-5, AgeBucket.UnderOneDay)]
    [InlineData(0, AgeBucket.UnderOneDay)]
    [InlineData(24 * 60 - 1, AgeBucket.UnderOneDay)]
    [InlineData(24 * 60, AgeBucket.OneToThreeDays)]
    [InlineData(3 * 24 * 60, AgeBucket.ThreeToSevenDays)]
    [InlineData(7 * 24 * 60 - 1, AgeBucket.ThreeToSevenDays)]
    [InlineData(7 * 24 * 60, AgeBucket.SevenToFourteenDays)]
    [InlineData(14 * 24 * 60, AgeBucket.FourteenToThirtyDays)]
    [InlineData(30 * 24 * 60 - 1, AgeBucket.FourteenToThirtyDays)]
    [InlineData(30 * 24 * 60, AgeBucket.OverThirtyDays)]
    [InlineData(400 * 24 * 60, AgeBucket.OverThirtyDays)]
    public void AgeBucketOf_CountsFromCompletion_LowerBoundInclusive(int minutesOld, AgeBucket expected) =>
        DashboardRules.AgeBucketOf(Now.AddMinutes(-minutesOld), Now).ShouldBe(expected);

    [Fact]
    public void CompletionRange_OfEveryBucket_HoldsExactlyTheCompletionsThatFallInIt()
    {
        foreach (var bucket in DashboardRules.AgeBuckets)
        {
            var (after, atOrBefore) = DashboardRules.CompletionRange(bucket, Now);
            if (after is { } a)
            {
                DashboardRules.AgeBucketOf(a, Now).ShouldNotBe(bucket);
                DashboardRules.AgeBucketOf(a.AddTicks(1), Now).ShouldBe(bucket);
            }

            if (atOrBefore is { } b)
            {
                DashboardRules.AgeBucketOf(b, Now).ShouldBe(bucket);
                DashboardRules.AgeBucketOf(b.AddTicks(1), Now).ShouldNotBe(bucket);
            }
        }

        DashboardRules.CompletionRange(AgeBucket.UnderOneDay, Now).CompletedAtOrBefore.ShouldBeNull();
        DashboardRules.CompletionRange(AgeBucket.OverThirtyDays, Now).CompletedAfter.ShouldBeNull();
    }

    [Theory]
    [InlineData(0, PendingAgeBucket.UnderOneHour)]
    [InlineData(59, PendingAgeBucket.UnderOneHour)]
    [InlineData(60, PendingAgeBucket.OneToFourHours)]
    [InlineData(4 * 60, PendingAgeBucket.FourToTwentyFourHours)]
    [InlineData(24 * 60 - 1, PendingAgeBucket.FourToTwentyFourHours)]
    [InlineData(24 * 60, PendingAgeBucket.OverTwentyFourHours)]
    public void PendingBucketOf_CountsFromSubmission(int minutesWaiting, PendingAgeBucket expected) =>
        DashboardRules.PendingBucketOf(Now.AddMinutes(-minutesWaiting), Now).ShouldBe(expected);

    [Fact]
    public void ExpiresWithin_TheWindowStartsNowAndEndsBeforeItsLength()
    {
        DashboardRules.ExpiresWithin(Snapshot(TimeSpan.FromDays(2), expiresIn: TimeSpan.Zero), ExpiryWindow.Within24Hours, Now).ShouldBeTrue();
        DashboardRules.ExpiresWithin(Snapshot(TimeSpan.FromDays(2), expiresIn: TimeSpan.FromHours(24) - TimeSpan.FromTicks(1)), ExpiryWindow.Within24Hours, Now).ShouldBeTrue();
        DashboardRules.ExpiresWithin(Snapshot(TimeSpan.FromDays(2), expiresIn: TimeSpan.FromHours(24)), ExpiryWindow.Within24Hours, Now).ShouldBeFalse();
        DashboardRules.ExpiresWithin(Snapshot(TimeSpan.FromDays(2), expiresIn: TimeSpan.FromHours(24)), ExpiryWindow.Within7Days, Now).ShouldBeTrue();
        DashboardRules.ExpiresWithin(Snapshot(TimeSpan.FromDays(2), expiresIn: TimeSpan.FromSeconds(-1)), ExpiryWindow.Within7Days, Now).ShouldBeFalse("already due");
    }

    [Fact]
    public void ExpiresWithin_NotForSnapshotsMarkedNotNeededOrDeleted()
    {
        DashboardRules.ExpiresWithin(Snapshot(TimeSpan.FromDays(1), TimeSpan.FromHours(2), notNeededAt: Now.AddHours(-1)), ExpiryWindow.Within24Hours, Now)
            .ShouldBeFalse();
        DashboardRules.ExpiresWithin(Snapshot(TimeSpan.FromDays(1), TimeSpan.FromHours(2), available: false), ExpiryWindow.Within24Hours, Now)
            .ShouldBeFalse();
    }

    [Theory]
    [InlineData("2026-03-10T12:34:56Z", "2026-03-10T13:00:00Z")]
    [InlineData("2026-03-10T12:00:00Z", "2026-03-10T13:00:00Z")]
    [InlineData("2026-03-10T23:59:59.999Z", "2026-03-11T00:00:00Z")]
    [InlineData("2026-03-10T14:30:00+05:30", "2026-03-10T10:00:00Z")]
    public void NextHourAfter_IsTheNextWholeUtcHourStrictlyAfter(string at, string expected) =>
        DashboardRules.NextHourAfter(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture))
            .ShouldBe(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void IsDue_AfterExpiryOrWhenMarkedNotNeeded()
    {
        DashboardRules.IsDue(Snapshot(TimeSpan.FromDays(1), expiresIn: TimeSpan.FromHours(1)), Now).ShouldBeFalse();
        DashboardRules.IsDue(Snapshot(TimeSpan.FromDays(1), expiresIn: TimeSpan.Zero), Now).ShouldBeTrue();
        DashboardRules.IsDue(Snapshot(TimeSpan.FromDays(1), expiresIn: TimeSpan.FromDays(5), notNeededAt: Now.AddMinutes(-1)), Now).ShouldBeTrue();
        DashboardRules.IsDue(Snapshot(TimeSpan.FromDays(1)), Now).ShouldBeFalse("no retention assigned yet");
        DashboardRules.IsDue(Snapshot(TimeSpan.FromDays(9), expiresIn: TimeSpan.FromDays(-2), available: false), Now).ShouldBeFalse("deleted");
    }

    [Fact]
    public void Overdue_WhenDueUnprotectedAndLongerThanASweep_IsTheAlarm()
    {
        var expiredLongAgo = Snapshot(TimeSpan.FromDays(9), expiresIn: TimeSpan.FromDays(-2));
        DashboardRules.IsOverdue(expiredLongAgo, Now, keepLastGood: true, Sweep).ShouldBeTrue();

        var justExpired = Snapshot(TimeSpan.FromDays(7), expiresIn: -Sweep);
        DashboardRules.IsOverdue(justExpired, Now, keepLastGood: true, Sweep).ShouldBeFalse("the sweep has until one interval after expiry");
        DashboardRules.IsOverdue(justExpired with { ExpiresAt = Now - Sweep - TimeSpan.FromSeconds(1) }, Now, true, Sweep).ShouldBeTrue();
    }

    [Fact]
    public void LegalHold_KeepsADueSnapshot_AndSaysWhoWhyAndUntilWhen()
    {
        var hold = new Hold("Investigation 2026-17", Now.AddDays(30), "security", Now.AddDays(-3));
        var held = Snapshot(TimeSpan.FromDays(9), expiresIn: TimeSpan.FromDays(-2), hold: hold);

        DashboardRules.IsOverdue(held, Now, keepLastGood: false, Sweep).ShouldBeFalse();
        DashboardRules.IsProtectedPastExpiry(held, Now, keepLastGood: false).ShouldBeTrue();
        var protection = DashboardRules.ProtectionOf(held, Now, keepLastGood: false).ShouldNotBeNull();
        protection.Kind.ShouldBe(ProtectionKind.LegalHold);
        protection.Explanation.ShouldBe("Legal hold by security: Investigation 2026-17 until 2026-04-09 12:34 UTC");
    }

    [Fact]
    public void LegalHold_WithoutEnd_OutranksAPin()
    {
        var pin = new Hold("Vendor case", null, "olli.operator", Now.AddDays(-1));
        var hold = new Hold("Court order", null, "security", Now.AddDays(-1));
        var protection = DashboardRules.ProtectionOf(Snapshot(TimeSpan.FromDays(9), TimeSpan.FromDays(-1), pin: pin, hold: hold), Now, keepLastGood: true);

        protection.ShouldNotBeNull().Kind.ShouldBe(ProtectionKind.LegalHold);
        protection.Explanation.ShouldBe("Legal hold by security: Court order");
    }

    [Fact]
    public void LapsedPin_MakesTheSnapshotDeletableFromItsEnd_NotFromItsExpiry()
    {
        var pin = new Hold("Vendor case", Now.AddMinutes(-5), "olli.operator", Now.AddDays(-4));
        var lapsed = Snapshot(TimeSpan.FromDays(9), expiresIn: TimeSpan.FromDays(-2), pin: pin);

        DashboardRules.ProtectionOf(lapsed, Now, keepLastGood: false).ShouldBeNull();
        DashboardRules.DeletableSince(lapsed, Now, keepLastGood: false).ShouldBe(Now.AddMinutes(-5));
        DashboardRules.IsOverdue(lapsed, Now, keepLastGood: false, Sweep).ShouldBeFalse("the sweep has one interval after the pin ends");
        DashboardRules.IsOverdue(lapsed, Now.AddMinutes(6), keepLastGood: false, Sweep).ShouldBeTrue();
    }

    [Fact]
    public void ReleasedHold_MakesTheSnapshotDeletableFromTheRelease()
    {
        var released = Snapshot(TimeSpan.FromDays(9), expiresIn: TimeSpan.FromDays(-2), releasedAt: Now.AddMinutes(-3));

        DashboardRules.DeletableSince(released, Now, keepLastGood: false).ShouldBe(Now.AddMinutes(-3));
        DashboardRules.IsOverdue(released, Now, keepLastGood: false, Sweep).ShouldBeFalse();
    }

    [Fact]
    public void KeepLastGood_KeepsTheNewestAvailableSnapshot_OnlyWhileThePolicySaysSo()
    {
        var lastGood = Snapshot(TimeSpan.FromDays(40), expiresIn: TimeSpan.FromDays(-10), lastGood: true);

        DashboardRules.ProtectionOf(lastGood, Now, keepLastGood: true).ShouldNotBeNull().Kind.ShouldBe(ProtectionKind.LastGoodSnapshot);
        DashboardRules.IsOverdue(lastGood, Now, keepLastGood: true, Sweep).ShouldBeFalse();
        DashboardRules.IsOverdue(lastGood, Now, keepLastGood: false, Sweep).ShouldBeTrue();
    }

    [Fact]
    public void KeepLastGood_WhenANewerSnapshotTakesOver_TheOldOneIsDeletableFromThen()
    {
        var superseded = Snapshot(TimeSpan.FromDays(40), expiresIn: TimeSpan.FromDays(-10), supersededAt: Now.AddMinutes(-2));

        DashboardRules.DeletableSince(superseded, Now, keepLastGood: true).ShouldBe(Now.AddMinutes(-2));
        DashboardRules.IsOverdue(superseded, Now, keepLastGood: true, Sweep).ShouldBeFalse();
        DashboardRules.IsOverdue(superseded, Now, keepLastGood: false, Sweep).ShouldBeTrue("without the rule it was deletable at expiry");
    }

    [Fact]
    public void MarkedNotNeeded_IsDueAtOnce_EvenBeforeItsExpiry()
    {
        var notNeeded = Snapshot(TimeSpan.FromDays(1), expiresIn: TimeSpan.FromDays(6), notNeededAt: Now.AddHours(-1));

        DashboardRules.DueSince(notNeeded).ShouldBe(Now.AddHours(-1));
        DashboardRules.IsOverdue(notNeeded, Now, keepLastGood: false, Sweep).ShouldBeTrue();
    }

    [Fact]
    public void NextRetentionChange_OfAPinnedSnapshotPastExpiry_IsTheEndOfThePin_ThenOneSweepIntervalLater()
    {
        var pin = new Hold("vendor case", Now.AddHours(5), "olli.operator", Now.AddDays(-2));
        var s = Snapshot(TimeSpan.FromDays(20), expiresIn: TimeSpan.FromDays(-6), pin: pin);

        DashboardRules.RetentionBucketOf(s, Now, keepLastGood: true, Sweep).ShouldBe(RetentionBucket.Pinned);
        var lapse = DashboardRules.NextRetentionChange(s, Now, Sweep).ShouldNotBeNull();
        lapse.ShouldBe(Now.AddHours(5));

        // Once the pin lapses the snapshot is deletable, not yet overdue; just past one sweep interval it is.
        DashboardRules.RetentionBucketOf(s, lapse, keepLastGood: true, Sweep).ShouldBe(RetentionBucket.None);
        var overdue = DashboardRules.NextRetentionChange(s, lapse, Sweep).ShouldNotBeNull();
        overdue.ShouldBe(lapse + Sweep + TimeSpan.FromTicks(10));
        DashboardRules.RetentionBucketOf(s, overdue.AddTicks(-10), keepLastGood: true, Sweep).ShouldBe(RetentionBucket.None);
        DashboardRules.RetentionBucketOf(s, overdue, keepLastGood: true, Sweep).ShouldBe(RetentionBucket.Overdue);
        DashboardRules.NextRetentionChange(s, overdue, Sweep).ShouldBeNull();
    }

    [Fact]
    public void NextRetentionChange_OfALastGoodSnapshot_IsItsDueTime_ThenOnlyWithoutTheLastGoodRule()
    {
        var s = Snapshot(TimeSpan.FromDays(2), expiresIn: TimeSpan.FromDays(1), lastGood: true);

        DashboardRules.NextRetentionChange(s, Now, Sweep).ShouldBe(Now.AddDays(1));
        DashboardRules.RetentionBucketOf(s, Now.AddDays(1), keepLastGood: true, Sweep).ShouldBe(RetentionBucket.LastGood);
        DashboardRules.RetentionBucketOf(s, Now.AddDays(1), keepLastGood: false, Sweep).ShouldBe(RetentionBucket.None);
        // Without the rule it becomes overdue one sweep interval after it fell due; with it, it stays kept.
        var next = DashboardRules.NextRetentionChange(s, Now.AddDays(1), Sweep).ShouldNotBeNull();
        DashboardRules.RetentionBucketOf(s, next, keepLastGood: false, Sweep).ShouldBe(RetentionBucket.Overdue);
        DashboardRules.RetentionBucketOf(s, next, keepLastGood: true, Sweep).ShouldBe(RetentionBucket.LastGood);
    }

    [Fact]
    public void NextRetentionChange_OfADeletedSnapshotOrOneHeldForEver_IsNever()
    {
        DashboardRules.NextRetentionChange(Snapshot(TimeSpan.FromDays(9), expiresIn: TimeSpan.FromDays(-2), available: false), Now, Sweep).ShouldBeNull();
        var forever = new Hold("investigation", null, "sam.security", Now.AddDays(-3));
        var held = Snapshot(TimeSpan.FromDays(9), expiresIn: TimeSpan.FromDays(-2), hold: forever);
        DashboardRules.RetentionBucketOf(held, Now, keepLastGood: true, Sweep).ShouldBe(RetentionBucket.LegalHold);
        DashboardRules.NextRetentionChange(held, Now, Sweep).ShouldBeNull();
    }
}

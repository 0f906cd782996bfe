using Console.Web.Identity;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Identity;

public sealed class SignInThrottlePolicyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void SignInThrottle_ThirtyWrongPasswords_LockForGrowingTimes_UpToTheCap()
    {
        var state = SignInAttempts.None("olga");
        var now = T0;
        var lockouts = new List<TimeSpan>();
        for (var i = 0; i < 30; i++)
        {
            // Each attempt comes as soon as the previous lockout allows.
            if (state.LockedUntil is { } until)
                now = until;
            SignInThrottlePolicy.IsLockedOut(state, now).ShouldBeFalse();
            state = SignInThrottlePolicy.Failed(state, now);
            lockouts.Add(state.LockedUntil is { } locked ? locked - now : TimeSpan.Zero);
        }

        lockouts.Take(SignInThrottlePolicy.FreeFailures).ShouldAllBe(l => l == TimeSpan.Zero);
        lockouts.Skip(SignInThrottlePolicy.FreeFailures).Take(4).ShouldBe(
            [TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(16)]);
        lockouts.Zip(lockouts.Skip(1)).ShouldAllBe(pair => pair.Second >= pair.First);
        lockouts[^1].ShouldBe(SignInThrottlePolicy.MaxLockout);
        // 30 wrong passwords now take hours, not the 2.7 s the issue measured.
        (now - T0).ShouldBeGreaterThan(TimeSpan.FromHours(3));
    }

    [Fact]
    public void SignInThrottle_WhileLocked_EvenTheRightMomentIsRefusedUntilTheLockEnds()
    {
        var state = SignInAttempts.None("olga");
        for (var i = 0; i <= SignInThrottlePolicy.FreeFailures; i++)
            state = SignInThrottlePolicy.Failed(state, T0);

        SignInThrottlePolicy.IsLockedOut(state, T0.AddSeconds(1)).ShouldBeTrue();
        SignInThrottlePolicy.IsLockedOut(state, T0.AddSeconds(2)).ShouldBeFalse();
    }

    [Fact]
    public void SignInThrottle_AQuietHalfHour_StartsTheCountAgain()
    {
        var state = SignInAttempts.None("olga");
        for (var i = 0; i < 10; i++)
            state = SignInThrottlePolicy.Failed(state, T0);

        var later = SignInThrottlePolicy.Failed(state, T0 + SignInThrottlePolicy.ForgetAfter);

        later.Failures.ShouldBe(1);
        later.LockedUntil.ShouldBeNull();
    }

    [Theory]
    [InlineData(" Olga ", "olga")]
    [InlineData(null, "")]
    public void SignInThrottle_Key_IsTheNameAsTheDirectoryReadsIt(string? typed, string key) =>
        SignInThrottlePolicy.Key(typed).ShouldBe(key);
}

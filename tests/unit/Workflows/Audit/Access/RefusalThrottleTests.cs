using Console.Workflows.Audit.Access;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Audit.Access;

public sealed class RefusalThrottleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ShouldRecord_RepeatsWithinTheWindow_AreCountedOnTheNextRecord()
    {
        var throttle = new RefusalThrottle(TimeSpan.FromMinutes(1));

        throttle.ShouldRecord("operator", "GET /history", "/history", T0, out var first).ShouldBeTrue();
        first.ShouldBe(0);
        for (var i = 1; i <= 4; i++)
            throttle.ShouldRecord("operator", "GET /history", "/history", T0.AddSeconds(i * 10), out _).ShouldBeFalse();

        throttle.ShouldRecord("operator", "GET /history", "/history", T0.AddSeconds(61), out var repeats).ShouldBeTrue();
        repeats.ShouldBe(4);
        throttle.ShouldRecord("operator", "GET /history", "/history", T0.AddSeconds(125), out var none).ShouldBeTrue();
        none.ShouldBe(0);
    }

    [Fact]
    public void ShouldRecord_OtherPersonOperationOrResource_IsItsOwnRefusal()
    {
        var throttle = new RefusalThrottle(TimeSpan.FromMinutes(1));
        throttle.ShouldRecord("operator", "ApproveRequest", "request/1", T0, out _).ShouldBeTrue();

        throttle.ShouldRecord("operator2", "ApproveRequest", "request/1", T0, out _).ShouldBeTrue();
        throttle.ShouldRecord("operator", "RejectRequest", "request/1", T0, out _).ShouldBeTrue();
        throttle.ShouldRecord("operator", "ApproveRequest", "request/2", T0, out _).ShouldBeTrue();
        throttle.ShouldRecord("operator", "ApproveRequest", "request/1", T0.AddSeconds(1), out _).ShouldBeFalse();
    }

    [Fact]
    public void Create_WithoutAWindow_IsRefused() =>
        Should.Throw<ArgumentOutOfRangeException>(() => new RefusalThrottle(TimeSpan.Zero));
}

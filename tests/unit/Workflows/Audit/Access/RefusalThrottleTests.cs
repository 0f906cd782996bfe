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
    public void Decide_VaryingThePath_IsCappedPerPersonWithOneSummary_AndTheSuppressedAreCountedOnTheNextRecord()
    {
        var throttle = new RefusalThrottle(TimeSpan.FromMinutes(1), maxRecordsPerPerson: 5);

        var decisions = Enumerable.Range(0, 1000)
            .Select(i => throttle.Decide("mallory", "GET /history", $"/history/{i}", T0.AddMilliseconds(i)))
            .ToList();

        decisions.Count(d => d.Kind == RefusalRecording.Record).ShouldBe(5);
        decisions.Count(d => d.Kind == RefusalRecording.Summary).ShouldBe(1);
        decisions[5].Kind.ShouldBe(RefusalRecording.Summary);
        decisions.Skip(6).ShouldAllBe(d => d.Kind == RefusalRecording.Suppress);

        // Someone else is not held back by mallory's flood.
        throttle.Decide("olga", "GET /history", "/history/1", T0.AddSeconds(2)).Kind.ShouldBe(RefusalRecording.Record);

        var next = throttle.Decide("mallory", "GET /history", "/history/next", T0.AddSeconds(61));
        next.Kind.ShouldBe(RefusalRecording.Record);
        next.SuppressedBefore.ShouldBe(994);
        throttle.Decide("mallory", "GET /history", "/history/after", T0.AddSeconds(62)).SuppressedBefore.ShouldBe(0);
    }

    [Fact]
    public void Decide_AFloodOfPathsAndPeople_KeepsMemoryBounded()
    {
        var throttle = new RefusalThrottle(TimeSpan.FromMinutes(1), maxRecordsPerPerson: 20, maxPeople: 100);

        for (var minute = 0; minute < 5; minute++)
        {
            for (var i = 0; i < 5_000; i++)
                throttle.Decide("mallory", "GET /x", $"/x/{minute}/{i}", T0.AddMinutes(minute).AddMilliseconds(i));
        }

        throttle.RefusalsRemembered("mallory").ShouldBeLessThanOrEqualTo(3 * 20);
        for (var i = 0; i < 10_000; i++)
            throttle.Decide($"sprayed-{i}", "SignIn", "account", T0.AddMinutes(10).AddMilliseconds(i));

        throttle.PeopleRemembered.ShouldBeLessThanOrEqualTo(100);
        // The most recent person is remembered: their repeat within the minute is suppressed.
        throttle.Decide("sprayed-9999", "SignIn", "account", T0.AddMinutes(10).AddSeconds(20)).Kind.ShouldBe(RefusalRecording.Suppress);
    }

    [Fact]
    public void Create_WithoutAWindow_IsRefused() =>
        Should.Throw<ArgumentOutOfRangeException>(() => new RefusalThrottle(TimeSpan.Zero));
}

using Console.Workflows.Dashboards.Trends;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Dashboards.Trends;

public sealed class TrendRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 0, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Window_IsThirtyDaysEndingToday_OldestFirst_WithEmptyDaysWhereNothingIsStored()
    {
        var stored = new[]
        {
            new TrendDay(new DateOnly(2026, 12, 4), 10, 1, 2, true, Now),
            new TrendDay(new DateOnly(2026, 11, 20), 7, null, null, false),
            new TrendDay(new DateOnly(2026, 11, 4), 99, 9, 9, true, Now.AddDays(-30)),   // before the window
        };

        var window = TrendRules.Window(Now, stored);

        window.Count.ShouldBe(30);
        window[0].Day.ShouldBe(new DateOnly(2026, 11, 5));
        window[^1].ShouldBe(stored[0]);
        window.Single(d => d.Day == new DateOnly(2026, 11, 20)).Available.ShouldBe(7);
        window.Where(d => d.Day != new DateOnly(2026, 11, 20) && d.Day != new DateOnly(2026, 12, 4))
            .ShouldAllBe(d => d.Available == null && d.Overdue == null && d.PendingApprovals == null && !d.Recorded);
        new TrendWindow(Now, window).RecordedSince.ShouldBe(new DateOnly(2026, 12, 4));
    }

    [Fact]
    public void Today_IsTheUtcDate_WhateverTheOffsetOfTheMoment()
    {
        TrendRules.Today(new DateTimeOffset(2026, 12, 4, 1, 0, 0, TimeSpan.FromHours(3))).ShouldBe(new DateOnly(2026, 12, 3));
        TrendRules.FirstDay(Now).ShouldBe(new DateOnly(2026, 11, 5));
    }

    [Theory]
    [InlineData(null, true)]          // nothing sampled today
    [InlineData(-600, true)]          // exactly one interval ago
    [InlineData(-599, false)]
    [InlineData(60, true)]            // a sample from the future (clock stepped back): take a new one
    public void SampleDue_OncePerInterval(int? secondsFromNow, bool due)
    {
        DateTimeOffset? last = secondsFromNow is { } s ? Now.AddSeconds(s) : null;
        TrendRules.SampleDue(last, Now, TimeSpan.FromMinutes(10)).ShouldBe(due);
    }
}

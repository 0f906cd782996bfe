using Console.Workflows.Dashboards;
using Console.Workflows.Dashboards.Projections;
using Console.Workflows.Dashboards.Trends;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Dashboards.Trends;

/// <summary>
/// The daily trends on a random snapshot history (completions over 45 days, deletions, holds, pins): past days rebuilt
/// exactly from the snapshots' own times, today sampled from the dashboard's figures once per interval.
/// </summary>
public sealed class TrendRecorderTests(DashboardProjectionTests.WithRandomHistory fixture)
    : IClassFixture<DashboardProjectionTests.WithRandomHistory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly DashboardOptions _options = new() { TrendSampleInterval = TimeSpan.FromMinutes(10) };

    [Fact]
    public async Task Record_RebuildsEachPastDaysAvailableSnapshots_SamplesTodayOncePerInterval_AndTheReaderShowsBoth()
    {
        await ClearAsync();
        var clock = new FakeTimeProvider(SnapshotScenario.Now);
        await using var readers = new DashboardReaders(fixture.Database.Store, _options, clock);
        var recorder = Recorder(readers, clock);

        var first = await recorder.RecordAsync(Ct);

        first.Sampled.ShouldBeTrue();
        first.Rebuilt.ShouldBe(TrendRules.Days - 1);
        var window = await new TrendReader(readers.Database, clock).ReadAsync(Ct);
        window.Days.Count.ShouldBe(TrendRules.Days);
        var figures = await readers.Figures.GetFiguresAsync(Ct);
        var today = window.Days[^1];
        today.ShouldBe(new TrendDay(TrendRules.Today(SnapshotScenario.Now), figures.Age.Total, figures.Retention.Overdue,
            figures.PendingApprovals.Total, true, SnapshotScenario.Now));
        foreach (var day in window.Days.SkipLast(1))
        {
            day.Recorded.ShouldBeFalse();
            day.Overdue.ShouldBeNull("a past day's overdue count is not rebuilt");
            day.PendingApprovals.ShouldBeNull();
            day.Available.ShouldBe(AvailableAtEndOf(day.Day), $"available at the end of {day.Day}");
        }

        window.Days.Select(d => d.Available).Distinct().Count().ShouldBeGreaterThan(5, "the history changes from day to day");
        window.RecordedSince.ShouldBe(TrendRules.Today(SnapshotScenario.Now));

        // Within the interval nothing is sampled or rebuilt again; after it, today's row takes the new sample.
        clock.Advance(TimeSpan.FromMinutes(9));
        (await recorder.RecordAsync(Ct)).ShouldBe(new TrendRecord(clock.GetUtcNow(), false, 0));
        clock.Advance(TimeSpan.FromMinutes(1));
        (await recorder.RecordAsync(Ct)).ShouldBe(new TrendRecord(clock.GetUtcNow(), true, 0));
        (await new TrendReader(readers.Database, clock).ReadAsync(Ct)).Days[^1].SampledAt.ShouldBe(clock.GetUtcNow());
    }

    [Fact]
    public async Task Record_ADayTheConsoleDidNotRun_IsRebuilt_AndASampledDayIsNeverOverwrittenByTheRebuild()
    {
        await ClearAsync();
        var clock = new FakeTimeProvider(SnapshotScenario.Now.AddDays(-2));
        await using var readers = new DashboardReaders(fixture.Database.Store, _options, clock);
        (await Recorder(readers, clock).RecordAsync(Ct)).Sampled.ShouldBeTrue();
        var sampledDay = TrendRules.Today(clock.GetUtcNow());

        // Two days later: yesterday was missed entirely.
        clock.Advance(TimeSpan.FromDays(2));
        var later = await Recorder(readers, clock).RecordAsync(Ct);

        later.Rebuilt.ShouldBe(1, "the day missed");
        var window = await new TrendReader(readers.Database, clock).ReadAsync(Ct);
        var kept = window.Days.Single(d => d.Day == sampledDay);
        kept.Recorded.ShouldBeTrue();
        kept.Overdue.ShouldNotBeNull();
        var missed = window.Days.Single(d => d.Day == sampledDay.AddDays(1));
        missed.Recorded.ShouldBeFalse();
        missed.Available.ShouldBe(AvailableAtEndOf(missed.Day));
    }

    private TrendRecorder Recorder(DashboardReaders readers, TimeProvider clock) =>
        new(fixture.Database.Store, new DashboardTables(fixture.Database.Store.Options.DatabaseSchemaName), readers.Figures, _options, clock);

    // Straight from the events the history was made of: completed by the day's end and not deleted by then.
    private long AvailableAtEndOf(DateOnly day)
    {
        var end = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return fixture.World.Entries.LongCount(e => e.Taken.At < end && !(e.DeletedAt is { } deleted && deleted < end));
    }

    private async Task ClearAsync()
    {
        await using var conn = new NpgsqlConnection(fixture.Database.ConnectionString);
        await conn.OpenAsync(Ct);
        await using var command = new NpgsqlCommand($"delete from {new DashboardTables(fixture.Database.Store.Options.DatabaseSchemaName).Trend}", conn);
        await command.ExecuteNonQueryAsync(Ct);
    }
}

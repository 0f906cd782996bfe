using Console.Workflows.Snapshots;
using Microsoft.Extensions.Configuration;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Snapshots;

public sealed class SnapshotLifecycleOptionsTests
{
    [Theory]
    [InlineData("00:05:00", "0 */5 * * * *")]
    [InlineData("00:00:10", "*/10 * * * * *")]
    [InlineData("00:01:00", "0 */1 * * * *")]
    [InlineData("02:00:00", "0 0 */2 * * *")]
    [InlineData("1.00:00:00", "0 0 0 * * *")]
    public void SweepCron_ForIntervalsThatDivideAMinuteHourOrDay(string interval, string cron) =>
        new SnapshotLifecycleOptions { SweepInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture) }
            .SweepCron().ShouldBe(cron);

    [Theory]
    [InlineData("00:07:00")]
    [InlineData("00:00:00.500")]
    [InlineData("2.00:00:00")]
    [InlineData("00:00:00")]
    public void From_IntervalThatCannotBeACronSchedule_FailsAtStartWithTheSetting(string interval)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Snapshots:SweepInterval"] = interval }).Build();

        Should.Throw<InvalidOperationException>(() => SnapshotLifecycleOptions.From(configuration)).Message.ShouldContain("Snapshots:SweepInterval");
    }

    [Fact]
    public void From_Defaults_SweepEveryFiveMinutes() =>
        SnapshotLifecycleOptions.From(new ConfigurationBuilder().Build()).SweepInterval.ShouldBe(TimeSpan.FromMinutes(5));

    [Theory]
    [InlineData("0")]
    [InlineData("65")]
    public void From_DeletionParallelismOutOfRange_FailsAtStartWithTheSetting(string parallelism)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Snapshots:DeletionParallelism"] = parallelism }).Build();

        Should.Throw<InvalidOperationException>(() => SnapshotLifecycleOptions.From(configuration)).Message
            .ShouldContain("Snapshots:DeletionParallelism");
    }

    [Fact]
    public void From_Defaults_FourDeletionsAtATime() =>
        SnapshotLifecycleOptions.From(new ConfigurationBuilder().Build()).DeletionParallelism.ShouldBe(4);
}

using Console.UnitTests.Infrastructure;
using Console.Workflows.Audit.Integrity;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Audit.Integrity;

/// <summary>A host whose background verification runs every two seconds.</summary>
public sealed class FrequentlyVerifyingHostFixture : WorkflowFixture
{
    public string KeyFile { get; } = AuditLog.NewKeyFile();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Audit:SigningKeyFile"] = KeyFile,
        ["Audit:GapSettleTime"] = "00:00:00.200",
        ["Audit:VerifyEvery"] = "00:00:02",
        ["Audit:FirstVerificationAfter"] = "00:00:00.500",
    };
}

public sealed class ScheduledVerificationTests(FrequentlyVerifyingHostFixture fixture) : IClassFixture<FrequentlyVerifyingHostFixture>
{
    [Fact]
    public async Task Schedule_RunsByItself_AndRecordsEachRunAsTheSchedule()
    {
        var runs = await WaitForAsync(async () =>
        {
            var status = await fixture.Host.With<IIntegrityService, IntegrityStatus>(s => s.StatusAsync());
            return status.Recent.Count(r => r.Trigger == VerificationTrigger.Scheduled) >= 2 ? status : null;
        });

        var scheduled = runs.Recent.Where(r => r.Trigger == VerificationTrigger.Scheduled).ToList();
        scheduled.ShouldAllBe(r => r.Intact && r.By == "system:audit-schedule");
        runs.LastScheduledAt.ShouldBe(scheduled[0].At);
        // Runs are an interval apart, not back to back.
        (scheduled[0].At - scheduled[1].At).ShouldBeGreaterThan(TimeSpan.FromSeconds(1));
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (await probe() is { } found)
                return found;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("No two scheduled verifications within 60 s.");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }
}

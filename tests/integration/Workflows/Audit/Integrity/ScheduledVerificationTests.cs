using Console.IntegrationTests.Infrastructure;
using Console.Workflows.Audit.Integrity;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Audit.Integrity;

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
        var runs = await Eventually.Until(() => fixture.Host.With<IIntegrityService, IntegrityStatus>(s => s.StatusAsync()),
            s => s.Recent.Count(r => r.Trigger == VerificationTrigger.Scheduled) >= 2, "two scheduled verifications",
            TimeSpan.FromSeconds(60));

        var scheduled = runs.Recent.Where(r => r.Trigger == VerificationTrigger.Scheduled).ToList();
        scheduled.ShouldAllBe(r => r.Intact && r.By == "system:audit-schedule");
        runs.LastScheduledAt.ShouldBe(scheduled[0].At);
        // Runs are an interval apart, not back to back.
        (scheduled[0].At - scheduled[1].At).ShouldBeGreaterThan(TimeSpan.FromSeconds(1));
    }
}

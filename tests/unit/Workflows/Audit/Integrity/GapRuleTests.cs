using Console.Workflows.Audit.Integrity;
using Console.Workflows.Audit.Integrity.Chaining;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Audit.Integrity;

public sealed class GapRuleTests
{
    private static readonly DateTimeOffset Seen = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);

    private static readonly AuditIntegrityOptions Options = new() { GapSettleTime = TimeSpan.FromSeconds(5), GapMaxWait = TimeSpan.FromMinutes(2) };

    // First seen when the next transaction id was 1000.
    private static readonly GapSighting Hole = new(Seen, 1000);

    [Fact]
    public void MayPass_JustSeen_IsNo()
    {
        GapRule.MayPass(Hole, Seen, oldestRunningXid: 1000, nextRowAge: TimeSpan.Zero, Options).ShouldBeFalse();
    }

    [Fact]
    public void MayPass_SettledAndEveryEarlierTransactionEnded_IsYes()
    {
        GapRule.MayPass(Hole, Seen.AddSeconds(5), oldestRunningXid: 1000, TimeSpan.Zero, Options).ShouldBeTrue();
    }

    [Fact]
    public void MayPass_SettledButATransactionFromBeforeStillRuns_IsNo()
    {
        GapRule.MayPass(Hole, Seen.AddSeconds(30), oldestRunningXid: 999, TimeSpan.Zero, Options).ShouldBeFalse();
    }

    [Fact]
    public void MayPass_WaitedTheMaximum_IsYesWhateverRuns()
    {
        GapRule.MayPass(Hole, Seen.AddMinutes(2), oldestRunningXid: 10, TimeSpan.Zero, Options).ShouldBeTrue();
    }

    [Fact]
    public void MayPass_HoleBelowARowAppendedLongAgo_IsYesAtOnceOnceTransactionsEnded()
    {
        // Chaining history for the first time: the holes are old, no need to wait for each.
        GapRule.MayPass(Hole, Seen, oldestRunningXid: 1000, nextRowAge: TimeSpan.FromMinutes(3), Options).ShouldBeTrue();
        GapRule.MayPass(Hole, Seen, oldestRunningXid: 999, nextRowAge: TimeSpan.FromMinutes(3), Options).ShouldBeFalse();
    }
}

using Console.Workflows.Common;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Common;

public sealed class PacerTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    [Fact]
    public void WaitTurn_AfterAQuietSpell_StartsAtOnce()
    {
        var time = new FakeTimeProvider();
        var pacer = new Pacer(Interval, time);

        pacer.WaitTurnAsync(CancellationToken.None).IsCompleted.ShouldBeTrue("the first turn waits for nothing");
        time.Advance(TimeSpan.FromMilliseconds(25));
        pacer.WaitTurnAsync(CancellationToken.None).IsCompleted.ShouldBeTrue("a turn more than an interval after the last waits for nothing");
    }

    [Fact]
    public async Task WaitTurn_RightAfterATurn_WaitsOutTheRestOfTheInterval()
    {
        var time = new FakeTimeProvider();
        var pacer = new Pacer(Interval, time);
        await pacer.WaitTurnAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(5));

        var next = pacer.WaitTurnAsync(CancellationToken.None);
        next.IsCompleted.ShouldBeFalse("5 ms after a turn, the next one waits");
        time.Advance(TimeSpan.FromMilliseconds(14));
        next.IsCompleted.ShouldBeFalse("19 ms after a turn, the next one still waits");
        time.Advance(TimeSpan.FromMilliseconds(1));
        await next.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }
}

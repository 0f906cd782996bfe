using Console.Workflows.Common;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Common;

public sealed class CommandPressureTests
{
    private static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(50);

    [Fact]
    public void IsBusy_BeforeAnyCommand_IsFalse()
    {
        new CommandPressure(new FakeTimeProvider()).IsBusy(Linger).ShouldBeFalse();
    }

    [Fact]
    public void Enter_CountsEachCommandUntilItEnds_ThenLingers()
    {
        var time = new FakeTimeProvider();
        var pressure = new CommandPressure(time);

        var first = pressure.Enter();
        var second = pressure.Enter();
        pressure.InFlight.ShouldBe(2);
        pressure.CommandsCounted.ShouldBe(2);
        first.Dispose();
        pressure.InFlight.ShouldBe(1);
        time.Advance(TimeSpan.FromSeconds(10));
        pressure.IsBusy(Linger).ShouldBeTrue("a command still runs, however long ago the other ended");

        second.Dispose();
        pressure.InFlight.ShouldBe(0);
        pressure.IsBusy(Linger).ShouldBeTrue("the last command ended just now");
        time.Advance(TimeSpan.FromMilliseconds(49));
        pressure.IsBusy(Linger).ShouldBeTrue("49 ms after the last command");
        time.Advance(TimeSpan.FromMilliseconds(1));
        pressure.IsBusy(Linger).ShouldBeFalse("the linger is over");
    }
}

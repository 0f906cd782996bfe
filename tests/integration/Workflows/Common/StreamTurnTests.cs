using Console.IntegrationTests.Infrastructure;
using Console.Workflows.Common;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Common;

/// <summary>One stream's turn on PostgreSQL: taken by one worker at a time, and not waited for by the try form.</summary>
public sealed class StreamTurnTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TryTake_WhileAnotherHoldsTheStreamsTurn_DoesNotRunTheWork_OtherStreamsAndLaterTriesDo()
    {
        var stream = Guid.NewGuid();
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = StreamTurn.TakeAsync(database.Store, stream, async (_, _) =>
        {
            holding.SetResult();
            await release.Task;
            return 1;
        }, Ct);
        await holding.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        var ran = false;
        var refused = await StreamTurn.TryTakeAsync(database.Store, stream, (_, _) =>
        {
            ran = true;
            return Task.FromResult(2);
        }, Ct);
        refused.Taken.ShouldBeFalse();
        ran.ShouldBeFalse();
        (await StreamTurn.TryTakeAsync(database.Store, Guid.NewGuid(), (_, _) => Task.FromResult(3), Ct)).ShouldBe((true, 3));

        release.SetResult();
        (await holder).ShouldBe(1);
        (await StreamTurn.TryTakeAsync(database.Store, stream, (_, _) => Task.FromResult(4), Ct)).ShouldBe((true, 4));
    }
}

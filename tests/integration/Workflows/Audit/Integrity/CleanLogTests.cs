using Console.Testing;
using Console.IntegrationTests.Infrastructure;
using JasperFx.Events;
using Marten;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Audit.Integrity;

/// <summary>
/// No false alarms: a clean log of more than ten thousand events, appended by concurrent writers while the chain writer
/// runs (so commits land out of sequence order), with rolled-back appends and Marten's tombstones leaving holes and
/// late fills, verifies intact.
/// </summary>
public sealed class CleanLogTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();
    private readonly string _keyFile = AuditLog.NewKeyFile();

    public ValueTask InitializeAsync() => _database.InitializeAsync();

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        File.Delete(_keyFile);
    }

    [Fact]
    public async Task CleanLog_OfTenThousandEventsAppendedConcurrentlyWhileChaining_VerifiesIntact()
    {
        var options = AuditLog.TestOptions(_keyFile, checkpointEvery: 1000, batch: 500);
        options.GapSettleTime = TimeSpan.FromMilliseconds(500);
        await using var log = await AuditLog.OpenAsync(_database.ConnectionString, options, TimeProvider.System);
        using var stop = new CancellationTokenSource();
        var chaining = ChainContinuouslyAsync(log, stop.Token);

        var conflicts = 0;
        var shared = Guid.NewGuid();
        await using (var start = log.Store.LightweightSession())
        {
            start.Events.StartStream(shared, new SampleRecorded(shared, 0, "shared", "tester", DateTimeOffset.UtcNow));
            await start.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var round = 0; round < 10; round++)
            {
                await log.AppendAsync(250, streams: 10, batch: 50, burn: round % 3 == 0 ? 2 : 0);
                // A stale expected version: Marten refuses the append and fills its sequence numbers with tombstones
                // off the caller's path, i.e. late and below events other writers already committed.
                try
                {
                    await using var session = log.Store.LightweightSession();
                    session.Events.Append(shared, 1, new SampleCorrected(shared, round, "stale", "tester", DateTimeOffset.UtcNow));
                    await session.SaveChangesAsync();
                }
                catch (Exception ex) when (ex is EventStreamUnexpectedMaxEventIdException or JasperFx.ConcurrencyException)
                {
                    Interlocked.Increment(ref conflicts);
                }
            }
        })).ToArray();
        await Task.WhenAll(writers);

        var events = await WaitUntilChainedAsync(log, conflicts);
        await stop.CancelAsync();
        await chaining;
        var report = await log.VerifyAsync();

        conflicts.ShouldBeGreaterThan(0);
        (await log.ScalarAsync<long>("select count(*) from mt_events where type = 'tombstone'")).ShouldBeGreaterThan(0);
        events.ShouldBeGreaterThanOrEqualTo(10_000);
        report.Breaks.ShouldBeEmpty();
        report.BreaksFound.ShouldBe(0);
        report.EntriesChecked.ShouldBe(events);
        // A checkpoint is made at the end of the batch that reaches 1000 entries past the last one: at most 1000 + 500 apart.
        report.CheckpointsChecked.ShouldBeGreaterThanOrEqualTo((int)(events / (options.CheckpointEveryEntries + options.ChainBatchSize)));
        report.PendingEvents.ShouldBe(0);
    }

    private static async Task ChainContinuouslyAsync(AuditLog log, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var step = await log.Chainer.StepAsync(CancellationToken.None);
            if (step.Appended == 0)
            {
                // The background writer's own idle pause (as ChainingService's poll interval), not a wait for a result.
                try
                {
                    await Task.Delay(25, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <returns>How many events the log holds once every one is chained (tombstones included).</returns>
    /// <remarks>
    /// Marten writes a refused append's tombstone after the append has returned, so "every event chained" alone could
    /// be read before the last tombstone arrives: wait until each refused append's tombstone is there as well.
    /// </remarks>
    private static async Task<long> WaitUntilChainedAsync(AuditLog log, int conflicts)
    {
        var (events, _, _) = await Eventually.Until(
            async () => (
                Events: await log.ScalarAsync<long>("select count(*) from mt_events"),
                Chained: await log.ScalarAsync<long>("select count(*) from audit_chain"),
                Tombstones: await log.ScalarAsync<long>("select count(*) from mt_events where type = 'tombstone'")),
            seen => seen.Events == seen.Chained && seen.Tombstones >= conflicts,
            "every event chained and every refused append's tombstone written",
            TimeSpan.FromMinutes(3));
        return events;
    }
}

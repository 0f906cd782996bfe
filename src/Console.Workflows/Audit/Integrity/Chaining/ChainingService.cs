using Console.Workflows.Audit.Integrity.Verifying;
using Console.Workflows.Common;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Console.Workflows.Audit.Integrity.Chaining;

/// <summary>
/// Runs the <see cref="EventChainer"/> in the background: right after commits (poked by the commit listener) or every
/// poll interval. Every node runs it; the advisory lock lets one node write at a time, and another takes over when
/// that node stops.
/// </summary>
internal sealed class ChainingService(
    EventChainer chainer, ChainSignal signal, IntegrityVerificationRunner runner, AuditIntegrityOptions options,
    TimeProvider time, ILogger<ChainingService> logger) : BackgroundService
{
    private TimeSpan MinimumPause => TimeSpan.FromTicks(Math.Min(TimeSpan.FromMilliseconds(200).Ticks, options.ChainPollInterval.Ticks / 2));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.ChainEvents)
            return;
        try
        {
            await ChainAsync(stoppingToken);
        }
        finally
        {
            // The last head signed is in the witness file before the service counts as stopped.
            await chainer.WitnessedAsync();
        }
    }

    private async Task ChainAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            ChainStep step;
            try
            {
                step = await chainer.StepAsync(stoppingToken);
                if (failures > 0)
                    logger.LogInformation("Audit chaining works again after {Failures} failed attempts", failures);
                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                failures++;
                if (failures is 1 or 10 or 100 || failures % 1000 == 0)
                    logger.LogWarning(ex, "Audit chaining failed ({Failures} attempts in a row); retrying", failures);
                await signal.WaitAsync(Backoff(failures), stoppingToken);
                continue;
            }

            if (step.HeadWentBack)
            {
                await ReportHeadWentBackAsync(step, stoppingToken);
                return;
            }

            if (step.Leader && step.Appended >= options.ChainBatchSize)
                continue;
            // Under load every commit pokes; a short pause first lets one step take many events (and keeps a hole that
            // must settle from costing a query per commit).
            try
            {
                await Task.Delay(MinimumPause, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await signal.WaitAsync(options.ChainPollInterval - MinimumPause, stoppingToken);
        }
    }

    private TimeSpan Backoff(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(30_000, options.ChainPollInterval.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 10))));

    private async Task ReportHeadWentBackAsync(ChainStep step, CancellationToken ct)
    {
        var found = new IntegrityBreak(IntegrityBreakKind.Truncated, step.Head.Position + 1, null, null, null, null, null, null,
            $"The chain writer had written entries beyond position {step.Head.Position}, but the chain in the database now ends there: " +
            "chain entries were deleted. Chaining stopped on this node.");
        try
        {
            await runner.RecordObservedBreakAsync(found, Actor.System("audit-chain-writer"), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Could not record the chain writer's finding: {Detail}", found.Detail);
        }
    }
}

using Microsoft.Extensions.Logging;

namespace Console.Nfv.Qemu.Lab;

/// <summary>The loop the lab's periodic checks share: a round every interval; a failed round is logged and the next one tries again.</summary>
internal static class LabRounds
{
    public static async Task RepeatAsync(double seconds, TimeProvider time, Func<CancellationToken, Task> round, ILogger logger, string what, CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(0.5, seconds));
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(interval, time, stoppingToken);
                try
                {
                    await round(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "A {What} round failed; the next round tries again", what);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}

using Microsoft.Extensions.Logging;

namespace Console.Workflows.Common;

/// <summary>How the change notices (requests, alerts, history) call the pages that listen to them.</summary>
public static class Subscribers
{
    /// <summary>
    /// Calls each subscriber of <paramref name="handlers"/> on its own: one broken page must not stop the others hearing
    /// of the change, nor fail the commit that raised it; its failure is logged with <paramref name="what"/>.
    /// </summary>
    public static void Notify<THandler>(THandler? handlers, Action<THandler> call, ILogger logger, string what)
        where THandler : Delegate
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(logger);
        foreach (var handler in handlers?.GetInvocationList().Cast<THandler>() ?? [])
        {
            try
            {
                call(handler);
            }
#pragma warning disable CA1031 // see the summary: any failure of a subscriber is its own
            catch (Exception ex)
#pragma warning restore CA1031
            {
                logger.LogWarning(ex, "A subscriber to {What} failed", what);
            }
        }
    }
}

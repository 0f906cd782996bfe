using Console.Workflows.Alerts.Raising;
using Console.Workflows.Common;
using Marten;
using Microsoft.Extensions.Logging;

namespace Console.Workflows.Continuity.Reconciling;

/// <summary>
/// Records the differences a reconciliation round found: each as its <see cref="HostDriftDetected"/> event in a stream
/// of its own and a security alert in the same transaction. A difference already recorded (the stream exists) is not
/// recorded again, so a round every few seconds, on any node, alerts each difference once.
/// </summary>
public sealed class HostDriftRecorder(IDocumentStore store, TimeProvider time, ILogger<HostDriftRecorder> logger)
{
    public const string By = "system:reconciliation";

    /// <summary>The differences recorded now (those seen before are left out).</summary>
    public async Task<IReadOnlyList<HostDriftDetected>> RecordAsync(IReadOnlyList<HostDifference> differences, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(differences);
        var recorded = new List<HostDriftDetected>();
        foreach (var difference in differences.DistinctBy(d => d.DriftId))
        {
            await using var session = store.LightweightSession();
            if (await session.Events.FetchStreamStateAsync(difference.DriftId, ct) is not null)
                continue;
            var drift = difference.ToEvent(By, time.GetUtcNow());
            // The alert shares the difference's stream (its id is the difference's): started once, so it alerts once.
            session.Events.StartStream(drift.DriftId, drift, SecurityAlerts.Of(drift));
            try
            {
                await session.SaveChangesAsync(ct);
            }
            catch (Exception ex) when (Concurrency.LostRace(ex))
            {
                // Another node recorded the same difference at the same moment.
                continue;
            }

            logger.LogWarning("Host drift ({Kind}) on {Host}: {Detail}", drift.Kind, drift.Host, drift.Detail);
            recorded.Add(drift);
        }

        return recorded;
    }
}

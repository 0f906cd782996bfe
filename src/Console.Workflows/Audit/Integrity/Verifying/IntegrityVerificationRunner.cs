using Console.Workflows.Common;
using JasperFx;
using JasperFx.Events;
using Marten;
using Marten.Exceptions;
using Microsoft.Extensions.Logging;

namespace Console.Workflows.Audit.Integrity.Verifying;

/// <summary>
/// Runs one verification at a time on this node and records its outcome on the integrity stream (who, when, result),
/// so the run itself becomes part of the log. Callers check who may run it (<see cref="IntegrityGuards"/>) first.
/// </summary>
public sealed class IntegrityVerificationRunner(
    IntegrityVerifier verifier, IDocumentStore store, TimeProvider time, ILogger<IntegrityVerificationRunner> logger) : IDisposable
{
    private readonly SemaphoreSlim _one = new(1, 1);

    public bool Running => _one.CurrentCount == 0;

    /// <returns>The report, or null when a run is already going on this node.</returns>
    public async Task<VerificationReport?> TryRunAsync(
        Actor actor, VerificationTrigger trigger, IProgress<VerificationProgress>? progress, bool record, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!await _one.WaitAsync(0, ct))
            return null;
        try
        {
            var report = await verifier.VerifyAsync(progress, ct);
            if (report.FirstBreak is { } first)
            {
                logger.LogError(
                    "Audit log verification FAILED ({Trigger}, by {Actor}): {Kind} at {Where}. {Detail} ({Breaks} breaks in all)",
                    trigger, actor.UserId, first.Kind, first.Where, first.Detail, report.BreaksFound);
            }
            else
            {
                logger.LogInformation(
                    "Audit log verified intact ({Trigger}, by {Actor}): {Entries} entries, {Checkpoints} checkpoints, {Pending} events not chained yet, {Seconds:F1} s",
                    trigger, actor.UserId, report.EntriesChecked, report.CheckpointsChecked, report.PendingEvents, report.Elapsed.TotalSeconds);
            }

            if (record)
                await AppendAsync(RecordVerificationDecider.Decide(report, Guid.NewGuid(), trigger, actor, time.GetUtcNow()), ct);
            return report;
        }
        finally
        {
            _one.Release();
        }
    }

    /// <summary>Records a break seen outside a verification run (the chain writer saw the chain shrink).</summary>
    public Task RecordObservedBreakAsync(IntegrityBreak found, Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(found);
        ArgumentNullException.ThrowIfNull(actor);
        logger.LogCritical("Audit log integrity: {Kind}. {Detail}", found.Kind, found.Detail);
        return AppendAsync(new IntegrityVerificationFailed(Guid.NewGuid(), VerificationTrigger.ChainWriter, found, 1, 0,
            found.Position ?? 0, 0, 0, actor.UserId, actor.DisplayName, time.GetUtcNow()), ct);
    }

    /// <summary>
    /// Appends to the integrity stream. Runs on several nodes (or the CLI) may append at once; a lost race on the stream
    /// version is simply retried, since a run's record does not depend on the stream's state.
    /// </summary>
    private async Task AppendAsync(object recorded, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var session = store.LightweightSession();
                session.Events.Append(IntegrityStatus.StreamId, recorded);
                await session.SaveChangesAsync(ct);
                return;
            }
            catch (Exception ex) when (attempt < 5 && ex is ConcurrencyException or EventStreamUnexpectedMaxEventIdException)
            {
                logger.LogDebug(ex, "Integrity stream moved while recording; retrying ({Attempt})", attempt);
            }
        }
    }

    public void Dispose() => _one.Dispose();
}

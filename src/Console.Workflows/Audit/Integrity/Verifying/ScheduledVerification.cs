using Console.Workflows.Common;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Console.Workflows.Audit.Integrity.Verifying;

/// <summary>
/// Verifies the whole log every <see cref="AuditIntegrityOptions.VerifyEvery"/>. With several nodes, a session advisory
/// lock lets one node run at a time, and a node skips its turn when another recorded a scheduled run recently.
/// </summary>
internal sealed class ScheduledVerification(
    IntegrityVerificationRunner runner, AuditDatabase database, IDocumentStore store, AuditIntegrityOptions options,
    TimeProvider time, ILogger<ScheduledVerification> logger) : BackgroundService
{
    /// <summary>Advisory lock key of the scheduled verification ("AUDIT_VE").</summary>
    public const long VerifierLock = 0x41554449545F5645;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.VerifyEvery <= TimeSpan.Zero)
            return;
        try
        {
            await Task.Delay(options.FirstVerificationAfter, time, stoppingToken);
            using var timer = new PeriodicTimer(options.VerifyEvery, time);
            do
            {
                await RunOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task RunOnceAsync(CancellationToken ct)
    {
        try
        {
            await using (var session = store.QuerySession())
            {
                var status = await session.LoadAsync<IntegrityStatus>(IntegrityStatus.StreamId, ct);
                if (status?.LastScheduledAt is { } last && time.GetUtcNow() - last < options.VerifyEvery * 0.9)
                    return;
            }

            await using var connection = await database.OpenAsync(ct);
            await using (var take = new NpgsqlCommand($"select pg_try_advisory_lock({VerifierLock})", connection))
            {
                if (await take.ExecuteScalarAsync(ct) is not true)
                    return;
            }

            try
            {
                await runner.TryRunAsync(Actor.System("audit-schedule"), VerificationTrigger.Scheduled, null, record: true, ct);
            }
            finally
            {
                await using var release = new NpgsqlCommand($"select pg_advisory_unlock({VerifierLock})", connection);
                await release.ExecuteScalarAsync(CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogError(ex, "Scheduled audit log verification could not run");
        }
    }
}

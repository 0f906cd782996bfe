using Console.Workflows.Accounts;
using Console.Workflows.Audit.Integrity.Chaining;
using Console.Workflows.Audit.Integrity.Checkpoints;
using Console.Workflows.Audit.Integrity.Proofs;
using Console.Workflows.Audit.Integrity.Verifying;
using Console.Workflows.Common;
using Marten;
using Npgsql;

namespace Console.Workflows.Audit.Integrity;

/// <summary>The integrity page's service, on the request's Marten session; every command checks the person's role.</summary>
public sealed class IntegrityService(
    IDocumentSession session, AuditDatabase database, CheckpointKeyring keys, IntegrityVerificationRunner runner,
    EventChainer chainer, ProofExporter exporter) : IIntegrityService
{
    public async Task<IntegrityOverview> OverviewAsync(CancellationToken ct = default)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"select position, seq_id, recorded_at from {database.Chain} order by position desc limit 1;" +
            $"select count(*) from {database.Events} where seq_id > (select coalesce(max(seq_id), 0) from {database.Chain});" +
            $"select number, position, seq_id, created_at, key_id from {database.Checkpoints} order by number desc limit 1;" +
            $"select count(*) from {database.Checkpoints}", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        long headPosition = 0, headSequence = 0;
        DateTimeOffset? recordedAt = null;
        if (await reader.ReadAsync(ct))
            (headPosition, headSequence, recordedAt) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2));
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        var pending = reader.GetInt64(0);
        await reader.NextResultAsync(ct);
        CheckpointInfo? last = await reader.ReadAsync(ct)
            ? new CheckpointInfo(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4))
            : null;
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        var count = reader.GetInt64(0);

        string? keyId = null, pem = null, problem = null;
        try
        {
            var current = keys.Get();
            (keyId, pem) = (current.KeyId, current.PublicKeyPem);
        }
        catch (InvalidOperationException ex)
        {
            problem = ex.Message;
        }

        return new IntegrityOverview(headPosition, headSequence, recordedAt, pending, last, count, keyId, pem, problem,
            runner.Running, await StatusAsync(ct));
    }

    public async Task<IntegrityStatus> StatusAsync(CancellationToken ct = default) =>
        await session.LoadAsync<IntegrityStatus>(IntegrityStatus.StreamId, ct) ?? IntegrityStatus.Empty;

    public async Task<VerificationOutcome> VerifyAsync(Actor actor, IProgress<VerificationProgress>? progress = null, CancellationToken ct = default)
    {
        if (await MayRunAsync(ConsoleCommand.VerifyIntegrity, actor, ct) is { } refusal)
            return new VerificationOutcome(null, refusal);
        try
        {
            var report = await runner.TryRunAsync(actor, VerificationTrigger.Manual, progress, record: true, ct);
            return report is null
                ? new VerificationOutcome(null, Refusal.Because("A verification is already running; its result will show here when it ends.", RefusalKind.Conflict))
                : new VerificationOutcome(report, null);
        }
        catch (InvalidOperationException ex)
        {
            return new VerificationOutcome(null, Refusal.Because(ex.Message));
        }
    }

    public async Task<CheckpointOutcome> CheckpointNowAsync(Actor actor, CancellationToken ct = default)
    {
        if (await MayRunAsync(ConsoleCommand.CheckpointIntegrity, actor, ct) is { } refusal)
            return new CheckpointOutcome(null, refusal);
        try
        {
            return new CheckpointOutcome(await chainer.CheckpointNowAsync(ct), null);
        }
        catch (InvalidOperationException ex)
        {
            return new CheckpointOutcome(null, Refusal.Because(ex.Message));
        }
    }

    public async Task<ProofOutcome> ExportProofAsync(long? checkpointNumber, string directory, Actor actor, CancellationToken ct = default)
    {
        if (await MayRunAsync(ConsoleCommand.ExportIntegrityProof, actor, ct) is { } refusal)
            return new ProofOutcome(null, refusal);
        if (checkpointNumber is < 1)
            return new ProofOutcome(null, Refusal.Because("A checkpoint number is 1 or more."));
        try
        {
            return new ProofOutcome(await exporter.ExportAsync(checkpointNumber, directory, ct), null);
        }
        catch (InvalidOperationException ex)
        {
            return new ProofOutcome(null, Refusal.Because(ex.Message, RefusalKind.NotFound));
        }
    }

    /// <summary>The role, then the account as it is now (an old session of a person who lost the role is refused at once).</summary>
    private async Task<Refusal?> MayRunAsync(ConsoleCommand command, Actor actor, CancellationToken ct) =>
        CommandRoles.Check(command, actor) ?? await AccountStanding.CheckAsync(session, actor, ct);
}

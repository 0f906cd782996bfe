using Console.Workflows.Audit.Integrity.Chaining;
using Console.Workflows.Audit.Integrity.Checkpoints;
using Console.Workflows.Audit.Integrity.Verifying;
using Npgsql;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Audit.Integrity;

/// <summary>
/// Each test tampers with its own copy of a clean, chained and checkpointed log directly in PostgreSQL, as a database
/// administrator could, and checks that verification names the right break at the right event.
/// </summary>
public sealed class TamperTests(ChainedLogTemplate template) : IClassFixture<ChainedLogTemplate>
{
    [Fact]
    public async Task CleanCopy_VerifiesIntact()
    {
        await using var log = await template.CopyAsync();

        var report = await log.VerifyAsync();

        report.Breaks.ShouldBeEmpty();
        report.EntriesChecked.ShouldBe(template.Events);
        report.ChainHeadPosition.ShouldBe(template.Events);
        report.CheckpointsChecked.ShouldBeGreaterThan(2);
    }

    [Fact]
    public async Task CleanCopy_ChainEntriesInStoredOrder_AreReadOnceWithoutTheOrderedRetry()
    {
        await using var log = await template.CopyAsync();

        var report = await log.VerifyAsync();

        report.Breaks.ShouldBeEmpty();
        report.Stages.ShouldNotContain(s => s.Name == IntegrityVerifier.AbandonedStage);
    }

    [Fact]
    public async Task ChainRowsMovedInTheTable_CleanLog_AreReadAgainInSequenceOrderAndVerifyIntact()
    {
        await using var log = await template.CopyAsync();
        // A no-op update as an administrator: the rows' new versions lie after the others, so the table's order is no
        // longer sequence order, and the verifier must notice and read the entries again in sequence order.
        await log.AsAdministratorAsync("update audit_chain set recorded_at = recorded_at where position between 5 and 9");

        var report = await log.VerifyAsync();

        report.Stages.ShouldContain(s => s.Name == IntegrityVerifier.AbandonedStage);
        report.Breaks.ShouldBeEmpty();
        report.EntriesChecked.ShouldBe(template.Events);
        report.ChainHeadPosition.ShouldBe(template.Events);
    }

    [Fact]
    public async Task Tamper_AlteredPrevHashOfAMovedChainRow_IsChainEntryAlteredAtThatPosition()
    {
        await using var log = await template.CopyAsync();
        var target = await EventAtAsync(log, 150);
        await log.AsAdministratorAsync("update audit_chain set recorded_at = recorded_at where position between 2 and 3");

        await log.AsAdministratorAsync($"update audit_chain set prev_hash = sha256('forged'::bytea) where seq_id = {target.Seq}");

        var (report, first) = await FirstBreakAsync(log, IntegrityBreakKind.ChainEntryAltered);
        ShouldBeAt(first, target);
        report.Stages.ShouldContain(s => s.Name == IntegrityVerifier.AbandonedStage);
    }

    [Fact]
    public async Task Tamper_ChangedEventData_IsDataChangedAtThatEvent()
    {
        await using var log = await template.CopyAsync();
        var target = await EventAtAsync(log, 120);

        await log.AsAdministratorAsync($"update mt_events set data = jsonb_set(data, '{{Number}}', '999999') where seq_id = {target.Seq}");

        var (report, first) = await FirstBreakAsync(log, IntegrityBreakKind.DataChanged);
        ShouldBeAt(first, target);
        first.StreamId.ShouldBe(target.Stream);
        first.Version.ShouldBe(target.Version);
        first.EventType.ShouldBe(target.Type);
        report.BreaksFound.ShouldBe(1);
    }

    [Fact]
    public async Task Tamper_DeletedEvent_IsMissingAtItsChainPosition()
    {
        await using var log = await template.CopyAsync();
        var target = await EventAtAsync(log, 77);

        await log.AsAdministratorAsync($"delete from mt_events where seq_id = {target.Seq}");

        var (report, first) = await FirstBreakAsync(log, IntegrityBreakKind.Missing);
        ShouldBeAt(first, target);
        report.BreaksFound.ShouldBe(1);
    }

    [Fact]
    public async Task Tamper_ForgedEventInASequenceGap_IsUnchainedAtTheForgedSequence()
    {
        await using var log = await template.CopyAsync();
        // The template burned sequence values between appends; a forger fills one of those holes below the head.
        var hole = await log.ScalarAsync<long>(
            "select min(s) from generate_series(1, (select max(seq_id) from audit_chain)) s " +
            "where not exists (select 1 from mt_events where seq_id = s)");
        var victim = await EventAtAsync(log, 40);
        var forged = Guid.NewGuid();

        await log.AsAdministratorAsync(
            "insert into mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type) " +
            $"select {hole}, '{forged}', stream_id, 9999, '{{\"Reason\": \"approved by nobody\"}}'::jsonb, 'sample_corrected', timestamp, tenant_id, mt_dotnet_type " +
            $"from mt_events where seq_id = {victim.Seq}");

        var (report, first) = await FirstBreakAsync(log, IntegrityBreakKind.Unchained);
        first.Sequence.ShouldBe(hole);
        first.EventId.ShouldBe(forged);
        first.StreamId.ShouldBe(victim.Stream);
        first.Version.ShouldBe(9999);
        first.EventType.ShouldBe("sample_corrected");
        report.BreaksFound.ShouldBe(1);
    }

    [Fact]
    public async Task Tamper_SwappedTypeAndDataOfTwoEvents_IsSwappedAtTheFirst()
    {
        await using var log = await template.CopyAsync();
        var a = await EventAtAsync(log, 50);
        var b = await EventOfOtherTypeAfterAsync(log, a);

        await log.AsAdministratorAsync(
            "update mt_events e set data = o.data, type = o.type, mt_dotnet_type = o.mt_dotnet_type " +
            $"from (select seq_id, data, type, mt_dotnet_type from mt_events where seq_id in ({a.Seq}, {b.Seq})) o " +
            $"where e.seq_id in ({a.Seq}, {b.Seq}) and o.seq_id <> e.seq_id");

        var (report, first) = await FirstBreakAsync(log, IntegrityBreakKind.Swapped);
        first.Sequence.ShouldBe(a.Seq);
        first.Position.ShouldBe(a.Position);
        first.Detail.ShouldContain($"seq {b.Seq}");
        report.BreaksFound.ShouldBe(1);
    }

    [Fact]
    public async Task Tamper_RenumberedEvents_AreOutOfOrder()
    {
        await using var log = await template.CopyAsync();
        var a = await EventAtAsync(log, 200);
        var b = await EventAtAsync(log, 201);

        // Give the two rows each other's sequence numbers (through a free value, as seq_id is the primary key).
        await log.AsAdministratorAsync(
            $"update mt_events set seq_id = -1 where seq_id = {a.Seq}; update mt_events set seq_id = {a.Seq} where seq_id = {b.Seq}; " +
            $"update mt_events set seq_id = {b.Seq} where seq_id = -1");

        var (_, first) = await FirstBreakAsync(log, IntegrityBreakKind.OutOfOrder);
        first.Sequence.ShouldBe(a.Seq);
        first.EventId.ShouldBe(b.Id);
    }

    [Fact]
    public async Task Tamper_DeletedTailOfEvents_IsTruncatedAfterTheLastRemainingEvent()
    {
        await using var log = await template.CopyAsync();
        var firstDeleted = await EventAtAsync(log, template.Events - 4);

        var deleted = await log.AsAdministratorAsync($"delete from mt_events where seq_id >= {firstDeleted.Seq}");

        deleted.ShouldBe(5);
        var (report, first) = await FirstBreakAsync(log, IntegrityBreakKind.Truncated);
        first.Sequence.ShouldBe(firstDeleted.Seq);
        first.Position.ShouldBe(firstDeleted.Position);
        first.Detail.ShouldContain("last 5 chain entries");
        report.BreaksFound.ShouldBe(1);
    }

    [Fact]
    public async Task Tamper_DeletedTailOfChainEntries_IsTruncatedByTheLastCheckpoint()
    {
        await using var log = await template.CopyAsync();
        var lastCheckpoint = await log.ScalarAsync<long>("select max(number) from audit_checkpoint");
        var head = await log.ScalarAsync<long>("select max(position) from audit_chain");

        await log.AsAdministratorAsync($"delete from audit_chain where position > {head - 5}");

        var (report, first) = await FirstBreakAsync(log, IntegrityBreakKind.Truncated);
        first.CheckpointNumber.ShouldBe(lastCheckpoint);
        first.Position.ShouldBe(head);
        report.ChainHeadPosition.ShouldBe(head - 5);
        report.BreaksFound.ShouldBe(1);
    }

    [Fact]
    public async Task Tamper_ReplacedCheckpointSignature_IsCheckpointSignatureInvalid()
    {
        await using var log = await template.CopyAsync();
        var position = await log.ScalarAsync<long>("select position from audit_checkpoint where number = 2");

        // A perfectly well-formed signature by the right key, only over another checkpoint.
        await log.AsAdministratorAsync("update audit_checkpoint set signature = (select signature from audit_checkpoint where number = 3) where number = 2");

        var (report, first) = await FirstBreakAsync(log, IntegrityBreakKind.CheckpointSignatureInvalid);
        first.CheckpointNumber.ShouldBe(2);
        first.Position.ShouldBe(position);
        report.BreaksFound.ShouldBe(1);
    }

    [Fact]
    public async Task Tamper_CheckpointResignedWithAnotherKey_IsCheckpointSignatureInvalid()
    {
        await using var log = await template.CopyAsync();
        using var forger = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var keyId = CheckpointKeys.KeyIdOf(forger);
        var checkpoints = await ReadCheckpointsAsync(log);
        var cp = checkpoints[1] with { KeyId = keyId };
        var signature = forger.SignData(CheckpointText.Bytes(cp),
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.DSASignatureFormat.Rfc3279DerSequence);

        await log.AsAdministratorAsync(
            $"update audit_checkpoint set key_id = '{keyId}', signature = '\\x{Convert.ToHexStringLower(signature)}' where number = {cp.Number}");

        var (_, first) = await FirstBreakAsync(log, IntegrityBreakKind.CheckpointSignatureInvalid);
        first.CheckpointNumber.ShouldBe(cp.Number);
        first.Detail.ShouldContain("does not trust");
    }

    [Fact]
    public async Task Tamper_ChangedEventWithTheChainRecomputed_IsCaughtByTheNextCheckpoint()
    {
        await using var log = await template.CopyAsync();
        var target = await EventAtAsync(log, 150);
        var nextCheckpoint = (await ReadCheckpointsAsync(log)).First(c => c.Position >= target.Position);

        // The forger knows the chain's rules: changes the event and recomputes every chain entry after it.
        await log.AsAdministratorAsync($"update mt_events set data = jsonb_set(data, '{{Number}}', '999999') where seq_id = {target.Seq}");
        await RecomputeChainFromAsync(log, target.Position);

        var (_, first) = await FirstBreakAsync(log, IntegrityBreakKind.CheckpointMismatch);
        first.CheckpointNumber.ShouldBe(nextCheckpoint.Number);
        first.Position.ShouldBe(nextCheckpoint.Position);
    }

    [Fact]
    public async Task Tamper_EventRowChangedThroughTheGuard_IsRefusedByTheDatabase()
    {
        await using var log = await template.CopyAsync();
        var target = await EventAtAsync(log, 10);

        // Without switching triggers off, the rewrite guard refuses what masking and compaction would do.
        var update = await Should.ThrowAsync<PostgresException>(() =>
            log.ScalarAsync<object>($"update mt_events set data = '{{}}'::jsonb where seq_id = {target.Seq}"));
        var delete = await Should.ThrowAsync<PostgresException>(() =>
            log.ScalarAsync<object>($"delete from mt_events where seq_id = {target.Seq}"));
        // Archiving only flips is_archived, which the chain does not cover: allowed, and the log stays intact.
        await log.ScalarAsync<object>($"update mt_events set is_archived = true where stream_id = '{target.Stream}'");

        update.MessageText.ShouldContain("append-only");
        delete.MessageText.ShouldContain("append-only");
        (await log.VerifyAsync()).Breaks.ShouldBeEmpty();
    }

    /// <summary>Verifies the tampered copy; its first break must be of <paramref name="kind"/>.</summary>
    private static async Task<(VerificationReport Report, IntegrityBreak First)> FirstBreakAsync(AuditLog log, IntegrityBreakKind kind)
    {
        var report = await log.VerifyAsync();
        var first = report.FirstBreak.ShouldNotBeNull();
        first.Kind.ShouldBe(kind);
        return (report, first);
    }

    /// <summary>The break names the event where it happened: its sequence, chain position and id.</summary>
    private static void ShouldBeAt(IntegrityBreak first, StoredEvent target)
    {
        first.Sequence.ShouldBe(target.Seq);
        first.Position.ShouldBe(target.Position);
        first.EventId.ShouldBe(target.Id);
    }

    private sealed record StoredEvent(long Seq, long Position, Guid Id, Guid Stream, long Version, string Type);

    /// <summary>The event at chain position <paramref name="position"/>.</summary>
    private static async Task<StoredEvent> EventAtAsync(AuditLog log, long position)
    {
        await using var connection = new NpgsqlConnection(log.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select e.seq_id, c.position, e.id, e.stream_id, e.version, e.type from audit_chain c join mt_events e on e.seq_id = c.seq_id " +
            $"where c.position = {position}", connection);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue($"no event at chain position {position}");
        return new StoredEvent(reader.GetInt64(0), reader.GetInt64(1), reader.GetGuid(2), reader.GetGuid(3), reader.GetInt64(4), reader.GetString(5));
    }

    private static async Task<StoredEvent> EventOfOtherTypeAfterAsync(AuditLog log, StoredEvent a)
    {
        var position = await log.ScalarAsync<long>(
            "select min(c.position) from audit_chain c join mt_events e on e.seq_id = c.seq_id " +
            $"where c.position > {a.Position} and e.type <> '{a.Type}'");
        return await EventAtAsync(log, position);
    }

    private static async Task<List<Checkpoint>> ReadCheckpointsAsync(AuditLog log)
    {
        await using var connection = await log.Database.OpenAsync(CancellationToken.None);
        return await IntegrityVerifier.ReadCheckpointsAsync(log.Database, connection, null, "", CancellationToken.None);
    }

    /// <summary>Rewrites every chain entry (and its Merkle leaf) from <paramref name="fromPosition"/> on from the events as they are now.</summary>
    private static async Task RecomputeChainFromAsync(AuditLog log, long fromPosition)
    {
        await using var connection = new NpgsqlConnection(log.ConnectionString);
        await connection.OpenAsync();
        var prev = (byte[])(await new NpgsqlCommand($"select prev_hash from audit_chain where position = {fromPosition}", connection).ExecuteScalarAsync())!;
        var rewritten = new List<(long Position, byte[] Prev, byte[] Hash, byte[] Leaf)>();
        await using (var command = new NpgsqlCommand(
            $"select c.position, {EventColumns.Select} from audit_chain c join mt_events e on e.seq_id = c.seq_id " +
            $"where c.position >= {fromPosition} order by c.position", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var chained = EventColumns.Read(reader, 1);
                var hash = EntryEncoding.Hash(prev, chained);
                rewritten.Add((reader.GetInt64(0), prev, hash, Console.Workflows.Audit.Integrity.Tree.MerkleHash.Leaf(EntryEncoding.Encode(chained))));
                prev = hash;
            }
        }

        foreach (var (position, previous, hash, leaf) in rewritten)
        {
            await using var update = new NpgsqlCommand("update audit_chain set prev_hash = @p, entry_hash = @h, leaf_hash = @l where position = @n", connection);
            update.Parameters.AddWithValue("p", previous);
            update.Parameters.AddWithValue("h", hash);
            update.Parameters.AddWithValue("l", leaf);
            update.Parameters.AddWithValue("n", position);
            await update.ExecuteNonQueryAsync();
        }
    }
}

using Console.Workflows.Audit.Integrity.Chaining;
using Console.Workflows.Audit.Integrity.Proofs;
using Console.Workflows.Audit.Integrity.Tree;
using Console.Workflows.Audit.Integrity.Verifying;
using Console.Workflows.Audit.Integrity.Witnessing;
using Console.Workflows.Common;
using Npgsql;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Audit.Integrity;

/// <summary>
/// An insider with the database (triggers off, as its owner may) rolls back, truncates or forks the log consistently
/// with itself; the heads witnessed outside the database catch it. The template log has a tree head every 40 or more
/// entries and one at its head, each also in the copy's own witness file.
/// </summary>
public sealed class WitnessTests(ChainedLogTemplate template) : IClassFixture<ChainedLogTemplate>
{
    private static readonly Actor Auditor = new("auditor-1", "Audrey Auditor", new HashSet<string> { Roles.Auditor });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Rollback_ToCheckpointOne_IsIntactInTheDatabaseAlone_ButRolledBackAgainstTheWitness()
    {
        await using var log = await template.CopyAsync();
        var first = await log.ScalarAsync<long>("select position from audit_checkpoint where number = 1");

        // The insider: after checkpoint #2, delete it and every chain entry and event after checkpoint #1.
        await RollBackToAsync(log, first);

        var withoutWitness = await new IntegrityVerifier(log.Database, log.Keys, log.Time).VerifyAsync(ct: Ct);
        withoutWitness.Breaks.ShouldBeEmpty("the database alone cannot tell");
        var report = await log.VerifyAsync();
        var found = report.FirstBreak.ShouldNotBeNull();
        found.Kind.ShouldBe(IntegrityBreakKind.RolledBack);
        found.Position.ShouldBe(first + 1);
        found.CheckpointNumber.ShouldBe(await LastHeadInWitnessFileAsync(log));
        found.Detail.ShouldContain($"the database's tree has only {first}: the log was truncated or rolled back; the first missing position is {first + 1}");
        report.BreaksFound.ShouldBe(1);
    }

    [Fact]
    public async Task Truncate_TheTailWithItsCheckpoint_IsRolledBackAtTheFirstMissingPosition()
    {
        await using var log = await template.CopyAsync();

        await RollBackToAsync(log, template.Events - 20);

        var report = await log.VerifyAsync();
        var found = report.FirstBreak.ShouldNotBeNull();
        found.Kind.ShouldBe(IntegrityBreakKind.RolledBack);
        found.Position.ShouldBe(template.Events - 19);
        found.Detail.ShouldContain($"with {template.Events} entries");
    }

    [Fact]
    public async Task Fork_ADifferentHistoryOfTheSameSize_SignedAgainByTheConsole_IsForkedAfterTheLastMatchingWitnessedHead()
    {
        await using var log = await template.CopyAsync();
        var first = await log.ScalarAsync<long>("select position from audit_checkpoint where number = 1");

        await ForkAfterAsync(log, first);

        // The forged history is consistent with itself and with checkpoint #1, and the console signed its head.
        (await log.ScalarAsync<long>("select max(number) from audit_checkpoint")).ShouldBe(2);
        (await log.ScalarAsync<long>("select position from audit_checkpoint where number = 2")).ShouldBe(template.Events);
        var report = await log.VerifyAsync();
        var found = report.FirstBreak.ShouldNotBeNull();
        found.Kind.ShouldBe(IntegrityBreakKind.Forked);
        found.Position.ShouldBe(first + 1);
        found.CheckpointNumber.ShouldBe(2);
        found.Detail.ShouldContain($"the first differing position is after {first}");
        report.Breaks.ShouldAllBe(b => b.Kind == IntegrityBreakKind.Forked);
    }

    [Fact]
    public async Task Witness_CosignsHeadsThatExtendTheLast_RefusesAForkedHead_AndStillRefusesItAfterARestart()
    {
        await using var log = await template.CopyAsync();
        var proofs = new LogProofs(log.Database, log.Keys);
        var folder = Path.Combine(Path.GetTempPath(), $"audit-witness-store-{Guid.NewGuid():N}");
        try
        {
            var (heads, _) = await proofs.TreeHeadsAsync(Auditor, ct: Ct);
            heads.ShouldNotBeNull().Count.ShouldBeGreaterThanOrEqualTo(4);
            string witnessKey;
            using (var witness = LogWitness.Open(folder, log.Keys.Get().PublicKeyPem))
            {
                witnessKey = witness.PublicKeyPem;
                witness.Submit(heads[0], null).Cosignature.ShouldNotBeNull();
                var proof = (await proofs.ConsistencyAsync(1, 3, Auditor, Ct)).Proof.ShouldNotBeNull();
                var cosigned = witness.Submit(heads[2], proof).Cosignature.ShouldNotBeNull();
                LogWitness.VerifyCosignature(cosigned, witnessKey).ShouldBeTrue();
                witness.Submit(heads[1], null).Refusal.ShouldNotBeNull().ShouldContain($"fewer than the {heads[2].TreeSize} of tree head #3");
            }

            await ForkAfterAsync(log, heads[0].TreeSize);
            var forged = (await proofs.TreeHeadsAsync(Auditor, ct: Ct)).Heads.ShouldNotBeNull()[^1];
            forged.TreeSize.ShouldBe(template.Events);
            // The best an insider can offer: a proof from the co-signed head #3 to the forged head, over the forged tree.
            var forgedProof = await ProofAgainstAsync(log, heads[2], forged);

            using (var restarted = LogWitness.Open(folder, log.Keys.Get().PublicKeyPem))
            {
                restarted.Last.ShouldNotBeNull().Number.ShouldBe(3);
                restarted.PublicKeyPem.ShouldBe(witnessKey);
                var refusal = restarted.Submit(forged, forgedProof).Refusal.ShouldNotBeNull();
                refusal.ShouldBe($"Refused tree head #2: Tree head #2 ({template.Events} entries) does not extend tree head #3 ({heads[2].TreeSize} entries): " +
                                 "the history was rewritten between them.");
                restarted.Submit(forged, (await proofs.ConsistencyAsync(1, 2, Auditor, Ct)).Proof).Refusal.ShouldNotBeNull()
                    .ShouldContain($"does not start at the head this witness co-signed (#3, {heads[2].TreeSize} entries");
            }

            File.ReadAllLines(Path.Combine(folder, LogWitness.StoreFile)).Length.ShouldBe(2);
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Witness_StoreConfiguredForVerification_CatchesARollbackWithoutTheConsolesWitnessFile()
    {
        await using var log = await template.CopyAsync();
        var proofs = new LogProofs(log.Database, log.Keys);
        var folder = Path.Combine(Path.GetTempPath(), $"audit-witness-store-{Guid.NewGuid():N}");
        try
        {
            var (heads, _) = await proofs.TreeHeadsAsync(Auditor, ct: Ct);
            using (var witness = LogWitness.Open(folder, log.Keys.Get().PublicKeyPem))
                witness.Submit(heads.ShouldNotBeNull()[^1], null).Cosignature.ShouldNotBeNull();
            // The insider also empties the console's own witness file; the independent witness's store remains.
            File.Delete(new WitnessFile(log.Options).Path);
            await RollBackToAsync(log, heads[0].TreeSize);
            log.Options.WitnessStoreFiles.Add(Path.Combine(folder, LogWitness.StoreFile));

            var found = (await log.VerifyAsync()).FirstBreak.ShouldNotBeNull();

            found.Kind.ShouldBe(IntegrityBreakKind.RolledBack);
            found.Position.ShouldBe(heads[0].TreeSize + 1);
            found.Detail.ShouldContain(LogWitness.StoreFile);
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }

    private static Task<long> LastHeadInWitnessFileAsync(AuditLog log) =>
        Task.FromResult(WitnessFile.Read(new WitnessFile(log.Options).Path)[^1].Number);

    /// <summary>Deletes, as the database's owner could, everything after chain position <paramref name="keep"/>.</summary>
    private static Task<int> RollBackToAsync(AuditLog log, long keep) =>
        log.AsAdministratorAsync(
            $"delete from audit_checkpoint where position > {keep}; " +
            $"delete from mt_events where seq_id > (select seq_id from audit_chain where position = {keep}); " +
            $"delete from audit_chain where position > {keep}; " +
            $"delete from audit_tree where ((idx + 1) << level) > {keep}");

    /// <summary>
    /// Rewrites every event after <paramref name="keep"/> and the chain over them, drops the tree and checkpoints past it,
    /// and lets the console rebuild the tree and sign a head over the forged history (it signs what the database holds).
    /// </summary>
    private static async Task ForkAfterAsync(AuditLog log, long keep)
    {
        await log.AsAdministratorAsync(
            $"update mt_events set data = jsonb_set(data, '{{By}}', '\"forger\"') where seq_id > (select seq_id from audit_chain where position = {keep}); " +
            $"delete from audit_checkpoint where number > 1; delete from audit_tree where ((idx + 1) << level) > {keep}; " +
            $"update audit_chain set leaf_hash = null where position > {keep}");
        await using (var connection = new NpgsqlConnection(log.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            var prev = (byte[])(await new NpgsqlCommand($"select entry_hash from audit_chain where position = {keep}", connection).ExecuteScalarAsync(Ct))!;
            var rewritten = new List<(long Position, byte[] Prev, byte[] Hash)>();
            await using (var command = new NpgsqlCommand(
                $"select c.position, {EventColumns.Select} from audit_chain c join mt_events e on e.seq_id = c.seq_id where c.position > {keep} order by c.position",
                connection))
            await using (var reader = await command.ExecuteReaderAsync(Ct))
            {
                while (await reader.ReadAsync(Ct))
                {
                    var hash = EntryEncoding.Hash(prev, EventColumns.Read(reader, 1));
                    rewritten.Add((reader.GetInt64(0), prev, hash));
                    prev = hash;
                }
            }

            foreach (var (position, previous, hash) in rewritten)
            {
                await using var update = new NpgsqlCommand("update audit_chain set prev_hash = @p, entry_hash = @h where position = @n", connection);
                update.Parameters.AddWithValue("p", previous);
                update.Parameters.AddWithValue("h", hash);
                update.Parameters.AddWithValue("n", position);
                await update.ExecuteNonQueryAsync(Ct);
            }
        }

        while (await log.ScalarAsync<long>("select count(*) from audit_chain where leaf_hash is null") > 0)
            await log.Chainer.StepAsync(Ct);
        (await log.Chainer.CheckpointNowAsync(Ct)).ShouldBe(2);
    }

    private static async Task<ConsistencyProof> ProofAgainstAsync(AuditLog log, SignedTreeHead first, SignedTreeHead second)
    {
        await using var connection = new NpgsqlConnection(log.ConnectionString);
        await connection.OpenAsync(Ct);
        var path = await new MerkleTreeStore(log.Database).HashesAsync(connection, null, MerkleProofs.ConsistencyPath(first.TreeSize, second.TreeSize), Ct);
        return new ConsistencyProof(ConsistencyProof.KindName, first, second, path.Select(Convert.ToHexStringLower).ToList());
    }
}

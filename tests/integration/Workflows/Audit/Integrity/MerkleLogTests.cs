using Console.Workflows.Audit.Integrity.Chaining;
using Console.Workflows.Audit.Integrity.Proofs;
using Console.Workflows.Audit.Integrity.Tree;
using Console.Workflows.Audit.Integrity.Verifying;
using Console.Workflows.Common;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Audit.Integrity;

/// <summary>
/// The Merkle tree the chain writer stores next to the chain, and the proofs built from it, on a real log (a copy per
/// test of a chained log with a tree head every 40 entries).
/// </summary>
public sealed class MerkleLogTests(ChainedLogTemplate template) : IClassFixture<ChainedLogTemplate>
{
    private static readonly Actor Auditor = new("auditor-1", "Audrey Auditor", new HashSet<string> { Roles.Auditor });
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Actor Operator = new("operator-1", "Otto Operator", new HashSet<string> { Roles.NocOperator });

    [Fact]
    public async Task Inclusion_EveryEvent_IsProvedUnderTheLatestTreeHead_WhoseRootIsTheNaiveRootOfAllEvents()
    {
        await using var log = await template.CopyAsync();
        var proofs = new LogProofs(log.Database, log.Keys);
        var leaves = await NaiveLeavesAsync(log);

        var sequences = await SequencesAsync(log);
        foreach (var seq in sequences)
        {
            var outcome = await proofs.InclusionAsync(seq, null, null, Auditor, Ct);
            var proof = outcome.Proof.ShouldNotBeNull(outcome.Refusal?.Message);
            proof.TreeHead.TreeSize.ShouldBe(template.Events);
            proof.TreeHead.RootHash.ShouldBe(Convert.ToHexStringLower(MerkleHash.Root(leaves)));
            ProofCheck.Inclusion(proof, log.Keys.Get().Verify).ShouldBeNull();
            proof.Event.Seq.ShouldBe(seq);
        }
    }

    [Fact]
    public async Task Inclusion_AgainstAnEarlierTreeHead_AndByEventId()
    {
        await using var log = await template.CopyAsync();
        var proofs = new LogProofs(log.Database, log.Keys);
        var eventId = await log.ScalarAsync<Guid>("select event_id from audit_chain where position = 17");

        var proof = (await proofs.InclusionAsync(null, eventId, 1, Auditor, Ct)).Proof.ShouldNotBeNull();

        proof.TreeHead.Number.ShouldBe(1);
        proof.TreeHead.TreeSize.ShouldBe(await log.ScalarAsync<long>("select position from audit_checkpoint where number = 1"));
        proof.LeafIndex.ShouldBe(16);
        proof.Event.EventId.ShouldBe(eventId);
        ProofCheck.Inclusion(proof, log.Keys.Get().Verify).ShouldBeNull();
        ProofCheck.Inclusion(proof with { Event = proof.Event with { Data = proof.Event.Data.Replace("Entry", "Entrx", StringComparison.Ordinal) } },
            log.Keys.Get().Verify).ShouldNotBeNull().ShouldContain("the event was altered");
    }

    [Fact]
    public async Task Inclusion_OfAnEventAfterTheHead_OrByAnOperator_IsRefused()
    {
        await using var log = await template.CopyAsync();
        var proofs = new LogProofs(log.Database, log.Keys);
        var firstSize = await log.ScalarAsync<long>("select position from audit_checkpoint where number = 1");
        var late = await log.ScalarAsync<long>($"select seq_id from audit_chain where position = {firstSize + 1}");

        var after = await proofs.InclusionAsync(late, null, 1, Auditor, Ct);
        var byOperator = await proofs.InclusionAsync(late, null, null, Operator, Ct);
        var unknown = await proofs.InclusionAsync(987_654, null, null, Auditor, Ct);

        after.Refusal.ShouldNotBeNull().Kind.ShouldBe(RefusalKind.Conflict);
        after.Refusal.Message.ShouldContain($"is chain entry {firstSize + 1}, after tree head #1 ({firstSize} entries)");
        byOperator.Refusal.ShouldNotBeNull().Kind.ShouldBe(RefusalKind.Forbidden);
        byOperator.Refusal.Message.ShouldBe("Only security officers and auditors may verify the audit log.");
        unknown.Refusal.ShouldNotBeNull().Kind.ShouldBe(RefusalKind.NotFound);
    }

    [Fact]
    public async Task Consistency_BetweenEveryPairOfTreeHeads_Verifies()
    {
        await using var log = await template.CopyAsync();
        var proofs = new LogProofs(log.Database, log.Keys);
        var (heads, _) = await proofs.TreeHeadsAsync(Auditor, ct: Ct);
        // How many heads the template's writer made depends on how its batches fell (a loaded machine makes fewer,
        // larger ones; 4 were seen once); three heads are six pairs, enough to walk every shape of proof.
        heads.ShouldNotBeNull().Count.ShouldBeGreaterThanOrEqualTo(3);

        foreach (var first in heads)
        {
            foreach (var second in heads.Where(h => h.Number >= first.Number))
            {
                var outcome = await proofs.ConsistencyAsync(first.Number, second.Number, Auditor, Ct);
                var proof = outcome.Proof.ShouldNotBeNull(outcome.Refusal?.Message);
                ProofCheck.Consistency(proof, log.Keys.Get().Verify).ShouldBeNull($"#{first.Number} -> #{second.Number}");
            }
        }
    }

    [Fact]
    public async Task Consistency_WithAStoredSubtreeAltered_IsRefusedAndVerificationNamesTheSubtree()
    {
        await using var log = await template.CopyAsync();
        var proofs = new LogProofs(log.Database, log.Keys);

        // A stored subtree the proof from tree head #1 to the latest needs (the heads' sizes depend on the writer's batches).
        var firstSize = await log.ScalarAsync<long>("select position from audit_checkpoint where number = 1");
        var latest = await log.ScalarAsync<long>("select max(position) from audit_checkpoint");
        var node = MerkleProofs.ConsistencyPath(firstSize, latest).SelectMany(r => r.CompleteNodes())
            .First(n => n.Level >= MerkleTreeStore.StoredFromLevel);
        await log.AsAdministratorAsync($"update audit_tree set hash = sha256(hash) where level = {node.Level} and idx = {node.Index}");
        var outcome = await proofs.ConsistencyAsync(1, null, Auditor, Ct);
        outcome.Refusal.ShouldNotBeNull().Kind.ShouldBe(RefusalKind.Conflict);
        outcome.Refusal.Message.ShouldContain("does not extend tree head #1");
        var report = await log.VerifyAsync();
        var first = report.FirstBreak.ShouldNotBeNull();
        first.Kind.ShouldBe(IntegrityBreakKind.TreeAltered);
        first.Position.ShouldBe(node.FirstLeaf + 1);
        first.Detail.ShouldContain($"positions {node.FirstLeaf + 1} to {node.FirstLeaf + node.Size}");
    }

    [Fact]
    public async Task Inclusion_WithAStoredLeafAltered_IsTreeAlteredAtThatEvent()
    {
        await using var log = await template.CopyAsync();

        await log.AsAdministratorAsync("update audit_chain set leaf_hash = sha256(leaf_hash) where position = 99");

        var report = await log.VerifyAsync();
        var first = report.FirstBreak.ShouldNotBeNull();
        first.Kind.ShouldBe(IntegrityBreakKind.TreeAltered);
        first.Position.ShouldBe(99);
        // The altered leaf is on the audit path of its neighbour: that proof no longer reaches the signed root.
        var neighbour = await log.ScalarAsync<long>("select seq_id from audit_chain where position = 100");
        (await new LogProofs(log.Database, log.Keys).InclusionAsync(neighbour, null, null, Auditor, Ct)).Refusal.ShouldNotBeNull()
            .Message.ShouldContain("does not lead from leaf 99");
    }

    [Fact]
    public async Task Tree_OfAChainWrittenBeforeTheTree_IsBuiltByTheChainWriter_AndTheNextHeadHasTheNaiveRoot()
    {
        await using var log = await template.CopyAsync();
        var leaves = await NaiveLeavesAsync(log);
        await log.AsAdministratorAsync("update audit_chain set leaf_hash = null; delete from audit_tree");

        await log.AppendAsync(5);
        await log.ChainAllAsync();
        await log.Chainer.CheckpointNowAsync(Ct);

        (await log.ScalarAsync<long>("select count(*) from audit_chain where leaf_hash is null")).ShouldBe(0);
        var all = await NaiveLeavesAsync(log);
        all[..leaves.Count].ShouldBe(leaves);
        var (heads, _) = await new LogProofs(log.Database, log.Keys).TreeHeadsAsync(Auditor, ct: Ct);
        heads.ShouldNotBeNull()[^1].RootHash.ShouldBe(Convert.ToHexStringLower(MerkleHash.Root(all)));
        (await log.VerifyAsync()).Breaks.ShouldBeEmpty();
    }

    [Fact]
    public async Task Tree_ChainedByTwoNodesInTurn_EachExtendsWhatTheOtherStored_AndEveryHeadHasTheNaiveRoot()
    {
        await using var log = await template.CopyAsync();
        // The writer keeps the tree's right edge it committed between steps; a step after another node's must not use it.
        var options = AuditLog.TestOptions(log.Options.SigningKeyFile!, checkpointEvery: 10, batch: 9, witnessFolder: log.Options.WitnessFolder);
        var first = new EventChainer(log.Database, options, log.Keys, log.Time, NullLogger<EventChainer>.Instance);
        var second = new EventChainer(log.Database, options, log.Keys, log.Time, NullLogger<EventChainer>.Instance);
        await log.AppendAsync(60);

        // Each turn steps its writer until it chains something. A step may chain nothing while it waits at a hole in
        // the sequence (the template burns values after its last event): the hole passes only once every transaction
        // running in the cluster when it was first seen has ended, and CI runs other test classes' transactions on the
        // same PostgreSQL (one such run saw six empty steps in a row).
        var steps = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            var writer = i % 3 == 0 ? second : first;
            var step = await Eventually.Until(() => writer.StepAsync(Ct), s => s.Appended > 0 || !s.WaitingOnGap,
                $"turn {i} to pass the hole it waits at");
            steps.Add(step.Appended);
        }

        await log.ChainAllAsync();

        // So the two writers did take turns extending the tree, each by at most its batch.
        steps.ShouldAllBe(appended => appended > 0 && appended <= 9);
        var all = await NaiveLeavesAsync(log);
        all.Count.ShouldBe(template.Events + 60);
        var (heads, _) = await new LogProofs(log.Database, log.Keys).TreeHeadsAsync(Auditor, ct: Ct);
        foreach (var head in heads.ShouldNotBeNull().Where(h => h.TreeSize > template.Events))
            head.RootHash.ShouldBe(Convert.ToHexStringLower(MerkleHash.Root(all[..(int)head.TreeSize])), $"tree head #{head.Number}");
        (await log.VerifyAsync()).Breaks.ShouldBeEmpty();
    }

    /// <summary>Leaf hashes straight from the events, by the encoding, in chain order.</summary>
    internal static async Task<List<byte[]>> NaiveLeavesAsync(AuditLog log)
    {
        await using var connection = new NpgsqlConnection(log.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            $"select c.position, {EventColumns.Select} from audit_chain c join mt_events e on e.seq_id = c.seq_id order by c.position", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var leaves = new List<byte[]>();
        while (await reader.ReadAsync(Ct))
            leaves.Add(MerkleHash.Leaf(EntryEncoding.Encode(EventColumns.Read(reader, 1))));
        return leaves;
    }

    private static async Task<List<long>> SequencesAsync(AuditLog log)
    {
        await using var connection = new NpgsqlConnection(log.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("select seq_id from audit_chain where position % 7 = 1 or position = (select max(position) from audit_chain) order by position", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var list = new List<long>();
        while (await reader.ReadAsync(Ct))
            list.Add(reader.GetInt64(0));
        return list;
    }
}

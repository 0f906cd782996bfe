using Console.Workflows.Audit.Integrity.Proofs;
using Console.Workflows.Audit.Integrity.Schema;
using Console.Workflows.Audit.Integrity.Tree;
using Console.Workflows.Audit.Integrity.Verifying;
using Console.Workflows.Common;
using Npgsql;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Audit.Integrity.Schema;

/// <summary>
/// The stored tree's lowest level moving from 4 to 6 on a database written at level 4 (a copy per test of a chained
/// log; <see cref="AuditLog.OpenAsync"/> applies the schema without the owner's migration, as a database of the old
/// version was left).
/// </summary>
public sealed class TreeLevelMigrationTests(ChainedLogTemplate template) : IClassFixture<ChainedLogTemplate>
{
    private static readonly Actor Auditor = new("auditor-1", "Audrey Auditor", new HashSet<string> { Roles.Auditor });
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migrate_AnOldDatabaseWithLevel4Rows_RemovesThemOnce_AndTheLogStillVerifiesIntactAndProves()
    {
        await using var log = await template.CopyAsync();
        var oldRows = await StoreOldLevelsAsync(log);
        oldRows.ShouldBeGreaterThan(0);
        var before = await log.VerifyAsync();
        before.FirstBreak.ShouldNotBeNull().Kind.ShouldBe(IntegrityBreakKind.TreeAltered);
        before.FirstBreak.Detail.ShouldContain($"the tree keeps no subtrees below level {MerkleTreeStore.StoredFromLevel}");

        var change = (await MigrateAsync(log)).ShouldNotBeNull();

        change.ShouldBe(new TreeLevelChange(oldRows, 0));
        (await log.ScalarAsync<long>($"select count(*) from audit_tree where level < {MerkleTreeStore.StoredFromLevel}")).ShouldBe(0);
        (await log.ScalarAsync<int>("select stored_from_level from audit_tree_layout")).ShouldBe(MerkleTreeStore.StoredFromLevel);
        (await log.ScalarAsync<long>("select subtrees_removed from audit_tree_layout")).ShouldBe(oldRows);
        (await log.ScalarAsync<long>("select subtrees_kept from audit_tree_layout")).ShouldBe(0);
        var after = await log.VerifyAsync();
        after.Intact.ShouldBeTrue(after.FirstBreak?.Detail);
        after.Breaks.ShouldBeEmpty();
        var proofs = new LogProofs(log.Database, log.Keys);
        foreach (var position in new long[] { 1, 17, 64, 65, 200, template.Events })
        {
            var seq = await log.ScalarAsync<long>($"select seq_id from audit_chain where position = {position}");
            var proof = (await proofs.InclusionAsync(seq, null, null, Auditor, Ct)).Proof.ShouldNotBeNull($"position {position}");
            ProofCheck.Inclusion(proof, log.Keys.Get().Verify).ShouldBeNull();
        }

        var consistency = (await proofs.ConsistencyAsync(1, null, Auditor, Ct)).Proof.ShouldNotBeNull();
        ProofCheck.Consistency(consistency, log.Keys.Get().Verify).ShouldBeNull();
    }

    [Fact]
    public async Task Migrate_ARowForgedAfterTheUpgrade_IsReported_AndNoLaterStartRemovesIt()
    {
        await using var log = await template.CopyAsync();
        await MigrateAsync(log);
        // A genuine-looking row: the right hash of a real level-4 subtree, only below the level the tree keeps.
        var leaves = await LeavesAsync(log);
        var forged = new TreeNode(4, 1);
        await InsertAsync(log, [(forged, MerkleHash.Root(leaves.GetRange((int)forged.FirstLeaf, (int)forged.Size)))]);

        var report = await log.VerifyAsync();
        var first = report.FirstBreak.ShouldNotBeNull();
        first.Kind.ShouldBe(IntegrityBreakKind.TreeAltered);
        first.Position.ShouldBe(forged.FirstLeaf + 1);
        first.Detail.ShouldContain($"(level 4) is stored, but the tree keeps no subtrees below level {MerkleTreeStore.StoredFromLevel}");

        // The next start finds the level recorded and leaves the forged row where it is: still reported.
        (await MigrateAsync(log)).ShouldBeNull();
        (await log.ScalarAsync<long>("select count(*) from audit_tree where level = 4")).ShouldBe(1);
        (await log.VerifyAsync()).FirstBreak.ShouldNotBeNull().Position.ShouldBe(forged.FirstLeaf + 1);
    }

    [Fact]
    public async Task Migrate_ARowAlteredBeforeTheUpgrade_IsKeptAndRecorded_AndVerificationStillReportsIt()
    {
        await using var log = await template.CopyAsync();
        var oldRows = await StoreOldLevelsAsync(log);
        // An insider altered one of the old level's rows before the upgrade: proofs over it failed then.
        var altered = new TreeNode(4, 3);
        await log.AsAdministratorAsync($"update audit_tree set hash = sha256(hash) where level = {altered.Level} and idx = {altered.Index}");

        var change = (await MigrateAsync(log)).ShouldNotBeNull();

        // Every true row went; the altered one is evidence and stays, recorded as kept.
        change.ShouldBe(new TreeLevelChange(oldRows - 1, 1));
        (await log.ScalarAsync<long>($"select count(*) from audit_tree where level < {MerkleTreeStore.StoredFromLevel}")).ShouldBe(1);
        (await log.ScalarAsync<long>("select subtrees_kept from audit_tree_layout")).ShouldBe(1);
        var report = await log.VerifyAsync();
        report.Breaks.Count.ShouldBe(1);
        var first = report.FirstBreak.ShouldNotBeNull();
        first.Kind.ShouldBe(IntegrityBreakKind.TreeAltered);
        first.Position.ShouldBe(altered.FirstLeaf + 1);
        first.Detail.ShouldContain("(level 4) is stored, but the tree keeps no subtrees below level");
    }

    [Fact]
    public async Task Migrate_AStoredSubtreeAlteredAtTheKeptLevel_IsStillReported()
    {
        await using var log = await template.CopyAsync();
        await StoreOldLevelsAsync(log);
        await MigrateAsync(log);
        var node = new TreeNode(MerkleTreeStore.StoredFromLevel, 2);

        await log.AsAdministratorAsync($"update audit_tree set hash = sha256(hash) where level = {node.Level} and idx = {node.Index}");

        var first = (await log.VerifyAsync()).FirstBreak.ShouldNotBeNull();
        first.Kind.ShouldBe(IntegrityBreakKind.TreeAltered);
        first.Detail.ShouldContain($"positions {node.FirstLeaf + 1} to {node.FirstLeaf + node.Size} (level {node.Level}) differs from the hash of its events");
    }

    /// <summary>Adds the level-4 and level-5 subtrees a chain writer of the old version stored, with their true hashes.</summary>
    private static async Task<long> StoreOldLevelsAsync(AuditLog log)
    {
        var range = new CompactRange();
        var old = new List<(TreeNode, byte[])>();
        foreach (var leaf in await LeavesAsync(log))
            range.Append(leaf, (node, hash) => { if (node.Level is 4 or 5) old.Add((node, hash)); }, reportFrom: 4);
        await InsertAsync(log, old);
        return old.Count;
    }

    private static async Task<List<byte[]>> LeavesAsync(AuditLog log)
    {
        await using var connection = new NpgsqlConnection(log.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("select leaf_hash from audit_chain order by position", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var leaves = new List<byte[]>();
        while (await reader.ReadAsync(Ct))
            leaves.Add(reader.GetFieldValue<byte[]>(0));
        return leaves;
    }

    /// <summary>Inserts stored subtree rows as the chain writer does, as the test database's (owning) connection.</summary>
    private static async Task InsertAsync(AuditLog log, IReadOnlyList<(TreeNode Node, byte[] Hash)> nodes)
    {
        await using var connection = new NpgsqlConnection(log.ConnectionString);
        await connection.OpenAsync(Ct);
        await new MerkleTreeStore(log.Database).WriteAsync(connection, null, nodes, Ct);
    }

    /// <summary>The owner's step at start-up (the test database's connection owns its tables).</summary>
    private static async Task<TreeLevelChange?> MigrateAsync(AuditLog log)
    {
        await using var connection = new NpgsqlConnection(log.ConnectionString);
        await connection.OpenAsync(Ct);
        return await TreeLevelMigration.ApplyAsync(connection, log.Database.Schema, Ct);
    }
}

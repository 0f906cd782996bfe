using Npgsql;
using NpgsqlTypes;

namespace Console.Workflows.Audit.Integrity.Tree;

/// <summary>
/// The stored Merkle tree: leaf hashes in <c>audit_chain.leaf_hash</c> (leaf i is chain position i + 1) and every
/// complete subtree from level <see cref="StoredFromLevel"/> up in <c>audit_tree(level, idx, hash)</c>. Any subtree a
/// proof needs is then one stored row, or the hash of at most 2^StoredFromLevel leaves, so a proof costs two queries
/// of O(log n) rows whatever the size of the log. The chain writer appends to both in the transaction that adds the entries (the subtrees in the round trip of
/// the checkpoint, when one is due).
/// </summary>
public sealed class MerkleTreeStore(AuditDatabase database)
{
    /// <summary>
    /// Subtrees below this level (up to 32 leaves) are not stored: 1/32 row per entry instead of 1/8, and a proof hashes at
    /// most 63 leaf hashes of one 64-leaf block. Level 4 until 2026-12-05 (<see cref="Schema.TreeLevelMigration"/>).
    /// </summary>
    public const int StoredFromLevel = 6;

    /// <summary>The frontier of the tree of <paramref name="size"/> leaves (<see cref="CompactRange.FrontierOf"/> order).</summary>
    public async Task<CompactRange> RangeAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long size, CancellationToken ct)
    {
        var nodes = CompactRange.FrontierOf(size).ToList();
        var hashes = await ReadAsync(connection, transaction, nodes, ct);
        return CompactRange.From(size, nodes.Select(n => hashes[n]).ToList());
    }

    /// <summary>The hashes of the given ranges (of a proof), each from its complete subtrees.</summary>
    public async Task<List<byte[]>> HashesAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<LeafRange> ranges, CancellationToken ct)
    {
        var parts = ranges.Select(r => r.CompleteNodes().ToList()).ToList();
        var hashes = await ReadAsync(connection, transaction, parts.SelectMany(p => p).Distinct().ToList(), ct);
        return ranges.Select((r, i) => LeafRange.HashFrom(parts[i].Select(n => hashes[n]).ToList())).ToList();
    }

    /// <summary>Complete subtrees by their stored rows or from their leaves.</summary>
    /// <exception cref="InvalidOperationException">A subtree or leaf the tree must have is not stored (deleted or not written yet).</exception>
    public async Task<Dictionary<TreeNode, byte[]>> ReadAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyCollection<TreeNode> nodes, CancellationToken ct)
    {
        var found = new Dictionary<TreeNode, byte[]>();
        var stored = nodes.Where(n => n.Level >= StoredFromLevel).ToList();
        var low = nodes.Where(n => n.Level < StoredFromLevel).ToList();
        var positions = low.SelectMany(n => Enumerable.Range(0, (int)n.Size).Select(i => n.FirstLeaf + i + 1)).Distinct().ToArray();
        if (stored.Count == 0 && positions.Length == 0)
            return found;

        await using var command = new NpgsqlCommand(
            $"select t.level, t.idx, t.hash from {database.Tree} t join unnest(@levels, @indexes) as n(level, idx) " +
            "on t.level = n.level and t.idx = n.idx;" +
            $"select position, leaf_hash from {database.Chain} where position = any(@positions)", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter("levels", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = stored.Select(n => n.Level).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("indexes", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = stored.Select(n => n.Index).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("positions", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = positions });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            found[new TreeNode(reader.GetInt32(0), reader.GetInt64(1))] = reader.GetFieldValue<byte[]>(2);
        await reader.NextResultAsync(ct);
        var leaves = new Dictionary<long, byte[]>();
        while (await reader.ReadAsync(ct))
        {
            if (!reader.IsDBNull(1))
                leaves[reader.GetInt64(0) - 1] = reader.GetFieldValue<byte[]>(1);
        }

        foreach (var node in stored.Where(n => !found.ContainsKey(n)))
            throw Lacks($"the subtree at level {node.Level}, index {node.Index} (leaves {node.FirstLeaf + 1} to {node.FirstLeaf + node.Size})");
        foreach (var node in low)
        {
            var hashes = new List<byte[]>((int)node.Size);
            for (var leaf = node.FirstLeaf; leaf < node.FirstLeaf + node.Size; leaf++)
                hashes.Add(leaves.TryGetValue(leaf, out var hash) ? hash : throw Lacks($"the leaf hash of chain position {leaf + 1}"));
            found[node] = MerkleHash.Root(hashes);
        }

        return found;
    }

    /// <summary>Appends stored subtrees (those at <see cref="StoredFromLevel"/> and above).</summary>
    public async Task WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<(TreeNode Node, byte[] Hash)> nodes, CancellationToken ct)
    {
        if (Insert(database, nodes) is not { } insert)
            return;
        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { insert } };
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The insert of <paramref name="nodes"/> (one statement, arrays as parameters), for a batch that also does other
    /// work in the same round trip; null when there is nothing to insert.
    /// </summary>
    public static NpgsqlBatchCommand? Insert(AuditDatabase database, IReadOnlyList<(TreeNode Node, byte[] Hash)> nodes)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(nodes);
        if (nodes.Count == 0)
            return null;
        var insert = new NpgsqlBatchCommand(
            $"insert into {database.Tree} (level, idx, hash) select * from unnest(@levels, @indexes, @hashes)");
        insert.Parameters.Add(new NpgsqlParameter("levels", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = nodes.Select(n => n.Node.Level).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter("indexes", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = nodes.Select(n => n.Node.Index).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter("hashes", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = nodes.Select(n => n.Hash).ToArray() });
        return insert;
    }

    private static InvalidOperationException Lacks(string what) =>
        new($"The stored Merkle tree lacks {what}: tree rows were deleted, or the chain writer has not written them yet. Run a verification.");
}

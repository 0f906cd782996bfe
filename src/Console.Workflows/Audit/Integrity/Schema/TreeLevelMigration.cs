using Console.Workflows.Audit.Integrity.Tree;
using Npgsql;
using NpgsqlTypes;

namespace Console.Workflows.Audit.Integrity.Schema;

/// <summary>
/// Until 2026-12-05 the stored tree kept every complete subtree from level 4 up; it now keeps them from level
/// <see cref="MerkleTreeStore.StoredFromLevel"/> up (1/32 row per entry instead of 1/8, the append's largest cost of the
/// tree after hashing). Verification reports a stored row below that level as inserted, so the owner removes the rows
/// below it once, at the first start on the new level, and records that in <c>audit_tree_layout</c> (the level, when,
/// how many rows it removed and how many it kept; a table this step creates and only the owner may write).
/// <para>
/// The rows are derived data: each is the hash of its subtree's leaves, which verification and proofs recompute below
/// the level. So the step removes a row only after hashing its leaves again and finding the row's hash; a row that does
/// not match its leaves (altered before the upgrade, or over leaves the chain does not hold) is evidence, and stays:
/// verification keeps reporting it. Because the record stays, the step never runs again: a row someone inserts below
/// the level afterwards stays a reported break however often the console restarts, and is never removed by the
/// console's own hand. The runtime role may only read the record.
/// </para>
/// </summary>
public static class TreeLevelMigration
{
    public const string TableName = "audit_tree_layout";

    /// <summary>Advisory lock key of this migration ("AUDIT_TL"): nodes starting together take turns.</summary>
    private const long Lock = 0x41554449545F544C;

    /// <summary>
    /// Applies the level in force once; returns what it removed and kept, or null when it was already recorded.
    /// </summary>
    /// <param name="connection">An open connection of a role that owns the schema's audit tables.</param>
    public static async Task<TreeLevelChange?> ApplyAsync(NpgsqlConnection connection, string schema, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrWhiteSpace(schema);
        var layout = $"{schema}.{TableName}";
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // Created here rather than with Marten's schema: the record is the owner's, written by this step alone. A record
        // written before the step kept mismatching rows reads as none kept.
        await using (var locked = new NpgsqlCommand(
            $"select pg_advisory_xact_lock({Lock}); create table if not exists {layout} (" +
            "stored_from_level integer primary key, recorded_at timestamp with time zone not null, subtrees_removed bigint not null); " +
            $"alter table {layout} add column if not exists subtrees_kept bigint not null default 0",
            connection, transaction))
        {
            await locked.ExecuteNonQueryAsync(ct);
        }

        await using (var recorded = new NpgsqlCommand($"select exists (select 1 from {layout} where stored_from_level = @level)", connection, transaction))
        {
            recorded.Parameters.AddWithValue("level", MerkleTreeStore.StoredFromLevel);
            if (await recorded.ExecuteScalarAsync(ct) is true)
                return null;
        }

        var low = await LowRowsAsync(connection, transaction, schema, ct);
        List<TreeNode> matching = low.Count == 0 ? [] : await MatchingAsync(connection, transaction, schema, low, ct);
        await using (var remove = new NpgsqlCommand(
            $"delete from {schema}.{AuditDatabase.TreeTableName} t using unnest(@levels, @indexes) as m(level, idx) " +
            "where t.level = m.level and t.idx = m.idx",
            connection, transaction))
        {
            remove.Parameters.Add(new NpgsqlParameter<int[]>("levels", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = [.. matching.Select(n => n.Level)] });
            remove.Parameters.Add(new NpgsqlParameter<long[]>("indexes", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. matching.Select(n => n.Index)] });
            await remove.ExecuteNonQueryAsync(ct);
        }

        var change = new TreeLevelChange(matching.Count, low.Count - matching.Count);
        await using (var record = new NpgsqlCommand(
            $"insert into {layout} (stored_from_level, recorded_at, subtrees_removed, subtrees_kept) values (@level, now(), @removed, @kept)",
            connection, transaction))
        {
            record.Parameters.AddWithValue("level", MerkleTreeStore.StoredFromLevel);
            record.Parameters.AddWithValue("removed", change.Removed);
            record.Parameters.AddWithValue("kept", change.Kept);
            await record.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
        return change;
    }

    /// <summary>The stored rows below the level in force, by subtree.</summary>
    private static async Task<Dictionary<TreeNode, byte[]>> LowRowsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, CancellationToken ct)
    {
        await using var select = new NpgsqlCommand(
            $"select level, idx, hash from {schema}.{AuditDatabase.TreeTableName} where level < @level", connection, transaction);
        select.Parameters.AddWithValue("level", MerkleTreeStore.StoredFromLevel);
        await using var reader = await select.ExecuteReaderAsync(ct);
        var rows = new Dictionary<TreeNode, byte[]>();
        while (await reader.ReadAsync(ct))
            rows[new TreeNode(reader.GetInt32(0), reader.GetInt64(1))] = reader.GetFieldValue<byte[]>(2);
        return rows;
    }

    /// <summary>
    /// The rows among <paramref name="low"/> whose hash is their subtree's, hashed again from the chain's leaves (in
    /// position order, as far as the last leaf a row covers; a missing leaf hash, or a position missing, leaves every
    /// row over it unmatched).
    /// </summary>
    private static async Task<List<TreeNode>> MatchingAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, Dictionary<TreeNode, byte[]> low, CancellationToken ct)
    {
        var lastLeaf = low.Keys.Max(n => n.FirstLeaf + n.Size);
        var lowest = low.Keys.Min(n => n.Level);
        var matching = new List<TreeNode>();
        var range = new CompactRange();
        void Compare(TreeNode node, byte[] hash)
        {
            if (low.TryGetValue(node, out var stored) && stored.AsSpan().SequenceEqual(hash))
                matching.Add(node);
        }

        await using var select = new NpgsqlCommand(
            $"select position, leaf_hash from {schema}.{AuditDatabase.ChainTableName} where position <= @last order by position",
            connection, transaction);
        select.Parameters.AddWithValue("last", lastLeaf);
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            // Positions start at 1 and have no gaps in an intact chain; at the first that breaks either, stop comparing.
            if (reader.GetInt64(0) != range.Size + 1 || reader.IsDBNull(1))
                break;
            range.Append(reader.GetFieldValue<byte[]>(1), Compare, lowest);
        }

        return matching;
    }
}

/// <summary>What applying the level did: the rows below it removed (their hash was their leaves') and those kept (evidence).</summary>
public sealed record TreeLevelChange(long Removed, long Kept);

using Console.Workflows.Audit.Integrity.Tree;
using Npgsql;

namespace Console.Workflows.Audit.Integrity.Schema;

/// <summary>
/// Until 2026-12-05 the stored tree kept every complete subtree from level 4 up; it now keeps them from level
/// <see cref="MerkleTreeStore.StoredFromLevel"/> up (1/32 row per entry instead of 1/8, the append's largest cost of the
/// tree after hashing). Verification reports a stored row below that level as inserted, so the owner removes the rows
/// below it once, at the first start on the new level, and records that in <c>audit_tree_layout</c> (the level, when,
/// how many rows it removed; a table this step creates and only the owner may write). The rows are derived data (verification and proofs recompute subtrees below the level from
/// the leaves), so removing them loses no evidence. Because the record stays, it never runs again: a row someone inserts
/// below the level afterwards stays a reported break however often the console restarts, and is never removed by the
/// console's own hand. The runtime role may only read the record.
/// </summary>
public static class TreeLevelMigration
{
    public const string TableName = "audit_tree_layout";

    /// <summary>Advisory lock key of this migration ("AUDIT_TL"): nodes starting together take turns.</summary>
    private const long Lock = 0x41554449545F544C;

    /// <summary>Applies the level in force once; returns the rows it removed, or null when it was already recorded.</summary>
    /// <param name="connection">An open connection of a role that owns the schema's audit tables.</param>
    public static async Task<long?> ApplyAsync(NpgsqlConnection connection, string schema, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrWhiteSpace(schema);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // Created here rather than with Marten's schema: the record is the owner's, written by this step alone.
        await using (var locked = new NpgsqlCommand(
            $"select pg_advisory_xact_lock({Lock}); create table if not exists {schema}.{TableName} (" +
            "stored_from_level integer primary key, recorded_at timestamp with time zone not null, subtrees_removed bigint not null)",
            connection, transaction))
        {
            await locked.ExecuteNonQueryAsync(ct);
        }

        await using var migrate = new NpgsqlCommand(
            $"with recorded as (select 1 from {schema}.{TableName} where stored_from_level = @level), " +
            $"removed as (delete from {schema}.{AuditDatabase.TreeTableName} where level < @level and not exists (select 1 from recorded) returning 1) " +
            $"insert into {schema}.{TableName} (stored_from_level, recorded_at, subtrees_removed) " +
            "select @level, now(), (select count(*) from removed) where not exists (select 1 from recorded) returning subtrees_removed",
            connection, transaction);
        migrate.Parameters.AddWithValue("level", MerkleTreeStore.StoredFromLevel);
        var removed = await migrate.ExecuteScalarAsync(ct);
        await transaction.CommitAsync(ct);
        return removed is long count ? count : null;
    }
}

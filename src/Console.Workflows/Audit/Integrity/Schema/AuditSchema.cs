using Marten;
using Weasel.Core;
using Weasel.Core.Migrations;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Console.Workflows.Audit.Integrity.Schema;

/// <summary>
/// The chain's tables and the rewrite guard, created and migrated by Marten with the rest of the store (a Weasel
/// feature): <c>audit_chain</c> holds one entry per chained event, <c>audit_checkpoint</c> the signed checkpoints
/// (signed tree heads), <c>audit_tree</c> the stored subtrees of the Merkle tree.
/// A feature of its own rather than extended schema objects, because Marten applies those before the event tables
/// exist, and the guard is a trigger on mt_events.
/// </summary>
internal sealed class AuditSchema(StoreOptions options)
    : FeatureSchemaBase("AuditIntegrity", options.Advanced.Migrator)
{
    public override Type StorageType => typeof(AuditSchema);

    protected override IEnumerable<ISchemaObject> schemaObjects() => For(options.Events.DatabaseSchemaName);

    public static IEnumerable<ISchemaObject> For(string schema)
    {
        var chain = new Table(new PostgresqlObjectName(schema, AuditDatabase.ChainTableName, SchemaUtils.IdentifierUsage.General));
        chain.AddColumn<long>("position").AsPrimaryKey();
        chain.AddColumn<long>("seq_id").NotNull();
        chain.AddColumn<Guid>("event_id").NotNull();
        chain.AddColumn("entry_hash", "bytea").NotNull();
        chain.AddColumn("prev_hash", "bytea").NotNull();
        chain.AddColumn("recorded_at", "timestamp with time zone").NotNull().DefaultValueByExpression("now()");
        // Null only in chains written before the Merkle tree existed, until the chain writer fills it in.
        chain.AddColumn("leaf_hash", "bytea");
        chain.Indexes.Add(new IndexDefinition("ux_audit_chain_seq_id") { Columns = ["seq_id"], IsUnique = true });
        chain.Indexes.Add(new IndexDefinition("ix_audit_chain_no_leaf") { Columns = ["position"], Predicate = "leaf_hash is null" });
        yield return chain;

        // The Merkle tree's complete subtrees of 2^level leaves from level MerkleTreeStore.StoredFromLevel up (lower
        // ones are hashed from the chain's leaf hashes when a proof needs them), so a proof reads O(log n) rows.
        var tree = new Table(new PostgresqlObjectName(schema, AuditDatabase.TreeTableName, SchemaUtils.IdentifierUsage.General));
        tree.AddColumn<int>("level").AsPrimaryKey();
        tree.AddColumn<long>("idx").AsPrimaryKey();
        tree.AddColumn("hash", "bytea").NotNull();
        yield return tree;

        var checkpoints = new Table(new PostgresqlObjectName(schema, AuditDatabase.CheckpointTableName, SchemaUtils.IdentifierUsage.General));
        checkpoints.AddColumn<long>("number").AsPrimaryKey();
        checkpoints.AddColumn<long>("position").NotNull();
        checkpoints.AddColumn<long>("seq_id").NotNull();
        checkpoints.AddColumn("entry_hash", "bytea").NotNull();
        checkpoints.AddColumn("created_at", "timestamp with time zone").NotNull();
        checkpoints.AddColumn("key_id", "varchar").NotNull();
        checkpoints.AddColumn("signature", "bytea").NotNull();
        // The Merkle root at tree size = position: a signed tree head (null in checkpoints older than the tree).
        checkpoints.AddColumn("root_hash", "bytea");
        yield return checkpoints;

        yield return new EventRewriteGuard(schema);
    }
}

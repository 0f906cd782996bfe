using Npgsql;

namespace Console.Workflows.Database;

/// <summary>
/// What the console's runtime role (<c>vnf_console</c>) may do in the schema its owner role (<c>vnf_owner</c>)
/// created: read and write documents, projections and Wolverine's envelopes, append and read events; never change
/// or delete an event, never delete or rewrite the audit chain, its tree or its checkpoints. The runtime role owns
/// nothing, so it can neither alter a table, disable or drop the rewrite guard, nor truncate (only an owner or a
/// superuser can). Applied by the owner after every migration; idempotent.
/// </summary>
public static class RuntimeGrants
{
    /// <summary>The tables the runtime role may only append to and read (the event log and its chain).</summary>
    public static IReadOnlyList<string> AppendOnlyTables { get; } = ["mt_events", "audit_chain", "audit_tree", "audit_checkpoint"];

    /// <summary>Grants the runtime role its privileges in every schema the connected owner owns (and public).</summary>
    public static async Task ApplyAsync(NpgsqlConnection owner, string runtimeRole, string eventSchema, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentException.ThrowIfNullOrWhiteSpace(runtimeRole);
        var role = Quote(runtimeRole);
        var schemas = new List<string>();
        await using (var list = new NpgsqlCommand(
            "select nspname from pg_namespace where nspowner = (select oid from pg_roles where rolname = current_user) or nspname = 'public'", owner))
        await using (var reader = await list.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
                schemas.Add(reader.GetString(0));
        }

        var sql = new List<string>();
        foreach (var schema in schemas.Select(Quote))
        {
            sql.Add($"grant usage on schema {schema} to {role}");
            sql.Add($"grant select, insert, update, delete, truncate on all tables in schema {schema} to {role}");
            sql.Add($"grant usage, select, update on all sequences in schema {schema} to {role}");
            sql.Add($"grant execute on all functions in schema {schema} to {role}");
            // Tables, sequences and functions a later migration adds get the same, until the statements below narrow them.
            sql.Add($"alter default privileges in schema {schema} grant select, insert, update, delete, truncate on tables to {role}");
            sql.Add($"alter default privileges in schema {schema} grant usage, select, update on sequences to {role}");
            sql.Add($"alter default privileges in schema {schema} grant execute on functions to {role}");
        }

        foreach (var table in AppendOnlyTables.Select(t => $"{Quote(eventSchema)}.{Quote(t)}"))
        {
            sql.Add($"revoke all on {table} from {role}, public");
            sql.Add($"grant select, insert on {table} to {role}");
        }

        // The record of the stored tree's level is the owner's alone (Audit/Integrity/Schema/TreeLevelMigration).
        var layout = $"{Quote(eventSchema)}.{Quote(Audit.Integrity.Schema.TreeLevelMigration.TableName)}";
        sql.Add($"revoke all on {layout} from {role}, public");
        sql.Add($"grant select on {layout} to {role}");

        // The chain writer fills in Merkle leaves of entries written before the tree existed; nothing else changes an entry.
        sql.Add($"grant update (leaf_hash) on {Quote(eventSchema)}.audit_chain to {role}");

        await using var batch = new NpgsqlBatch(owner);
        foreach (var statement in sql)
            batch.BatchCommands.Add(new NpgsqlBatchCommand(statement));
        await batch.ExecuteNonQueryAsync(ct);
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

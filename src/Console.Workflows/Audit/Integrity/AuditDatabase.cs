using Marten;
using Marten.Storage;
using Npgsql;

namespace Console.Workflows.Audit.Integrity;

/// <summary>Names of the event store's and the chain's tables in the store's schema, and connections to them.</summary>
public sealed class AuditDatabase(IDocumentStore store)
{
    public const string ChainTableName = "audit_chain";
    public const string CheckpointTableName = "audit_checkpoint";
    public const string TreeTableName = "audit_tree";

    /// <summary>The store whose tables these are (the document stage of verification reads its mappings and serializer).</summary>
    public IDocumentStore Store => store;

    public string Schema => store.Options.Events.DatabaseSchemaName;

    public string Events => $"{Schema}.mt_events";

    public string Chain => $"{Schema}.{ChainTableName}";

    public string Checkpoints => $"{Schema}.{CheckpointTableName}";

    public string Tree => $"{Schema}.{TreeTableName}";

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var connection = store.Storage.Database.CreateConnection(ConnectionUsage.ReadWrite);
        try
        {
            await connection.OpenAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}

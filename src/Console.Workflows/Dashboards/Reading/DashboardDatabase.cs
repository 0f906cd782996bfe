using Console.Workflows.Dashboards.Projections;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;
using Console.Workflows.Requests;
using Marten;

namespace Console.Workflows.Dashboards.Reading;

/// <summary>
/// Where the dashboard's readers read: the projection tables, the documents they judge placement and retention
/// against (table names resolved once), and one pooled connection of the store's data source per read. Holds no
/// session, so the readers over it are singletons that a page or the API can call at any time.
/// </summary>
public sealed class DashboardDatabase
{
    private readonly IDocumentStore _store;

    public DashboardDatabase(IDocumentStore store, DashboardTables tables)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        Tables = tables;
        var schema = store.Options.Schema;
        Policies = schema.For<ApprovalPolicy>();
        Environments = schema.For<ExecutionEnvironment>();
        TrustDomains = schema.For<TrustDomain>();
        Requests = schema.For<ChangeRequest>();
        KeepLastGoodSql =
            $"""
            select coalesce((select (data -> 'Document' ->> 'KeepLastGoodSnapshot')::boolean
                             from {Policies} where id = '{ApprovalPolicy.StreamId}'),
                            {(DefaultPolicy.Document.KeepLastGoodSnapshot ? "true" : "false")}) as keep
            """;
    }

    public DashboardTables Tables { get; }

    internal string Policies { get; }

    internal string Environments { get; }

    internal string TrustDomains { get; }

    internal string Requests { get; }

    internal ISerializer Serializer => _store.Options.Serializer();

    /// <summary>The policy's "keep the last good snapshot of each VNF", as one row (the default policy's when there is none yet).</summary>
    internal string KeepLastGoodSql { get; }

    /// <summary>Reads one or more parts in one round trip: <paramref name="parts"/> adds their statements and returns how to build the result.</summary>
    internal async Task<T> ReadAsync<T>(Func<DashboardBatch, Func<T>> parts, CancellationToken ct)
    {
        var batch = new DashboardBatch();
        var result = parts(batch);
        await RunAsync(batch, ct);
        return result();
    }

    internal async Task RunAsync(DashboardBatch batch, CancellationToken ct)
    {
        await using var conn = _store.Storage.Database.CreateConnection();
        await conn.OpenAsync(ct);
        await batch.RunAsync(conn, ct);
    }
}

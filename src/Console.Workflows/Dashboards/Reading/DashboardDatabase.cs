using Console.Workflows.Dashboards.Projections;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;
using Console.Workflows.Requests;
using Marten;
using Marten.Storage;
using Npgsql;

namespace Console.Workflows.Dashboards.Reading;

/// <summary>
/// Where the dashboard's readers read: the projection tables, the documents they judge placement and retention
/// against (table names resolved once), and one pooled connection per read from a data source of the dashboard's own
/// (<see cref="ReadingSettings"/>). Holds no session, so the readers over it are singletons that a page or the API can
/// call at any time.
/// </summary>
public sealed class DashboardDatabase : IAsyncDisposable
{
    private readonly IDocumentStore _store;
    private readonly NpgsqlDataSource _connections;

    public DashboardDatabase(IDocumentStore store, DashboardTables tables)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _connections = ConnectionsLike(store.Storage.Database);
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
        await using var conn = await _connections.OpenConnectionAsync(ct);
        await batch.RunAsync(conn, ct);
    }

    public ValueTask DisposeAsync() => _connections.DisposeAsync();

    /// <summary>
    /// The settings of the dashboard's connections, on top of the store's. JIT off from the start (<c>-c jit=off</c>):
    /// the figures are small index reads, and PostgreSQL's row estimates for the document lookups can be far too high and
    /// make it compile a plan that runs in a millisecond; as a start-up option it costs no statement per read (a
    /// <c>set_config</c> in every batch did). No reset when a connection goes back to the pool: only the readers use
    /// these connections, they leave no session state behind (no temporary tables, locks, LISTEN; a batch puts back the
    /// plan mode it changes, <see cref="DashboardBatch"/>), and the reset Npgsql prepends otherwise is seven statements
    /// on every read of a connection with prepared statements. The bench's hand-written statements run with the same.
    /// </summary>
    public static NpgsqlConnectionStringBuilder ReadingSettings(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true };
        settings.Options = string.IsNullOrWhiteSpace(settings.Options) ? "-c jit=off" : settings.Options + " -c jit=off";
        return settings;
    }

    // The store's connection settings with the dashboard's; CloneWith carries the password the store's data source
    // keeps (its connection string shows none).
    private static NpgsqlDataSource ConnectionsLike(IMartenDatabase database)
    {
        using var template = database.CreateConnection();
        using var clone = template.CloneWith(ReadingSettings(template.ConnectionString).ConnectionString);
        return NpgsqlDataSource.Create(clone.ConnectionString);
    }
}

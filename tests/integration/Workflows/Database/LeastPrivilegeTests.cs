using Console.IntegrationTests.Infrastructure;
using Console.IntegrationTests.Workflows.Audit.Integrity;
using Console.Workflows.Audit.Integrity.Schema;
using Npgsql;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Database;

/// <summary>
/// The console's runtime role (what scripts/run, scripts/test and these fixtures connect as) against a database its
/// owner role migrated: it can append, chain, sign and verify, and it cannot switch off, drop or replace the rewrite
/// guard, truncate, delete or change events, delete the chain, or write events into the past.
/// </summary>
public sealed class LeastPrivilegeTests : IAsyncLifetime
{
    private const string InsufficientPrivilege = "42501";
    private const string GuardRefusal = "P0001";

    private readonly PostgresDatabase _database = new();
    private readonly string _keyFile = AuditLog.NewKeyFile();
    private AuditLog _log = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _database.InitializeAsync();
        _log = await AuditLog.OpenAsync(_database.ConnectionString, AuditLog.TestOptions(_keyFile, checkpointEvery: 10));
        await _log.AppendAsync(30, streams: 3, batch: 10, burn: 2);
        await _log.ChainAllAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _log.DisposeAsync();
        await _database.DisposeAsync();
        File.Delete(_keyFile);
    }

    [Fact]
    public async Task LeastPrivilege_RuntimeRole_IsNeitherSuperuserNorOwnerOfAnything()
    {
        await using var connection = await RuntimeAsync();
        (await ScalarAsync<string>(connection, "select current_user")).ShouldBe(new NpgsqlConnectionStringBuilder(_database.ConnectionString).Username);
        (await ScalarAsync<bool>(connection, "select rolsuper or rolcreaterole or rolcreatedb or rolbypassrls from pg_roles where rolname = current_user")).ShouldBeFalse();
        (await ScalarAsync<long>(connection,
            "select (select count(*) from pg_class where relowner = r.oid) + (select count(*) from pg_proc where proowner = r.oid) " +
            "+ (select count(*) from pg_namespace where nspowner = r.oid) from pg_roles r where r.rolname = current_user")).ShouldBe(0);
    }

    [Theory]
    [InlineData("alter table mt_events disable trigger " + EventRewriteGuard.Name, "must be owner of table mt_events")]
    [InlineData("alter table mt_events disable trigger all", "must be owner of table mt_events")]
    [InlineData("drop trigger " + EventRewriteGuard.Name + " on mt_events", "must be owner of relation mt_events")]
    [InlineData("drop function " + EventRewriteGuard.Name + "() cascade", "must be owner of function " + EventRewriteGuard.Name)]
    [InlineData("create or replace function " + EventRewriteGuard.Name + "() returns trigger language plpgsql as $$ begin return new; end $$",
        "permission denied for schema public")]
    [InlineData("set session_replication_role = replica", "permission denied to set parameter \"session_replication_role\"")]
    [InlineData("alter table mt_events owner to current_user", "must be owner of table mt_events")]
    public async Task LeastPrivilege_RuntimeRole_CannotDisableDropOrReplaceTheGuard(string sql, string message)
    {
        var refused = await RefusedAsync(sql);

        refused.SqlState.ShouldBe(InsufficientPrivilege);
        refused.MessageText.ShouldContain(message);
        (await GuardEnabledAsync()).ShouldBeTrue();
    }

    [Theory]
    [InlineData("truncate mt_events", "permission denied for table mt_events")]
    [InlineData("delete from mt_events where seq_id = 5", "permission denied for table mt_events")]
    [InlineData("update mt_events set data = '{}'::jsonb where seq_id = 5", "permission denied for table mt_events")]
    [InlineData("update mt_events set is_archived = true where seq_id = 5", "permission denied for table mt_events")]
    [InlineData("delete from audit_chain where position > 20", "permission denied for table audit_chain")]
    [InlineData("update audit_chain set entry_hash = prev_hash where position = 3", "permission denied for table audit_chain")]
    [InlineData("truncate audit_tree", "permission denied for table audit_tree")]
    [InlineData("delete from audit_checkpoint", "permission denied for table audit_checkpoint")]
    [InlineData("update audit_checkpoint set signature = '\\x00' where number = 1", "permission denied for table audit_checkpoint")]
    [InlineData("delete from audit_tree_layout", "permission denied for table audit_tree_layout")]
    [InlineData("insert into audit_tree_layout values (4, now(), 0)", "permission denied for table audit_tree_layout")]
    public async Task LeastPrivilege_RuntimeRole_CannotTruncateDeleteOrUpdateEventsOrTheChain(string sql, string message)
    {
        var events = await _log.ScalarAsync<long>("select count(*) from mt_events");
        var entries = await _log.ScalarAsync<long>("select count(*) from audit_chain");

        var refused = await RefusedAsync(sql);

        refused.SqlState.ShouldBe(InsufficientPrivilege);
        refused.MessageText.ShouldBe(message);
        (await _log.ScalarAsync<long>("select count(*) from mt_events")).ShouldBe(events);
        (await _log.ScalarAsync<long>("select count(*) from audit_chain")).ShouldBe(entries);
        (await _log.VerifyAsync()).Breaks.ShouldBeEmpty();
    }

    [Fact]
    public async Task LeastPrivilege_RuntimeRole_CannotInsertAnEventBelowTheChainedHead()
    {
        var head = await _log.ScalarAsync<long>("select max(seq_id) from audit_chain");
        // A hole below the head (a burnt sequence value, as a rolled-back append leaves): free, and already passed by the chain.
        var hole = await _log.ScalarAsync<long>(
            $"select min(s)::bigint from generate_series(1, {head}) s where not exists (select 1 from mt_events where seq_id = s)");

        var refused = await RefusedAsync(ForgedEvent($"{hole}", "now()"));

        refused.SqlState.ShouldBe(GuardRefusal);
        refused.MessageText.ShouldContain($"at or below the chained head (seq {head}), writes into the past and is refused");
    }

    [Fact]
    public async Task LeastPrivilege_RuntimeRole_CannotInsertAnEventDatedBeforeTheNewest()
    {
        var refused = await RefusedAsync(ForgedEvent("nextval('mt_events_sequence')", "now() - interval '1 hour'"));

        refused.SqlState.ShouldBe(GuardRefusal);
        refused.MessageText.ShouldContain("before the newest event");
        refused.MessageText.ShouldContain("writes into the past and is refused");
    }

    [Fact]
    public async Task LeastPrivilege_RuntimeRole_DoesEverythingTheLogNeeds()
    {
        // Marten appends (events, streams, the sequence), the chain writer (COPY of entries and subtrees, checkpoints),
        // verification (exported snapshots on two connections) and its record: all as the runtime role.
        await _log.AppendAsync(25, streams: 2, batch: 5);
        await _log.ChainAllAsync();
        await _log.Chainer.CheckpointNowAsync(Ct);
        var report = await _log.VerifyAsync();

        report.Breaks.ShouldBeEmpty();
        report.EntriesChecked.ShouldBe(55);
        report.CheckpointsChecked.ShouldBeGreaterThan(1);
        report.CheckpointsChecked.ShouldBe((int)await _log.ScalarAsync<long>("select count(*) from audit_checkpoint"));
        (await _log.ScalarAsync<string>("select current_user")).ShouldBe(new NpgsqlConnectionStringBuilder(_database.ConnectionString).Username);
    }

    [Fact]
    public async Task LeastPrivilege_OwnerRole_IsStillRefusedByTheGuard()
    {
        // The owner may change the table's rows as far as privileges go; the trigger refuses rewriting events anyway.
        await using var owner = new NpgsqlConnection(_database.OwnerConnectionString);
        await owner.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("delete from mt_events where seq_id = 5", owner);

        var refused = await Should.ThrowAsync<PostgresException>(() => command.ExecuteNonQueryAsync(Ct));

        refused.SqlState.ShouldBe(GuardRefusal);
        refused.MessageText.ShouldContain("mt_events is append-only");
    }

    private static string ForgedEvent(string seq, string timestamp) =>
        "insert into mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type) " +
        $"select {seq}, gen_random_uuid(), stream_id, 9999, '{{\"Reason\": \"approved by nobody\"}}'::jsonb, type, {timestamp}, tenant_id, mt_dotnet_type " +
        "from mt_events where seq_id = (select max(seq_id) from mt_events)";

    private async Task<PostgresException> RefusedAsync(string sql)
    {
        await using var connection = await RuntimeAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await Should.ThrowAsync<PostgresException>(() => command.ExecuteNonQueryAsync(Ct));
    }

    private async Task<bool> GuardEnabledAsync() => await _log.ScalarAsync<bool>(
        $"select exists (select 1 from pg_trigger where tgname = '{EventRewriteGuard.Name}' and tgrelid = 'mt_events'::regclass and tgenabled <> 'D')");

    private async Task<NpgsqlConnection> RuntimeAsync()
    {
        var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync(Ct);
        return connection;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }
}

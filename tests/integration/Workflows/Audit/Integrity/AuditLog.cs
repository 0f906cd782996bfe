using System.Security.Cryptography;
using Console.Testing;
using Console.IntegrationTests.Infrastructure;
using Console.Workflows;
using Console.Workflows.Audit.Integrity;
using Console.Workflows.Audit.Integrity.Chaining;
using Console.Workflows.Audit.Integrity.Checkpoints;
using Console.Workflows.Audit.Integrity.Verifying;
using JasperFx;
using Marten;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit;

namespace Console.IntegrationTests.Workflows.Audit.Integrity;

/// <summary>An event the audit tests append: text with quotes, backslashes and non-ASCII, so the encoding is exercised.</summary>
public sealed record SampleRecorded(Guid SubjectId, int Number, string Text, string By, DateTimeOffset At);

/// <summary>A second event type, so swapping types between rows is observable.</summary>
public sealed record SampleCorrected(Guid SubjectId, int Number, string Reason, string By, DateTimeOffset At);

/// <summary>
/// One real PostgreSQL database with the console's Marten store (schema, chain tables, rewrite guard) and the chain
/// writer and verifier wired by hand, as the hosts wire them, on a test key. Tampering goes through
/// <see cref="AsAdministratorAsync"/>, which switches the guard off for its session as a database administrator could.
/// </summary>
public sealed class AuditLog : IAsyncDisposable
{
    private AuditLog(string connectionString, AuditIntegrityOptions options, TimeProvider time)
    {
        ConnectionString = connectionString;
        Options = options;
        Time = time;
        Store = DocumentStore.For(opts =>
        {
            opts.ConfigureConsoleStore(connectionString);
            opts.AutoCreateSchemaObjects = AutoCreate.All;
        });
        Database = new AuditDatabase(Store);
        Keys = new CheckpointKeyring(options, NullLogger<CheckpointKeyring>.Instance);
        Chainer = new EventChainer(Database, options, Keys, time, NullLogger<EventChainer>.Instance);
        Verifier = new IntegrityVerifier(Database, Keys, time, options);
    }

    public string ConnectionString { get; }

    public AuditIntegrityOptions Options { get; }

    public TimeProvider Time { get; }

    public DocumentStore Store { get; }

    public AuditDatabase Database { get; }

    public CheckpointKeyring Keys { get; }

    public EventChainer Chainer { get; }

    public IntegrityVerifier Verifier { get; }

    /// <summary>Test settings: holes pass as soon as no transaction could fill them; a key file of the test's own.</summary>
    /// <param name="witnessFolder">The witness file's folder; by default one of the test's own (never shared between tests).</param>
    public static AuditIntegrityOptions TestOptions(string keyFile, int checkpointEvery = 1000, int batch = 500, string? witnessFolder = null) => new()
    {
        SigningKeyFile = keyFile,
        WitnessFolder = witnessFolder ?? Path.Combine(Path.GetTempPath(), $"audit-test-witness-{Guid.NewGuid():N}"),
        GapSettleTime = TimeSpan.Zero,
        GapMaxWait = TimeSpan.FromMinutes(2),
        CheckpointEveryEntries = checkpointEvery,
        ChainBatchSize = batch,
    };

    /// <summary>Writes a fresh P-256 key as PKCS#8 PEM to a temporary file.</summary>
    public static string NewKeyFile()
    {
        var file = Path.Combine(Path.GetTempPath(), $"audit-test-key-{Guid.NewGuid():N}.pem");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(file, key.ExportPkcs8PrivateKeyPem());
        return file;
    }

    /// <param name="time">The chain writer's clock; by default a fake one that stands still (only entry counts make checkpoints).</param>
    public static async Task<AuditLog> OpenAsync(string connectionString, AuditIntegrityOptions options, TimeProvider? time = null)
    {
        var log = new AuditLog(connectionString, options, time ?? new FakeTimeProvider(DateTimeOffset.UtcNow));
        await log.Store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        return log;
    }

    /// <summary>
    /// Appends <paramref name="count"/> events over <paramref name="streams"/> streams in batches, burning
    /// <paramref name="burn"/> sequence values after each batch so the log has holes, as rolled-back appends leave.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> AppendAsync(int count, int streams = 20, int batch = 25, int burn = 0)
    {
        var ids = Enumerable.Range(0, streams).Select(_ => Guid.NewGuid()).ToArray();
        var at = DateTimeOffset.UtcNow;
        for (var start = 0; start < count; start += batch)
        {
            await using (var session = Store.LightweightSession())
            {
                for (var i = start; i < Math.Min(count, start + batch); i++)
                {
                    var stream = ids[i % streams];
                    session.Events.Append(stream, i % 7 == 3
                        ? (object)new SampleCorrected(stream, i, $"Correction {i} — «guillemets»", "tester", at.AddMilliseconds(i))
                        : new SampleRecorded(stream, i,
                            $"Entry {i}: Zürich → Nürnberg, \"quoted\", back\\slash, tab\tend, ✓ {new string('x', i % 40)}", "tester", at.AddMilliseconds(i)));
                }

                await session.SaveChangesAsync();
            }

            if (burn > 0)
                await ScalarAsync<long>($"select max(nextval('{Database.Schema}.mt_events_sequence')) from generate_series(1, {burn})");
        }

        return ids;
    }

    /// <summary>Steps the chain writer until every committed event is chained and every head it signed is witnessed.</summary>
    public async Task ChainAllAsync()
    {
        await Eventually.Until(
            async () =>
            {
                await Chainer.StepAsync();
                return await ScalarAsync<long>(
                    $"select count(*) from {Database.Events} where seq_id > (select coalesce(max(seq_id), 0) from {Database.Chain})");
            },
            pending => pending == 0,
            "the chain writer to catch up with the event log (events not yet chained)",
            TimeSpan.FromMinutes(2));
        await Chainer.WitnessedAsync();
    }

    public Task<VerificationReport> VerifyAsync() => Verifier.VerifyAsync();

    /// <summary>Runs SQL as a database administrator would to tamper: with triggers (the rewrite guard) off for the session.</summary>
    public async Task<int> AsAdministratorAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"set session_replication_role = replica; {sql}", connection);
        return await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        Keys.Dispose();
        await Store.DisposeAsync();
    }
}

/// <summary>
/// A clean, chained and checkpointed log built once per test class in a template database; each test tampers with a
/// copy of its own (<c>CREATE DATABASE ... TEMPLATE</c>), so tests never see each other's tampering.
/// </summary>
public class ChainedLogTemplate : IAsyncLifetime
{
    private readonly List<string> _copies = [];
    private readonly List<string> _witnessCopies = [];
    private string _admin = "";

    public string TemplateName { get; } = $"console_audit_tpl_{Guid.NewGuid():N}";

    public string KeyFile { get; } = AuditLog.NewKeyFile();

    /// <summary>The template's witness file folder; each copy gets a copy of it (tests append to theirs).</summary>
    public string WitnessFolder { get; } = Path.Combine(Path.GetTempPath(), $"audit-test-witness-{Guid.NewGuid():N}");

    /// <summary>Events in the log (checkpoints every <see cref="CheckpointEvery"/> entries, plus one at the head).</summary>
    public virtual int Events => 300;

    public int CheckpointEvery { get; } = 40;

    public async ValueTask InitializeAsync()
    {
        _admin = Environment.GetEnvironmentVariable(PostgresDatabase.Variable)
            ?? throw new InvalidOperationException($"{PostgresDatabase.Variable} is not set: run the tests through scripts/test.");
        await AdminAsync($"create database \"{TemplateName}\"");
        await using (var log = await AuditLog.OpenAsync(ConnectionStringFor(TemplateName), AuditLog.TestOptions(KeyFile, CheckpointEvery, batch: 64, WitnessFolder)))
        {
            await log.AppendAsync(Events, streams: 15, batch: 20, burn: 3);
            await log.ChainAllAsync();
            await log.Chainer.CheckpointNowAsync();
        }

        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>A fresh copy of the clean log, for one test to tamper with.</summary>
    public async Task<AuditLog> CopyAsync()
    {
        var name = $"console_audit_{Guid.NewGuid():N}";
        NpgsqlConnection.ClearAllPools();
        await AdminAsync($"create database \"{name}\" template \"{TemplateName}\"");
        _copies.Add(name);
        var witness = Path.Combine(Path.GetTempPath(), $"audit-test-witness-{Guid.NewGuid():N}");
        Directory.CreateDirectory(witness);
        foreach (var file in Directory.Exists(WitnessFolder) ? Directory.GetFiles(WitnessFolder) : [])
            File.Copy(file, Path.Combine(witness, Path.GetFileName(file)));
        _witnessCopies.Add(witness);
        return await AuditLog.OpenAsync(ConnectionStringFor(name), AuditLog.TestOptions(KeyFile, CheckpointEvery, batch: 64, witness));
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        foreach (var name in _copies.Append(TemplateName))
            await AdminAsync($"drop database if exists \"{name}\" with (force)");
        File.Delete(KeyFile);
        foreach (var folder in _witnessCopies.Append(WitnessFolder).Where(Directory.Exists))
            Directory.Delete(folder, recursive: true);
        GC.SuppressFinalize(this);
    }

    private string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(_admin) { Database = database }.ConnectionString;

    private async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

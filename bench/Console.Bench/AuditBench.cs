using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Console.Workflows;
using Console.Workflows.Audit.Integrity;
using Console.Workflows.Audit.Integrity.Chaining;
using Console.Workflows.Audit.Integrity.Checkpoints;
using Console.Workflows.Audit.Integrity.Verifying;
using Console.Workflows.Audit.Integrity.Verifying.Documents;
using JasperFx;
using Marten;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace Console.Bench;

/// <summary>
/// <c>scripts/bench --audit</c>: seeds N events straight into mt_events (binary COPY, as if appended over years), builds
/// the hash chain with the console's own chain writer, then measures in the same run, alternately: the raw rate of
/// streaming the same event rows out of PostgreSQL and SHA-256 hashing their bytes with no verification logic (the
/// physical limit), and the full verification (chain entries merged in, canonical encoding, links, checkpoints and
/// their signatures, the Merkle tree and its signed roots). Also the chain writer with the Merkle tree against the chain
/// alone, and inclusion and consistency proof latency. Targets: verification at least 0.9x the raw rate, the tree at
/// most 1.2x the chain's append cost, proofs p95 under 5 ms.
/// </summary>
public sealed class AuditBench(string connectionString, BenchOptions options)
{
    private const int Rounds = 3;

    public async Task RunAsync()
    {
        // A kept database keeps its key beside it (named after the database), so --reuse-database verifies its checkpoints.
        var databaseName = new NpgsqlConnectionStringBuilder(connectionString).Database;
        var keyFile = Path.Combine(Path.GetTempPath(),
            options.KeepDatabase ? $"bench-audit-key-{databaseName}.pem" : $"bench-audit-key-{Guid.NewGuid():N}.pem");
        if (!File.Exists(keyFile))
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            await File.WriteAllTextAsync(keyFile, key.ExportPkcs8PrivateKeyPem());
        }

        try
        {
            await using var store = DocumentStore.For(o =>
            {
                o.ConfigureConsoleStore(connectionString);
                o.AutoCreateSchemaObjects = AutoCreate.All;
            });
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            var audit = new AuditIntegrityOptions
            {
                SigningKeyFile = keyFile,
                ChainBatchSize = 5000,
                GapSettleTime = TimeSpan.Zero,
                CheckpointEveryEntries = 1000,
            };
            var database = new AuditDatabase(store);
            using var keys = new CheckpointKeyring(audit, NullLogger<CheckpointKeyring>.Instance);
            var verifier = new IntegrityVerifier(database, keys, TimeProvider.System);

            Say($"Audit bench: {options.AuditEvents:N0} events, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {LoadAverage()}");
            var seed = Stopwatch.StartNew();
            var stored = await CountAsync("select count(*) from mt_events");
            if (stored == 0)
            {
                await SeedAsync(options.AuditEvents);
                Say($"seeded (binary COPY into mt_streams, mt_events):  {seed.Elapsed.TotalSeconds,7:F1} s");
            }
            else if (stored == options.AuditEvents)
            {
                Say($"reusing database {databaseName}: {stored:N0} events already seeded");
            }
            else
            {
                throw new InvalidOperationException(
                    $"Database {databaseName} holds {stored:N0} events, not the {options.AuditEvents:N0} asked for: pass --audit-events {stored} or seed a new database.");
            }

            // The chain writer with the Merkle tree, then as it was before the tree (chain only), then with the tree again:
            // the append cost of the tree is the mean of the two tree runs over the chain-only run.
            var withTree = new List<TimeSpan>();
            TimeSpan chainOnly = default;
            long chained = 0;
            if (options.AuditVerifyOnly)
            {
                chained = await CountAsync("select count(*) from audit_chain");
                if (chained != options.AuditEvents)
                    throw new InvalidOperationException($"--audit-verify-only needs the chain a --keep-database run built; {databaseName} has {chained:N0} chain entries.");
                Say($"verification only: the chain of {chained:N0} entries that an earlier run built");
            }

            foreach (var tree in options.AuditVerifyOnly ? [] : new[] { true, false, true })
            {
                // Each run chains the whole log from nothing (a reused database holds the last run's chain).
                await ExecuteAsync("truncate audit_chain, audit_checkpoint, audit_tree");
                var run = new AuditIntegrityOptions
                {
                    SigningKeyFile = keyFile, ChainBatchSize = 5000, GapSettleTime = TimeSpan.Zero, CheckpointEveryEntries = 1000,
                    WithoutMerkleTree = !tree,
                    WitnessFolder = Path.Combine(Path.GetTempPath(), $"bench-audit-witness-{Guid.NewGuid():N}"),
                };
                var writer = new EventChainer(database, run, keys, TimeProvider.System, NullLogger<EventChainer>.Instance);
                var (count, elapsed) = await ChainAsync(writer);
                chained = count;
                if (tree)
                    withTree.Add(elapsed);
                else
                    chainOnly = elapsed;
                Say($"chained by the chain writer{(tree ? " with the Merkle tree" : ", chain only (before the tree)")} (batches of {run.ChainBatchSize}): " +
                    $"{elapsed.TotalSeconds,7:F1} s  {Rate(count, elapsed)} entries/s");
            }

            if (!options.AuditVerifyOnly)
            {
                var treeCost = withTree.Average(t => t.TotalSeconds) / chainOnly.TotalSeconds;
                Say($"append cost with the tree / chain only:            {treeCost,10:F2}x   target <= 1.2x");
                Say("");
            }


            // Full verification is what the console runs (page, schedule, `audit verify`): the log and the documents, one
            // elapsed time from start to report. The document stage alone is timed after each round to show its share.
            var raw = new List<double>();
            var full = new List<double>();
            VerificationReport? report = null;
            for (var round = 1; round <= Rounds; round++)
            {
                var (rows, rawTime) = await RawAsync(chained);
                raw.Add(rows / rawTime.TotalSeconds);
                report = await verifier.VerifyAsync();
                full.Add(report.EntriesChecked / report.Elapsed.TotalSeconds);
                var documents = Stopwatch.StartNew();
                var documentStage = await new DocumentVerifier(database).VerifyAsync();
                Say($"round {round}: raw {raw[^1],10:N0} rows/s ({rawTime.TotalSeconds:F2} s)   verification {full[^1],10:N0} rows/s " +
                    $"({report.Elapsed.TotalSeconds:F2} s, {(report.Intact ? "intact" : $"BROKEN: {report.FirstBreak?.Kind}")})   " +
                    $"document stage alone {documents.Elapsed.TotalSeconds:F2} s ({documentStage.DocumentsChecked:N0} documents)   load {LoadAverage()}");
            }

            var rawMedian = Median(raw);
            var fullMedian = Median(full);
            Say("");
            Say($"raw stream + SHA-256 of the event rows (median of {Rounds}): {rawMedian,10:N0} rows/s");
            Say($"full verification (median of {Rounds}):                     {fullMedian,10:N0} rows/s   " +
                $"({report!.EntriesChecked:N0} entries, {report.CheckpointsChecked:N0} checkpoints)");
            Say($"verification / raw:                                   {fullMedian / rawMedian,10:F2}x   target >= 0.9x");
            Say("");
            if (!options.AuditVerifyOnly)
                await ProofsAsync(database, keys, chained);
            Say($"load average at the end: {LoadAverage()}");
        }
        finally
        {
            // With --keep-database the log stays inspectable with `audit ...` commands, which need its key.
            if (options.KeepDatabase)
                Say($"kept database {databaseName} and its signing key {keyFile} (again: scripts/bench --audit --audit-events {options.AuditEvents} --reuse-database {databaseName})");
            else
                File.Delete(keyFile);
        }
    }

    private static async Task<(long Count, TimeSpan Elapsed)> ChainAsync(EventChainer writer)
    {
        var clock = Stopwatch.StartNew();
        long chained = 0;
        while (true)
        {
            var step = await writer.StepAsync();
            chained += step.Appended;
            if (step.Appended == 0)
                break;
        }

        await writer.CheckpointNowAsync();
        return (chained, clock.Elapsed);
    }

    /// <summary>Inclusion proofs of random events under the latest tree head, consistency proofs between random pairs of heads.</summary>
    private static async Task ProofsAsync(AuditDatabase database, CheckpointKeyring keys, long events)
    {
        const int Proofs = 2000;
        var proofs = new Console.Workflows.Audit.Integrity.Proofs.LogProofs(database, keys);
        var auditor = new Console.Workflows.Common.Actor("bench", "Bench", new HashSet<string> { Console.Workflows.Common.Roles.Auditor });
        var (heads, _) = await proofs.TreeHeadsAsync(auditor, 100_000);
        var random = new Random(13);
        var inclusion = new List<double>();
        var consistency = new List<double>();
        for (var i = 0; i < Proofs + 100; i++)
        {
            var clock = Stopwatch.StartNew();
            var outcome = await proofs.InclusionAsync(random.NextInt64(1, events + 1), null, null, auditor);
            if (outcome.Proof is null)
                throw new InvalidOperationException($"Inclusion proof refused: {outcome.Refusal?.Message}");
            if (i >= 100)
                inclusion.Add(clock.Elapsed.TotalMilliseconds);

            var a = random.Next(heads!.Count);
            var b = random.Next(heads.Count);
            clock.Restart();
            var consistent = await proofs.ConsistencyAsync(heads[Math.Min(a, b)].Number, heads[Math.Max(a, b)].Number, auditor);
            if (consistent.Proof is null)
                throw new InvalidOperationException($"Consistency proof refused: {consistent.Refusal?.Message}");
            if (i >= 100)
                consistency.Add(clock.Elapsed.TotalMilliseconds);
        }

        Say($"inclusion proof of a random event under the latest head ({Proofs}, built and checked): " +
            $"p50 {Percentile(inclusion, 50):F2} ms  p95 {Percentile(inclusion, 95):F2} ms  p99 {Percentile(inclusion, 99):F2} ms   target p95 < 5 ms");
        Say($"consistency proof between two random heads of {heads!.Count} ({Proofs}):        " +
            $"p50 {Percentile(consistency, 50):F2} ms  p95 {Percentile(consistency, 95):F2} ms  p99 {Percentile(consistency, 99):F2} ms   target p95 < 5 ms");
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static double Percentile(List<double> values, int p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1)];
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Events shaped like the console's (an approval with who, when and a comment), 10 per stream, written with binary
    /// COPY and the sequence moved past them, exactly as if Marten had appended them.
    /// </summary>
    private async Task SeedAsync(int count)
    {
        const int perStream = 10;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // A bulk import of history, as an administrator would restore it: past the append guard, which refuses events
        // dated before the newest (and their sequence numbers are set afterwards).
        await using (var replica = new NpgsqlCommand("set session_replication_role = replica", connection))
            await replica.ExecuteNonQueryAsync();
        var streams = (count + perStream - 1) / perStream;
        var ids = new Guid[streams];
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        await using (var importer = await connection.BeginBinaryImportAsync(
            "copy mt_streams (id, type, version, tenant_id, timestamp, created) from stdin (format binary)"))
        {
            for (var s = 0; s < streams; s++)
            {
                ids[s] = Guid.CreateVersion7();
                await importer.StartRowAsync();
                await importer.WriteAsync(ids[s], NpgsqlDbType.Uuid);
                await importer.WriteAsync("bench_request", NpgsqlDbType.Varchar);
                await importer.WriteAsync((long)Math.Min(perStream, count - (s * perStream)), NpgsqlDbType.Bigint);
                await importer.WriteAsync("*DEFAULT*", NpgsqlDbType.Varchar);
                await importer.WriteAsync(start, NpgsqlDbType.TimestampTz);
                await importer.WriteAsync(start, NpgsqlDbType.TimestampTz);
            }

            await importer.CompleteAsync();
        }

        await using (var importer = await connection.BeginBinaryImportAsync(
            "copy mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type) from stdin (format binary)"))
        {
            for (var i = 0; i < count; i++)
            {
                var stream = ids[i / perStream];
                var at = start.AddSeconds(i * 30L);
                var data = string.Create(CultureInfo.InvariantCulture,
                    $$"""{"RequestId": "{{stream}}", "ApproverId": "approver-{{i % 97}}", "ApproverName": "Approver {{i % 97}} (NOC)", "Group": "NOC approvers", "ContentDigest": "{{i:x8}}{{i * 7919 % 1000003:x8}}", "Comment": "Checked the change window and the rollback plan for request {{i}}; fine to proceed.", "ApprovedAt": "{{at:O}}"}""");
                await importer.StartRowAsync();
                await importer.WriteAsync((long)(i + 1), NpgsqlDbType.Bigint);
                await importer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                await importer.WriteAsync(stream, NpgsqlDbType.Uuid);
                await importer.WriteAsync((long)((i % perStream) + 1), NpgsqlDbType.Bigint);
                await importer.WriteAsync(data, NpgsqlDbType.Jsonb);
                await importer.WriteAsync("approval_granted", NpgsqlDbType.Varchar);
                await importer.WriteAsync(at, NpgsqlDbType.TimestampTz);
                await importer.WriteAsync("*DEFAULT*", NpgsqlDbType.Varchar);
                await importer.WriteAsync("Console.Workflows.Requests.ApprovalGranted, Console.Workflows", NpgsqlDbType.Varchar);
            }

            await importer.CompleteAsync();
        }

        await using var finish = new NpgsqlCommand(
            $"select setval('mt_events_sequence', {count}); analyze mt_events; analyze mt_streams;", connection);
        await finish.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// The physical limit: the same event rows, read by the same query shape, each row's column bytes hashed with
    /// SHA-256, nothing else (no chain, no encoding rules, no comparisons).
    /// </summary>
    private async Task<(long Rows, TimeSpan Elapsed)> RawAsync(long upTo)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select e.seq_id, e.id, e.stream_id, e.version, e.type, e.timestamp, e.tenant_id, e.mt_dotnet_type, e.data::text " +
            "from mt_events e where e.seq_id <= @upTo order by e.seq_id", connection) { CommandTimeout = 0 };
        command.Parameters.AddWithValue("upTo", upTo);
        await using var reader = await command.ExecuteReaderAsync();
        var buffer = new byte[1 << 16];
        var hash = new byte[32];
        long rows = 0;
        while (await reader.ReadAsync())
        {
            var length = 0;
            for (var i = 0; i < reader.FieldCount; i++)
            {
                if (reader.IsDBNull(i))
                    continue;
                length += (int)reader.GetBytes(i, 0, buffer, length, buffer.Length - length);
            }

            SHA256.HashData(buffer.AsSpan(0, length), hash);
            rows++;
        }

        return (rows, clock.Elapsed);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Rate(long count, TimeSpan elapsed) => (count / elapsed.TotalSeconds).ToString("N0", CultureInfo.InvariantCulture);

    private static void Say(string line) => System.Console.Out.WriteLine(line);
}

using System.Buffers.Binary;
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
/// <c>scripts/bench --audit</c>: seeds N events straight into mt_events (binary COPY, as if appended over years), then
/// measures in rounds, each side of a comparison once per round with the order alternating, after a warm-up of both
/// that is not counted: the chain writer with the Merkle tree against the chain alone; the raw rate of streaming the same
/// event rows out of PostgreSQL and SHA-256 hashing their bytes with no verification logic (the baseline) against the full
/// verification (chain entries merged in, canonical encoding, links, checkpoints and their signatures, the Merkle tree
/// and its signed roots, the documents); then inclusion and consistency proof latency. Each run also reports the CPU
/// seconds of this process and of the server. Targets: verification at least 0.9x the raw rate, the tree at most 1.2x
/// the chain's append cost, proofs p95 under 5 ms.
/// </summary>
public sealed class AuditBench(string connectionString, BenchOptions options)
{
    private const int BatchSize = 5000;

    private const long WarmupEntries = 100_000;

    private readonly Dictionary<bool, IReadOnlyList<(string Section, TimeSpan Spent)>> _lastSections = [];

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

            long chained;
            if (options.AuditVerifyOnly)
            {
                chained = await CountAsync("select count(*) from audit_chain");
                if (chained != options.AuditEvents)
                    throw new InvalidOperationException($"--audit-verify-only needs the chain a --keep-database run built; {databaseName} has {chained:N0} chain entries.");
                Say($"verification only: the chain of {chained:N0} entries that an earlier run built");
            }
            else
            {
                chained = await AppendRoundsAsync(database, keys, keyFile);
            }

            await VerificationRoundsAsync(database, verifier, chained);
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

    /// <summary>
    /// The chain writer with the Merkle tree against the chain alone (as before the tree), each run chaining the whole
    /// log from nothing. A warm-up run of each (the first 100,000 entries: JIT, caches) is not counted; then rounds of one
    /// run of each, the order alternating per round, so neither side always runs first or on the warmer cache. The cost
    /// of the tree is the median over rounds of each round's ratio (the two runs of a round see about the same load).
    /// </summary>
    private async Task<long> AppendRoundsAsync(AuditDatabase database, CheckpointKeyring keys, string keyFile)
    {
        Say($"append: the chain writer (EventChainer.StepAsync, batches of {BatchSize}, a signed checkpoint per batch, as one is due every 1,000 entries) over all " +
            $"{options.AuditEvents:N0} events, with the Merkle tree (leaf hashes, stored subtrees, signed roots) and without it (chain only); " +
            $"warm-up {WarmupEntries:N0} entries of each, not counted; {options.AuditRounds} rounds, order alternating");
        var cpu = await CpuMeter.ForServerOfAsync(connectionString);
        foreach (var tree in new[] { true, false })
        {
            await EmptyChainAsync(tree);
            await ChainRunAsync(database, keys, keyFile, tree, WarmupEntries);
        }

        var withTree = new List<double>();
        var chainOnly = new List<double>();
        var ratios = new List<double>();
        long chained = 0;
        for (var round = 1; round <= options.AuditRounds; round++)
        {
            // Odd rounds end with the tree, so that with an odd number of rounds the log verified and proved is the tree's.
            var order = round % 2 == 1 ? new[] { false, true } : [true, false];
            var times = new Dictionary<bool, TimeSpan>();
            var cpus = new Dictionary<bool, (double Client, double Server)>();
            foreach (var tree in order)
            {
                await EmptyChainAsync(tree);
                var ((count, elapsed), used) = await Measured(cpu, () => ChainRunAsync(database, keys, keyFile, tree, long.MaxValue));
                cpus[tree] = used;
                if (count != options.AuditEvents)
                    throw new InvalidOperationException($"The chain writer chained {count:N0} of {options.AuditEvents:N0} events: the figures would be meaningless.");
                chained = count;
                times[tree] = elapsed;
            }

            withTree.Add(times[true].TotalSeconds);
            chainOnly.Add(times[false].TotalSeconds);
            ratios.Add(times[true] / times[false]);
            Say($"round {round} ({(order[0] ? "tree first" : "chain only first")}): with the tree {times[true].TotalSeconds,6:F1} s " +
                $"({Rate(chained, times[true])} entries/s), chain only {times[false].TotalSeconds,6:F1} s ({Rate(chained, times[false])} entries/s), " +
                $"ratio {ratios[^1]:F2}x   CPU s client+server: with the tree {cpus[true].Client:F1}+{cpus[true].Server:F1}, " +
                $"chain only {cpus[false].Client:F1}+{cpus[false].Server:F1}   load {LoadAverage()}");
        }

        foreach (var tree in new[] { true, false })
        {
            Say($"    where the last run {(tree ? "with the tree" : "of the chain only")} spent its time: " +
                string.Join("; ", _lastSections[tree].Select(s => $"{s.Section} {s.Spent.TotalSeconds:F2} s")));
        }

        if (options.AuditRounds % 2 == 0)
        {
            // The last run was chain only: verification and the proofs need the tree (not timed).
            await EmptyChainAsync(tree: true);
            chained = (await ChainRunAsync(database, keys, keyFile, tree: true, long.MaxValue)).Count;
        }

        Say($"with the tree: median {Median(withTree):F1} s, p95 {Percentile(withTree, 95):F1} s;  chain only: median {Median(chainOnly):F1} s, " +
            $"p95 {Percentile(chainOnly, 95):F1} s   (seconds per {chained:N0} entries)");
        Say($"append cost with the tree / chain only, median of {ratios.Count} rounds: {Median(ratios),6:F2}x   " +
            $"(rounds {string.Join(", ", ratios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))}; ratio of medians " +
            $"{Median(withTree) / Median(chainOnly):F2}x)   target <= 1.2x");
        Say("");
        return chained;
    }

    /// <summary>Runs <paramref name="run"/> and gives its result with the CPU seconds it cost this process and the server.</summary>
    private static async Task<(T Result, (double Client, double Server) Cpu)> Measured<T>(CpuMeter cpu, Func<Task<T>> run)
    {
        var before = cpu.Now();
        var result = await run();
        var after = cpu.Now();
        return (result, (after.Client - before.Client, after.Server - before.Server));
    }

    /// <summary>
    /// Each run chains the log from nothing (a reused database holds the last run's chain), and starts just after a
    /// PostgreSQL checkpoint: otherwise one run would pay for the checkpoint the previous run's WAL made due.
    /// </summary>
    /// <remarks>
    /// The chain as it was before the tree had no leaf column to fill in, so no index of entries without a leaf: a chain-only
    /// run does without it (its null leaves would all land in it), a run with the tree has it as the console does.
    /// </remarks>
    private async Task EmptyChainAsync(bool tree)
    {
        await ExecuteAsync("truncate audit_chain, audit_checkpoint, audit_tree");
        await ExecuteAsync(tree
            ? "create index if not exists ix_audit_chain_no_leaf on audit_chain (position) where leaf_hash is null"
            : "drop index if exists ix_audit_chain_no_leaf");
        await ExecuteAsync("checkpoint");
    }

    /// <summary>One run of the chain writer from an empty chain, up to <paramref name="upTo"/> entries.</summary>
    private async Task<(long Count, TimeSpan Elapsed)> ChainRunAsync(AuditDatabase database, CheckpointKeyring keys, string keyFile, bool tree, long upTo)
    {
        var run = new AuditIntegrityOptions
        {
            SigningKeyFile = keyFile, ChainBatchSize = BatchSize, GapSettleTime = TimeSpan.Zero, CheckpointEveryEntries = 1000,
            WithoutMerkleTree = !tree,
            WitnessFolder = Path.Combine(Path.GetTempPath(), $"bench-audit-witness-{Guid.NewGuid():N}"),
        };
        var writer = new EventChainer(database, run, keys, TimeProvider.System, NullLogger<EventChainer>.Instance);
        var result = await ChainAsync(writer, upTo);
        _lastSections[tree] = writer.Sections;
        return result;
    }

    /// <summary>
    /// The raw stream against full verification. A warm-up round of each is not counted; then rounds of one of each,
    /// the order alternating per round. Reported: the median and p95 (nearest rank, the slow end) of each side's rate,
    /// and the median of the rounds' ratios.
    /// </summary>
    private async Task VerificationRoundsAsync(AuditDatabase database, IntegrityVerifier verifier, long chained)
    {
        Say("raw (the target's baseline): one SELECT of the nine chained columns of mt_events (data as data::text) in seq order on one connection, each row's " +
            "column bytes copied into one buffer and hashed once with SHA-256; no chain entries, no checks");
        Say("verification: IntegrityVerifier.VerifyAsync as the console runs it: events and chain entries on two connections sharing one " +
            "snapshot, the canonical encoding, entry hash and Merkle leaf of each event, links, checkpoints and their signatures, the tree " +
            "rebuilt and compared with every stored subtree and signed root, witnessed heads, then every covered document rebuilt and compared; " +
            "one elapsed time from start to report");
        Say($"warm-up: one of each, not counted; {options.AuditRounds} rounds, order alternating");
        var cpu = await CpuMeter.ForServerOfAsync(connectionString);
        await RawAsync(chained);
        await verifier.VerifyAsync();
        var raw = new List<double>();
        var full = new List<double>();
        var rawCopy = new List<double>();
        var ratios = new List<double>();
        VerificationReport? report = null;
        for (var round = 1; round <= options.AuditRounds; round++)
        {
            TimeSpan rawTime = default;
            var rawFirst = round % 2 == 1;
            (double Client, double Server) rawCpu = default;
            if (rawFirst)
                (rawTime, rawCpu) = await Measured(cpu, async () => (await RawAsync(chained)).Elapsed);
            VerificationReport current;
            (current, var fullCpu) = await Measured(cpu, () => verifier.VerifyAsync());
            report = current;
            if (!rawFirst)
                (rawTime, rawCpu) = await Measured(cpu, async () => (await RawAsync(chained)).Elapsed);
            var (copyRows, copyTime) = await RawCopyAsync(chained);
            if (copyRows != chained)
                throw new InvalidOperationException($"The raw COPY read {copyRows:N0} rows, not {chained:N0}.");
            rawCopy.Add(chained / copyTime.TotalSeconds);
            if (!report.Intact || report.EntriesChecked != chained)
                throw new InvalidOperationException($"Verification found the bench's log not intact ({report.FirstBreak?.Kind}, {report.EntriesChecked:N0} entries): the figures would be meaningless.");
            raw.Add(chained / rawTime.TotalSeconds);
            full.Add(report.EntriesChecked / report.Elapsed.TotalSeconds);
            ratios.Add(full[^1] / raw[^1]);
            var documents = Stopwatch.StartNew();
            var documentStage = await new DocumentVerifier(database).VerifyAsync();
            Say($"round {round} ({(rawFirst ? "raw first" : "verification first")}): raw {raw[^1],10:N0} rows/s ({rawTime.TotalSeconds:F2} s)   " +
                $"raw by COPY, log's SHA-256 (after both) {rawCopy[^1],10:N0} rows/s   " +
                $"verification {full[^1],10:N0} rows/s ({report.Elapsed.TotalSeconds:F2} s)   ratio {ratios[^1]:F2}x   " +
                $"CPU s client+server: raw {rawCpu.Client:F1}+{rawCpu.Server:F1}, verification {fullCpu.Client:F1}+{fullCpu.Server:F1}   " +
                $"document stage alone {documents.Elapsed.TotalSeconds:F2} s ({documentStage.DocumentsChecked:N0} documents)   load {LoadAverage()}");
            Say("    verification by stage: " + string.Join("; ", report.Stages.Select(s => $"{s.Name} {s.Elapsed.TotalSeconds:F2} s")));
        }

        Say("");
        Say($"raw stream + SHA-256 of the event rows: median {Median(raw),10:N0} rows/s, p95 {Percentile(raw, 5),10:N0} rows/s (slowest 5%)");
        Say($"full verification:                      median {Median(full),10:N0} rows/s, p95 {Percentile(full, 5),10:N0} rows/s (slowest 5%)   " +
            $"({report!.EntriesChecked:N0} entries, {report.CheckpointsChecked:N0} checkpoints)");
        Say($"stricter reference, the same rows by binary COPY + the log's own SHA-256 call (after both sides each round): median {Median(rawCopy),10:N0} rows/s; " +
            $"verification / it: {Median(full) / Median(rawCopy):F2}x (ratio of medians)");
        Say($"verification / raw, median of {ratios.Count} rounds: {Median(ratios),6:F2}x   (rounds " +
            $"{string.Join(", ", ratios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))}; ratio of medians {Median(full) / Median(raw):F2}x)   target >= 0.9x");
        Say("");
    }

    private static async Task<(long Count, TimeSpan Elapsed)> ChainAsync(EventChainer writer, long upTo)
    {
        var clock = Stopwatch.StartNew();
        long chained = 0;
        while (true)
        {
            var step = await writer.StepAsync();
            chained += step.Appended;
            if (step.Appended == 0 || chained >= upTo)
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

    /// <summary>Nearest rank: the value at or below which <paramref name="p"/> percent of the values lie.</summary>
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

    /// <summary>
    /// A stricter reference than the raw baseline: the same rows by binary COPY (the protocol verification reads events
    /// with), each row's bytes hashed once with the log's own SHA-256 call (OpenSSL's low-level functions where present,
    /// cheaper per call than the baseline's SHA256.HashData). Not the target's baseline; printed beside it.
    /// </summary>
    private async Task<(long Rows, TimeSpan Elapsed)> RawCopyAsync(long upTo)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var copy = await connection.BeginRawBinaryCopyAsync(
            "copy (select e.seq_id, e.id, e.stream_id, e.version, e.type, e.timestamp, e.tenant_id, e.mt_dotnet_type, e.data::text " +
            $"from mt_events e where e.seq_id <= {upTo} order by e.seq_id) to stdout (format binary)");
        var buffer = new byte[1 << 20];
        var hash = new byte[32];
        int start = 0, end = 0;
        long rows = 0;
        var headerSkipped = false;
        while (true)
        {
            var row = headerSkipped ? RowLength(buffer.AsSpan(start, end - start)) : (end >= 19 ? 19 : 0); // header: signature, flags, no extension
            if (row < 0)
                break;
            if (row > 0)
            {
                if (headerSkipped)
                {
                    Console.Workflows.Audit.Integrity.Hashing.Sha256.Hash(buffer.AsSpan(start, row), hash);
                    rows++;
                }

                headerSkipped = true;
                start += row;
                continue;
            }

            buffer.AsSpan(start, end - start).CopyTo(buffer);
            (end, start) = (end - start, 0);
            var read = await copy.ReadAsync(buffer.AsMemory(end), CancellationToken.None);
            if (read == 0)
                throw new InvalidOperationException("The COPY ended inside a row.");
            end += read;
        }

        while (await copy.ReadAsync(buffer.AsMemory(), CancellationToken.None) > 0)
        {
        }

        return (rows, clock.Elapsed);
    }

    /// <summary>One binary COPY row's length (a 16-bit field count, each field's 32-bit length and bytes), 0 when not all there, -1 at the end.</summary>
    private static int RowLength(ReadOnlySpan<byte> input)
    {
        if (input.Length < 2)
            return 0;
        var fields = BinaryPrimitives.ReadInt16BigEndian(input);
        if (fields == -1)
            return -1;
        var at = 2;
        for (var i = 0; i < fields; i++)
        {
            if (input.Length < at + 4)
                return 0;
            at += 4 + Math.Max(0, BinaryPrimitives.ReadInt32BigEndian(input[at..]));
            if (input.Length < at)
                return 0;
        }

        return at;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Rate(long count, TimeSpan elapsed) => (count / elapsed.TotalSeconds).ToString("N0", CultureInfo.InvariantCulture);

    private static void Say(string line) => System.Console.Out.WriteLine(line);
}

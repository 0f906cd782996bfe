using System.Diagnostics;
using System.Globalization;
using Console.Workflows;
using Console.Workflows.Audit.History;
using JasperFx;
using Marten;
using Npgsql;
using NpgsqlTypes;

namespace Console.Bench;

/// <summary>
/// The security history on a realistic million events: rows are bulk-copied straight into the history table (what the
/// daemon subscription would have written over a year), the indexes built once, and then the page query the history
/// page runs (page of 50 plus the capped count, one round trip) is timed through <see cref="IHistoryReader"/> with
/// each single filter, with values drawn from the seeded data as people would pick them.
/// </summary>
public sealed class HistoryBench(string connectionString, BenchOptions options)
{
    private const int Seed = 20260101;

    public static async Task RunAsync(string connectionString, BenchOptions options)
    {
        var bench = new HistoryBench(connectionString, options);
        await using var store = DocumentStore.For(o =>
        {
            o.ConfigureConsoleStore(connectionString);
            o.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
        });
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        var world = new World(new Random(Seed));
        var seeding = Stopwatch.StartNew();
        await bench.SeedAsync(world);
        seeding.Stop();

        var results = await bench.MeasureAsync(new MartenHistoryReader(store), world);
        Print(options, results, seeding.Elapsed);
    }

    /// <summary>COPY without indexes, then build them (what a restore or a first projection would do), then ANALYZE.</summary>
    private async Task SeedAsync(World world)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        var indexes = new List<string>();
        await using (var read = new NpgsqlCommand(
            "select indexname, indexdef from pg_indexes where tablename = @t and indexname like 'ix_history_%'", conn))
        {
            read.Parameters.AddWithValue("t", HistorySchema.EventsTable);
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                indexes.Add(reader.GetString(1));
        }

        foreach (var definition in indexes)
            await Exec(conn, "drop index if exists " + definition.Split(' ')[2]);

        var copy = Stopwatch.StartNew();
        await using (var writer = await conn.BeginBinaryImportAsync(
            $"copy {HistorySchema.EventsTable} (seq, at, event_type, category, actor_id, actor_name, request_id, vnf_id, vnf_name, "
            + "trust_domain_ids, environment_ids, summary, details, stream_id, stream_version) from stdin (format binary)"))
        {
            foreach (var row in world.Rows(options.HistoryRows))
            {
                await writer.StartRowAsync();
                await writer.WriteAsync(row.Seq, NpgsqlDbType.Bigint);
                await writer.WriteAsync(row.At, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(row.EventType, NpgsqlDbType.Text);
                await writer.WriteAsync(row.Category.ToString(), NpgsqlDbType.Text);
                await WriteNullable(writer, row.ActorId, NpgsqlDbType.Text);
                await WriteNullable(writer, row.ActorName, NpgsqlDbType.Text);
                await WriteNullable(writer, row.RequestId, NpgsqlDbType.Uuid);
                await WriteNullable(writer, row.VnfId, NpgsqlDbType.Uuid);
                await WriteNullable(writer, row.VnfName, NpgsqlDbType.Text);
                await writer.WriteAsync(row.TrustDomainIds.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Uuid);
                await writer.WriteAsync(row.EnvironmentIds.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Uuid);
                await writer.WriteAsync(row.Summary, NpgsqlDbType.Text);
                await WriteNullable(writer, row.Details, NpgsqlDbType.Text);
                await writer.WriteAsync(row.StreamId, NpgsqlDbType.Uuid);
                await writer.WriteAsync(row.StreamVersion, NpgsqlDbType.Bigint);
            }

            await writer.CompleteAsync();
        }

        copy.Stop();
        var build = Stopwatch.StartNew();
        await Exec(conn, "set maintenance_work_mem = '512MB'");
        foreach (var definition in indexes)
            await Exec(conn, definition);
        await Exec(conn, $"insert into {HistorySchema.ActorsTable} (actor_id, actor_name, last_at) "
            + $"select actor_id, max(actor_name), max(at) from {HistorySchema.EventsTable} where actor_id is not null group by actor_id");
        await Exec(conn, $"insert into {HistorySchema.EventTypesTable} (event_type, category, last_at) "
            + $"select event_type, min(category), max(at) from {HistorySchema.EventsTable} group by event_type");
        await Exec(conn, $"vacuum analyze {HistorySchema.EventsTable}");
        build.Stop();
        System.Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"seeded {options.HistoryRows:N0} history rows: copy {copy.Elapsed.TotalSeconds:F0} s, {indexes.Count} indexes + analyze {build.Elapsed.TotalSeconds:F0} s"));
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1859", Justification = "Measures the port pages and the API call.")]
    private async Task<IReadOnlyList<Measurement>> MeasureAsync(IHistoryReader reader, World world)
    {
        var random = new Random(Seed + 1);
        var n = options.HistoryQueries;
        var end = world.End;
        var scenarios = new (string Name, Func<HistoryQuery> Next)[]
        {
            ("no filter (newest first)", () => Query(HistoryFilter.None)),
            ("no filter, page 199 (offset 9,950)", () => Query(HistoryFilter.None) with { Page = 199 }),
            ("time range: one day", () =>
            {
                var from = end.AddDays(-random.Next(1, 365));
                return Query(new HistoryFilter(From: from, To: from.AddDays(1)));
            }),
            ("time range: one week, oldest first", () =>
            {
                var from = end.AddDays(-random.Next(7, 365));
                return Query(new HistoryFilter(From: from, To: from.AddDays(7))) with { Descending = false };
            }),
            ("VNF", () => Query(new HistoryFilter(VnfId: world.PickVnf(random).Id))),
            ("trust domain", () => Query(new HistoryFilter(TrustDomainId: world.Domains[random.Next(world.Domains.Length)]))),
            ("environment", () => Query(new HistoryFilter(EnvironmentId: world.Environments[random.Next(world.Environments.Length)].Id))),
            ("actor", () => Query(new HistoryFilter(ActorId: world.PickPerson(random).Id))),
            ("event type", () => Query(new HistoryFilter(EventType: World.Types[random.Next(World.Types.Length)].Name))),
            ("category", () => Query(new HistoryFilter(Category: (HistoryCategory)random.Next(0, 7)))),
            ("request", () => Query(new HistoryFilter(RequestId: world.PickRequest(random)))),
            ("text: one word", () => Query(new HistoryFilter(Text: world.PickWord(random)))),
            ("text: two words", () => Query(new HistoryFilter(Text: world.PickWord(random) + " " + world.PickWord(random)))),
            ("sorted by actor, no filter", () => Query(HistoryFilter.None) with { SortBy = HistorySortField.Actor }),
        };

        var results = new List<Measurement>();
        foreach (var (name, next) in scenarios)
        {
            // Warm-up: plans cached by the server, pages of the indexes in memory as a used system would have them.
            foreach (var query in Enumerable.Range(0, Math.Max(3, n / 10)).Select(_ => next()).ToList())
                await reader.SearchAsync(query);
            var queries = Enumerable.Range(0, n).Select(_ => next()).ToList();
            results.Add(await Measurement.RunAsync(name, queries, 1, async q =>
            {
                await reader.SearchAsync(q);
                return true;
            }));
        }

        return results;
    }

    private static HistoryQuery Query(HistoryFilter filter) => new(filter, PageSize: 50);

    private static void Print(BenchOptions options, IReadOnlyList<Measurement> results, TimeSpan seeding)
    {
        var lines = new List<string>
        {
            "",
            string.Create(CultureInfo.InvariantCulture,
                $"Security history bench: {options.HistoryRows:N0} rows, {options.HistoryQueries} queries per filter, page of 50 with its capped count, "
                + $"{Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC (seeding took {seeding.TotalSeconds:F0} s)"),
            "",
            $"{"filter",-38} {"n",5} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"max ms",8}",
        };
        lines.AddRange(results.Select(m => string.Create(CultureInfo.InvariantCulture,
            $"{m.Name,-38} {m.Count,5} {m.Percentile(50),8:F1} {m.Percentile(95),8:F1} {m.Percentile(99),8:F1} {m.Percentile(100),8:F1}")));
        var worst = results.MaxBy(m => m.Percentile(95))!;
        lines.Add("");
        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"worst single-filter p95: {worst.Percentile(95):F1} ms ({worst.Name})   target < 150 ms"));
        foreach (var line in lines)
            System.Console.Out.WriteLine(line);
    }

    private static Task WriteNullable<T>(NpgsqlBinaryImporter writer, T? value, NpgsqlDbType type)
        where T : class =>
        value is null ? writer.WriteNullAsync() : writer.WriteAsync(value, type);

    private static Task WriteNullable(NpgsqlBinaryImporter writer, Guid? value, NpgsqlDbType type) =>
        value is { } id ? writer.WriteAsync(id, type) : writer.WriteNullAsync();

    private static async Task Exec(NpgsqlConnection conn, string sql)
    {
        await using var command = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// A year of an operator's console: 12 trust domains, 40 environments, 500 VNFs, 300 people acting with very
    /// unequal frequency, requests each followed by approvals and execution steps, sign-ins, refusals, attestations,
    /// and justifications drawn from a vocabulary where a few words are common and most are rare.
    /// </summary>
    private sealed class World
    {
        public static readonly (string Name, HistoryCategory Category, double Weight, Who Who, bool Request)[] Types =
        [
            ("RequestSubmitted", HistoryCategory.Request, 6, Who.Person, true),
            ("RequestAmended", HistoryCategory.Request, 0.5, Who.Person, true),
            ("RequestCancelled", HistoryCategory.Request, 0.4, Who.Person, true),
            ("RequestExpired", HistoryCategory.Request, 0.4, Who.System, true),
            ("ApprovalGranted", HistoryCategory.Approval, 10, Who.Person, true),
            ("RequestApproved", HistoryCategory.Approval, 5, Who.Person, true),
            ("RequestRejected", HistoryCategory.Approval, 0.8, Who.Person, true),
            ("ExecutionStarted", HistoryCategory.Execution, 5, Who.System, true),
            ("TargetAttestationChecked", HistoryCategory.Execution, 5, Who.System, true),
            ("ExecutionCompleted", HistoryCategory.Execution, 4.5, Who.System, true),
            ("ExecutionFailed", HistoryCategory.Execution, 0.5, Who.System, true),
            ("ExecutionRetryRequested", HistoryCategory.Execution, 0.2, Who.Person, true),
            ("SnapshotTaken", HistoryCategory.Snapshot, 3, Who.System, true),
            ("SnapshotDeleted", HistoryCategory.Snapshot, 0.5, Who.System, true),
            ("VnfComponentChanged", HistoryCategory.Inventory, 1, Who.Person, false),
            ("VnfMoved", HistoryCategory.Inventory, 0.3, Who.System, false),
            ("EnvironmentAttestationRecorded", HistoryCategory.Inventory, 10, Who.System, false),
            ("TrustDomainChanged", HistoryCategory.Inventory, 0.05, Who.Person, false),
            ("PolicyRevised", HistoryCategory.Policy, 0.01, Who.Person, false),
            ("SignedIn", HistoryCategory.Access, 40, Who.Person, false),
            ("AccessRefused", HistoryCategory.Access, 3, Who.Person, false),
        ];

        private static readonly string[] Stems =
        [
            "maintenance", "power", "feed", "upgrade", "software", "capacity", "rebalance", "failover", "drill", "certificate",
            "rotation", "kernel", "patch", "firmware", "cooling", "rack", "fibre", "cut", "audit", "regulator", "lawful",
            "interception", "subscriber", "data", "latency", "edge", "move", "consolidation", "decommission", "datacentre",
            "hardware", "refresh", "incident", "outage", "restore", "backup", "retention", "slice", "roaming", "partner",
        ];

        private readonly double[] _typeCumulative;
        private readonly double[] _personCumulative;
        private readonly double[] _vnfCumulative;
        private readonly double[] _wordCumulative;
        private readonly List<Guid> _requests = [];
        private readonly Random _random;

        public World(Random random)
        {
            _random = random;
            Domains = [.. Enumerable.Range(0, 12).Select(_ => Guid.NewGuid())];
            Environments = [.. Enumerable.Range(0, 40).Select(i => (Guid.NewGuid(), Domains[i % Domains.Length]))];
            Vnfs = [.. Enumerable.Range(0, 500).Select(i =>
            {
                var domains = Enumerable.Range(0, 1 + random.Next(3)).Select(_ => Domains[random.Next(Domains.Length)]).Distinct().ToArray();
                return new VnfFacts(Guid.NewGuid(), $"{Kinds[i % Kinds.Length]}-site{i / Kinds.Length:D2}-{i % 7 + 1:D2}",
                    Environments[random.Next(Environments.Length)].Id, domains);
            })];
            People = [.. Enumerable.Range(0, 300).Select(i => ($"user{i:D3}", $"Person {i:D3}"))];
            Words = [.. Stems.Concat(Enumerable.Range(0, 1960).Select(i => $"term{i:D4}"))];
            _typeCumulative = Cumulative(Types.Select(t => t.Weight));
            _personCumulative = Cumulative(People.Select((_, i) => 1.0 / (i + 1)));
            _vnfCumulative = Cumulative(Vnfs.Select((_, i) => 1.0 / Math.Sqrt(i + 1)));
            _wordCumulative = Cumulative(Words.Select((_, i) => 1.0 / (i + 1)));
        }

        private static readonly string[] Kinds = ["amf", "smf", "upf", "udm", "udr", "ausf", "nrf", "pcf", "nssf", "nef", "sepp"];

        public enum Who
        {
            Person,
            System,
        }

        public Guid[] Domains { get; }

        public (Guid Id, Guid Operator)[] Environments { get; }

        public VnfFacts[] Vnfs { get; }

        public (string Id, string Name)[] People { get; }

        public string[] Words { get; }

        public DateTimeOffset End { get; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public VnfFacts PickVnf(Random random) => Vnfs[Pick(_vnfCumulative, random)];

        public (string Id, string Name) PickPerson(Random random) => People[Pick(_personCumulative, random)];

        public string PickWord(Random random) => Words[Pick(_wordCumulative, random)];

        public Guid PickRequest(Random random) => _requests[random.Next(_requests.Count)];

        public IEnumerable<HistoryEntry> Rows(int count)
        {
            var start = End.AddDays(-365);
            var step = TimeSpan.FromDays(365).Ticks / count;
            // The requests still in flight; later events of a request pick one of them.
            var open = new List<(Guid Id, VnfFacts Vnf, Guid Target)>();
            for (long seq = 1; seq <= count; seq++)
            {
                var at = start.AddTicks((seq * step) + _random.NextInt64(step));
                var type = Types[Pick(_typeCumulative, _random)];
                var person = PickPerson(_random);
                var (actorId, actorName) = type.Who == Who.Person ? person : ($"system:{(type.Category == HistoryCategory.Execution ? "execution" : "attestation")}", null);
                Guid? requestId = null;
                VnfFacts? vnf = null;
                Guid[] environments = [];
                Guid[] domains = [];
                if (type.Request)
                {
                    if (type.Name == "RequestSubmitted" || open.Count == 0)
                    {
                        var chosen = PickVnf(_random);
                        open.Add((Guid.NewGuid(), chosen, Environments[_random.Next(Environments.Length)].Id));
                        _requests.Add(open[^1].Id);
                        if (open.Count > 400)
                            open.RemoveAt(0);
                    }

                    var request = type.Name == "RequestSubmitted" ? open[^1] : open[_random.Next(open.Count)];
                    requestId = request.Id;
                    vnf = request.Vnf;
                    environments = [request.Vnf.Home, request.Target];
                    domains = request.Vnf.Domains;
                }
                else if (type.Name is "VnfComponentChanged" or "VnfMoved" || (type.Name == "AccessRefused" && _random.Next(2) == 0))
                {
                    vnf = PickVnf(_random);
                    environments = [vnf.Home];
                    domains = vnf.Domains;
                }
                else if (type.Name == "EnvironmentAttestationRecorded")
                {
                    var environment = Environments[_random.Next(Environments.Length)];
                    environments = [environment.Id];
                    domains = [environment.Operator];
                }

                var details = type.Name is "RequestSubmitted" or "RequestAmended" or "RequestRejected" or "RequestCancelled"
                    or "ApprovalGranted" or "AccessRefused" or "ExecutionFailed" or "PolicyRevised"
                    ? string.Join(' ', Enumerable.Range(0, 4 + _random.Next(8)).Select(_ => PickWord(_random)))
                    : null;
                var summary = $"{type.Name} {(vnf is null ? "" : "of " + vnf.Name)} by {actorName ?? actorId}";
                yield return new HistoryEntry(
                    seq, at, type.Name, type.Category, actorId, actorName, requestId, vnf?.Id, vnf?.Name,
                    [.. domains.Distinct()], [.. environments.Distinct()], summary, details, requestId ?? Guid.NewGuid(), 1);
            }
        }

        private static double[] Cumulative(IEnumerable<double> weights)
        {
            var sum = 0.0;
            var cumulative = weights.Select(w => sum += w).ToArray();
            return [.. cumulative.Select(c => c / sum)];
        }

        private static int Pick(double[] cumulative, Random random)
        {
            var index = Array.BinarySearch(cumulative, random.NextDouble());
            return Math.Min(index < 0 ? ~index : index, cumulative.Length - 1);
        }
    }

    private sealed record VnfFacts(Guid Id, string Name, Guid Home, Guid[] Domains);
}

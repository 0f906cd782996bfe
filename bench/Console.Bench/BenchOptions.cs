namespace Console.Bench;

public sealed record BenchOptions(int Requests, int Concurrency, int Warmup, bool KeepDatabase, int? ExecutionParallelism)
{
    /// <summary>Run the security history bench (<see cref="HistoryBench"/>) instead of the workflow bench.</summary>
    public bool History { get; init; }

    public int HistoryRows { get; init; } = 1_000_000;

    public int HistoryQueries { get; init; } = 100;
    /// <summary>Run the dashboard bench (<see cref="DashboardBench"/>) instead of the workflow bench.</summary>
    public bool Dashboards { get; init; }

    public int Vnfs { get; init; } = 100_000;

    public int Snapshots { get; init; } = 1_000_000;

    /// <summary>--iterations N: calls of each dashboard query, each way (reader and hand-written statement), after the warm-up.</summary>
    public int DashboardIterations { get; init; } = 1000;

    public int DashboardWarmup { get; init; } = 50;

    /// <summary>The dashboard queries' calls come in this many rounds over all queries, so a slow spell of the machine falls on every query.</summary>
    public int DashboardRounds { get; init; } = 5;

    /// <summary>
    /// --reuse-database NAME: measure the dashboards again on a database an earlier <c>--keep-database</c> run seeded
    /// (seeding 10,000,000 snapshots takes minutes); the database is kept.
    /// </summary>
    public string? ReuseDatabase { get; init; }

    /// <summary>
    /// --operation-ms N: how long each simulated NFV operation takes (0: instant, so executions compete for the CPU
    /// flat out while approvals are measured; a real snapshot takes seconds).
    /// </summary>
    public int OperationMilliseconds { get; init; }

    /// <summary>
    /// --wakeups N: requests approved one at a time on an idle execution queue, timing approval to execution start
    /// (100; 0 skips it).
    /// </summary>
    public int Wakeups { get; init; } = 100;

    /// <summary>
    /// --cluster: click-to-other-screen latency across two console nodes on one database (<see cref="ClusterBench"/>)
    /// instead of the workflow bench.
    /// </summary>
    public bool Cluster { get; init; }

    /// <summary>--clicks N: approvals on node A whose arrival on node B's open request page is timed (200).</summary>
    public int Clicks { get; init; } = 200;

    /// <summary>--audit: the tamper-evident log's bench (AuditBench) instead of the workflow's.</summary>
    public bool Audit { get; init; }

    /// <summary>--audit-events N: events seeded for the audit bench (1,000,000).</summary>
    public int AuditEvents { get; init; } = 1_000_000;

    /// <summary>
    /// --audit-verify-only (with --reuse-database): only the raw rate against full verification, on the chain a
    /// --keep-database run built; the chain writer and the proofs are not measured again.
    /// </summary>
    public bool AuditVerifyOnly { get; init; }

    /// <summary>--audit-rounds N: counted rounds of each audit comparison (5), after a warm-up round that is not counted.</summary>
    public int AuditRounds { get; init; } = 5;

    /// <summary>--trust: the key-encryption keys' bench (TrustBench), file KEKs beside HSM KEKs; no database.</summary>
    public bool Trust { get; init; }

    /// <summary>--trust-keys N: data keys wrapped, unwrapped and destroyed per provider (2,000).</summary>
    public int TrustKeys { get; init; } = 2000;

    /// <summary>--trust-quotes N: tpm2_quote round trips to the bench's software TPM (200); their quotes are then verified.</summary>
    public int TrustQuotes { get; init; } = 200;

    /// <summary>--lab: the console on the QEMU lab (LabBench): its migration beside a raw QMP migration of the same machine, snapshots.</summary>
    public bool Lab { get; init; }

    /// <summary>--lab-rounds N: counted rounds of the lab bench (3), each one console migration and two raw ones, after a warm-up round.</summary>
    public int LabRounds { get; init; } = 8;

    public static BenchOptions Parse(string[] args)
    {
        var requests = 2000;
        var concurrency = 8;
        var warmup = 200;
        var keep = false;
        int? executionParallelism = null;
        var history = false;
        var historyRows = 1_000_000;
        var historyQueries = 100;
        var dashboards = new BenchOptions(0, 0, 0, false, null);
        string? reuse = null;
        var audit = false;
        var auditEvents = 1_000_000;
        var auditVerifyOnly = false;
        var auditRounds = 5;
        var operationMilliseconds = 0;
        var wakeups = 100;
        var trust = false;
        var trustKeys = 2000;
        var trustQuotes = 200;
        var lab = false;
        var labRounds = 8;
        var cluster = false;
        var clicks = 200;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--requests": requests = int.Parse(args[++i]); break;
                case "--concurrency": concurrency = int.Parse(args[++i]); break;
                case "--warmup": warmup = int.Parse(args[++i]); break;
                case "--keep-database": keep = true; break;
                case "--execution-parallelism": executionParallelism = int.Parse(args[++i]); break;
                case "--operation-ms": operationMilliseconds = int.Parse(args[++i]); break;
                case "--wakeups": wakeups = int.Parse(args[++i]); break;
                case "--history": history = true; break;
                case "--history-rows": historyRows = int.Parse(args[++i]); break;
                case "--history-queries": historyQueries = int.Parse(args[++i]); break;
                case "--dashboards": dashboards = dashboards with { Dashboards = true }; break;
                case "--vnfs": dashboards = dashboards with { Vnfs = int.Parse(args[++i]) }; break;
                case "--snapshots": dashboards = dashboards with { Snapshots = int.Parse(args[++i]) }; break;
                case "--iterations": dashboards = dashboards with { DashboardIterations = int.Parse(args[++i]) }; break;
                case "--reuse-database": reuse = args[++i]; keep = true; break;
                case "--audit": audit = true; break;
                case "--audit-events": auditEvents = int.Parse(args[++i]); audit = true; break;
                case "--audit-verify-only": auditVerifyOnly = true; audit = true; break;
                case "--audit-rounds": auditRounds = Math.Max(1, int.Parse(args[++i])); audit = true; break;
                case "--cluster": cluster = true; break;
                case "--clicks": clicks = int.Parse(args[++i]); cluster = true; break;
                case "--trust": trust = true; break;
                case "--trust-keys": trustKeys = int.Parse(args[++i]); trust = true; break;
                case "--trust-quotes": trustQuotes = int.Parse(args[++i]); trust = true; break;
                case "--lab": lab = true; break;
                case "--lab-rounds": labRounds = Math.Max(1, int.Parse(args[++i])); lab = true; break;
                default: throw new ArgumentException($"unknown option {args[i]} (--requests N, --concurrency N, --warmup N, --execution-parallelism N, --operation-ms N, --wakeups N, --keep-database; --history [--history-rows N] [--history-queries N]; --dashboards [--vnfs N] [--snapshots N] [--iterations N] [--reuse-database NAME]; --audit [--audit-events N] [--keep-database | --reuse-database NAME [--audit-verify-only]] [--audit-rounds N]; --trust [--trust-keys N] [--trust-quotes N] [--concurrency N]; --lab [--lab-rounds N]; --cluster [--clicks N] [--operation-ms N])");
            }
        }

        return new BenchOptions(requests, concurrency, warmup, keep, executionParallelism)
        {
            History = history,
            HistoryRows = historyRows,
            HistoryQueries = historyQueries,
            Dashboards = dashboards.Dashboards,
            Vnfs = dashboards.Vnfs,
            Snapshots = dashboards.Snapshots,
            DashboardIterations = dashboards.DashboardIterations,
            ReuseDatabase = reuse,
            Audit = audit,
            AuditEvents = auditEvents,
            AuditVerifyOnly = auditVerifyOnly,
            AuditRounds = auditRounds,
            OperationMilliseconds = operationMilliseconds,
            Wakeups = wakeups,
            Trust = trust,
            TrustKeys = trustKeys,
            TrustQuotes = trustQuotes,
            Lab = lab,
            LabRounds = labRounds,
            Cluster = cluster,
            Clicks = clicks,
        };
    }
}

namespace Console.Bench;

public sealed record BenchOptions(int Requests, int Concurrency, int Warmup, bool KeepDatabase, int? ExecutionParallelism)
{
    /// <summary>--audit: the tamper-evident log's bench (AuditBench) instead of the workflow's.</summary>
    public bool Audit { get; init; }

    /// <summary>--audit-events N: events seeded for the audit bench (1,000,000).</summary>
    public int AuditEvents { get; init; } = 1_000_000;

    public static BenchOptions Parse(string[] args)
    {
        var requests = 2000;
        var concurrency = 8;
        var warmup = 200;
        var keep = false;
        int? executionParallelism = null;
        var audit = false;
        var auditEvents = 1_000_000;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--requests": requests = int.Parse(args[++i]); break;
                case "--concurrency": concurrency = int.Parse(args[++i]); break;
                case "--warmup": warmup = int.Parse(args[++i]); break;
                case "--keep-database": keep = true; break;
                case "--execution-parallelism": executionParallelism = int.Parse(args[++i]); break;
                case "--audit": audit = true; break;
                case "--audit-events": auditEvents = int.Parse(args[++i]); audit = true; break;
                default: throw new ArgumentException($"unknown option {args[i]} (--requests N, --concurrency N, --warmup N, --execution-parallelism N, --keep-database, --audit, --audit-events N)");
            }
        }

        return new BenchOptions(requests, concurrency, warmup, keep, executionParallelism) { Audit = audit, AuditEvents = auditEvents };
    }
}

namespace Console.Bench;

public sealed record BenchOptions(int Requests, int Concurrency, int Warmup, bool KeepDatabase, int? ExecutionParallelism)
{
    public static BenchOptions Parse(string[] args)
    {
        var requests = 2000;
        var concurrency = 8;
        var warmup = 200;
        var keep = false;
        int? executionParallelism = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--requests": requests = int.Parse(args[++i]); break;
                case "--concurrency": concurrency = int.Parse(args[++i]); break;
                case "--warmup": warmup = int.Parse(args[++i]); break;
                case "--keep-database": keep = true; break;
                case "--execution-parallelism": executionParallelism = int.Parse(args[++i]); break;
                default: throw new ArgumentException($"unknown option {args[i]} (--requests N, --concurrency N, --warmup N, --execution-parallelism N, --keep-database)");
            }
        }

        return new BenchOptions(requests, concurrency, warmup, keep, executionParallelism);
    }
}

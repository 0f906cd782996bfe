using System.Globalization;

namespace Console.Bench.Chaos;

/// <summary>
/// What the campaign found, from the database once everything settled: the requests' states, the events each request
/// stream holds, and the simulator's operation journal (every start and every performance, with the node).
/// </summary>
public sealed record ChaosReport(
    ChaosOptions Options,
    TimeSpan Wall,
    int Submitted,
    IReadOnlyDictionary<string, int> ByStatus,
    IReadOnlyList<(Guid Id, string Reason)> Failed,
    IReadOnlyList<Guid> Lost,
    IReadOnlyList<Guid> Stuck,
    IReadOnlyList<Guid> OperationsPerformedTwice,
    IReadOnlyList<Guid> CompletedTwice,
    IReadOnlyList<Guid> SnapshotsTwice,
    IReadOnlyList<Guid> MoreThanOneAttempt,
    IReadOnlyList<Recovery> Recoveries,
    int Kills,
    DateTimeOffset? DatabaseRestartedAt,
    TimeSpan DatabaseDownFor)
{
    private static readonly TimeSpan ResumeTarget = TimeSpan.FromSeconds(30);

    public bool TargetsMet => Lost.Count == 0 && Stuck.Count == 0 && OperationsPerformedTwice.Count == 0 && CompletedTwice.Count == 0
        && SnapshotsTwice.Count == 0 && Recoveries.All(r => r.After is { } after && after <= ResumeTarget);

    public static async Task<ChaosReport> GatherAsync(
        ChaosEnvironment db, List<Guid> requestList, IReadOnlyList<Kill> kills, IReadOnlyList<ConsoleNode> nodes,
        DateTimeOffset? databaseRestartedAt, TimeSpan databaseDownFor, ChaosOptions options, TimeSpan wall)
    {
        // Every request in the database, not only those the campaign heard back about: one whose answer was lost counts too.
        Guid[] tracked;
        lock (requestList)
            tracked = [.. requestList];
        Guid[] requests = [.. tracked.Union(await db.AllRequestsAsync())];

        var status = new Dictionary<Guid, string>();
        await foreach (var (id, s) in db.QueryAsync("select id, data ->> 'Status' from mt_doc_changerequest where id = any(@ids)",
                           r => (r.GetGuid(0), r.GetString(1)), ("ids", requests)))
            status[id] = s;

        // Per request: how many of each event its stream holds.
        var counts = new Dictionary<(Guid, string), int>();
        await foreach (var (id, type, n) in db.QueryAsync(
                           "select stream_id, type, count(*) from mt_events where stream_id = any(@ids) group by stream_id, type",
                           r => (r.GetGuid(0), r.GetString(1), r.GetInt64(2)), ("ids", requests)))
            counts[(id, type)] = (int)n;
        int Count(Guid id, string type) => counts.GetValueOrDefault((id, type));

        var failed = new List<(Guid, string)>();
        await foreach (var row in db.QueryAsync(
                           "select stream_id, data ->> 'Reason' from mt_events where stream_id = any(@ids) and type = 'execution_failed'",
                           r => (r.GetGuid(0), r.GetString(1)), ("ids", requests)))
            failed.Add(row);

        var snapshotsTwice = new List<Guid>();
        await foreach (var id in db.QueryAsync(
                           "select (data ->> 'RequestId')::uuid from mt_events where type = 'snapshot_taken' and (data ->> 'RequestId')::uuid = any(@ids) group by 1 having count(*) > 1",
                           r => r.GetGuid(0), ("ids", requests)))
            snapshotsTwice.Add(id);

        var performedTwice = new List<Guid>();
        await foreach (var id in db.QueryAsync(
                           "select (data ->> 'OperationId')::uuid from mt_doc_nfv_sim_operation_log where data ->> 'Phase' = 'Performed' group by 1 having count(*) > 1",
                           r => r.GetGuid(0)))
            performedTwice.Add(id);

        // Each kill's interrupted operations: resumed when any node next starts (or performs) the same operation id.
        var journal = new List<(Guid Operation, string Phase, string Node, DateTimeOffset At)>();
        await foreach (var row in db.QueryAsync(
                           "select (data ->> 'OperationId')::uuid, data ->> 'Phase', data ->> 'Node', (data ->> 'At')::timestamptz from mt_doc_nfv_sim_operation_log",
                           r => (r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3))))
            journal.Add(row);
        var recoveries = new List<Recovery>();
        foreach (var kill in kills)
        {
            foreach (var operation in kill.InFlight)
            {
                var next = journal.Where(j => j.Operation == operation && j.At > kill.At).OrderBy(j => j.At).FirstOrDefault();
                recoveries.Add(new Recovery(kill.Number, kill.Node, operation, next.Node is null ? null : next.At - kill.At, next.Node));
            }
        }

        var approved = requests.Where(id => Count(id, "request_approved") > 0).ToList();
        return new ChaosReport(
            options, wall, requests.Length,
            status.Values.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count()),
            failed,
            Lost: [.. approved.Where(id => Count(id, "execution_completed") == 0 && Count(id, "execution_failed") == 0)],
            Stuck: [.. requests.Where(id => !ChaosEnvironment.Final(status.GetValueOrDefault(id)))],
            OperationsPerformedTwice: performedTwice,
            CompletedTwice: [.. requests.Where(id => Count(id, "execution_completed") > 1)],
            SnapshotsTwice: snapshotsTwice,
            MoreThanOneAttempt: [.. requests.Where(id => Count(id, "execution_started") > 1)],
            recoveries, kills.Count, databaseRestartedAt, databaseDownFor);
    }

    public void Print()
    {
        var w = System.Console.Out;
        w.WriteLine();
        w.WriteLine($"Crash campaign: {Options.Nodes} nodes, {Kills} SIGKILLs, operations {Options.OperationMinMs / 1000}-{Options.OperationMaxMs / 1000} s, "
            + $"seed {Options.Seed}, {Wall:hh\\:mm\\:ss} wall");
        w.WriteLine(DatabaseRestartedAt is { } restarted
            ? $"PostgreSQL restarted once at {restarted:HH:mm:ss} (down and back in {DatabaseDownFor.TotalSeconds:0.0} s)"
            : "PostgreSQL not restarted");
        w.WriteLine($"Requests submitted and approved: {Submitted}; final states: "
            + string.Join(", ", ByStatus.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} {s.Value}")));
        w.WriteLine();
        Line(w, "lost executions (approved, never completed nor failed)", Lost.Count, "0");
        Line(w, "duplicated: infrastructure operations performed twice", OperationsPerformedTwice.Count, "0");
        Line(w, "duplicated: requests completed twice", CompletedTwice.Count, "0");
        Line(w, "duplicated: snapshots taken twice for one request", SnapshotsTwice.Count, "0");
        Line(w, "requests stuck in a non-final state", Stuck.Count, "0");
        Line(w, "executions failed (final, with a reason; listed below)", Failed.Count, "-");
        Line(w, "requests executed in more than one attempt", MoreThanOneAttempt.Count, "-");
        w.WriteLine();
        w.WriteLine("Time to resume in-flight work after a kill (from the SIGKILL to the operation's next start on any node):");
        w.WriteLine($"  {"node",-6} {"kills",6} {"interrupted ops",16} {"resumed",8} {"p50 s",7} {"max s",7} {"not resumed",12}   target: within 30 s");
        foreach (var node in Recoveries.GroupBy(r => r.Node).OrderBy(g => g.Key))
        {
            var times = node.Where(r => r.After is not null).Select(r => r.After!.Value.TotalSeconds).Order().ToList();
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {node.Key,-6} {node.Select(r => r.Kill).Distinct().Count(),6} {node.Count(),16} {times.Count,8} {Percentile(times, 0.5),7:0.0} {(times.Count > 0 ? times[^1] : 0),7:0.0} {node.Count(r => r.After is null),12}"));
        }

        if (Recoveries.Count == 0)
            w.WriteLine("  (no kill interrupted an operation)");
        foreach (var (id, reason) in Failed.Take(10))
            w.WriteLine($"  failed {id}: {reason}");
        foreach (var id in Stuck.Take(10))
            w.WriteLine($"  stuck {id}");
        w.WriteLine();
        w.WriteLine(TargetsMet ? "Targets met: 0 lost, 0 duplicated, 0 stuck, every interrupted operation resumed within 30 s."
            : "TARGETS MISSED: see the lines above.");
    }

    private static void Line(TextWriter w, string what, int value, string target) =>
        w.WriteLine($"  {what,-58} {value,6}   target {target}");

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}

/// <summary>One operation a kill interrupted, and how long until a node started it again (null: never).</summary>
public sealed record Recovery(int Kill, int Node, Guid Operation, TimeSpan? After, string? ResumedBy);

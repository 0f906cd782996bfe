using System.Globalization;

namespace Console.Bench;

public static class Report
{
    public static void Print(BenchOptions options, WorkflowResults r)
    {
        var lines = new List<string>
        {
            "",
            $"Approval workflow bench: {options.Requests} requests, {options.Concurrency} concurrent callers, " +
            $"{Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, simulated NFV operations take " +
            $"{options.OperationMilliseconds} ms",
            "",
            $"{"scenario",-40} {"n",6} {"ops/s",8} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"max ms",9} {">1 s",6} {"refused",8}",
        };
        foreach (var m in new[] { r.Submit, r.ApprovePartial, r.ApproveCompleting, r.BareOneEvent, r.BareTwoEvents })
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{m.Name,-40} {m.Count,6} {m.PerSecond,8:F0} {m.Percentile(50),8:F2} {m.Percentile(95),8:F2} {m.Percentile(99),8:F2} {m.Max,9:F0} {m.Over(1000),6} {m.Failures,8}"));
        }

        var approvals = r.ApprovePartial.Count + r.ApproveCompleting.Count;
        var approvalSeconds = r.ApprovePartial.Wall.TotalSeconds + r.ApproveCompleting.Wall.TotalSeconds;
        var ratioPartial = r.ApprovePartial.Percentile(50) / r.BareOneEvent.Percentile(50);
        var ratioCompleting = r.ApproveCompleting.Percentile(50) / r.BareTwoEvents.Percentile(50);
        var p95 = Math.Max(r.ApprovePartial.Percentile(95), r.ApproveCompleting.Percentile(95));
        lines.Add("");
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"approval throughput (both kinds): {approvals / approvalSeconds:F0}/s   target >= 300/s"));
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"approval p95 (worse kind):        {p95:F2} ms   target < 25 ms"));
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"approval / bare append (p50):     {ratioPartial:F2}x (1 event), {ratioCompleting:F2}x (2 events + execution message)   target <= 3x"));
        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"executions beside the approvals:   {r.ExecutedDuringApprovals} finished while the second round ran, the warm-up's included ({r.ExecutedDuringApprovals / r.ApproveCompleting.Wall.TotalSeconds:F0}/s)"));
        lines.Add(options.OperationMilliseconds == 0
            ? string.Create(CultureInfo.InvariantCulture,
                $"executions drained in:            {r.ExecutionDrain.TotalSeconds:F1} s after the last approval; end to end {r.Submit.Count / r.EndToEnd.TotalSeconds:F0} requests/s (submitted, approved twice, executed: {r.EndToEnd.TotalSeconds:F1} s)")
            : "executions:                       still running at the end (not waited for; each operation takes " + options.OperationMilliseconds + " ms)");
        if (r.ApprovalSpend is { } approvalSpend)
            lines.Add($"spent per approval:               {approvalSpend.Per(approvals)} (both rounds, with whatever ran beside them)");
        if (r.RequestSpend is { } requestSpend)
            lines.Add($"spent per request:                {requestSpend.Per(r.Submit.Count)} (submission, two approvals, execution)");
        if (r.Wakeup is { } wakeup)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"approval to execution start:      p50 {wakeup.Percentile(50):F0} ms, p95 {wakeup.Percentile(95):F0} ms, max {wakeup.Max:F0} ms over {wakeup.Count} requests approved one at a time   target p95 < 200 ms"));
        }

        foreach (var line in lines)
        {
            System.Console.Out.WriteLine(line);
        }
    }
}

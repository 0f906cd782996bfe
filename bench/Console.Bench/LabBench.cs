using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Console.Nfv.Qemu;
using Console.Nfv.Qemu.Lab;
using Console.Nfv.Qemu.Migrating;
using Console.Nfv.Qemu.Snapshots;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Nfv;
using Console.Workflows.Requests;
using Console.Workflows.Snapshots;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Console.Bench;

/// <summary>
/// scripts/bench --lab: the console on the QEMU lab. One VNF (<see cref="VnfName"/>) runs as a real machine on the host
/// of Frankfurt Core DC A; each round the console migrates it to the other host (a request, two approvals, the
/// workflow's attestation, sealing and epoch, QEMU's TLS migration), then the same machine is migrated out and back
/// by hand through the same QMP calls the lab adapter makes (start the target waiting for its state, TLS migrate, end
/// the source), so it ends where the console put it. Then a memory snapshot through the console beside one taken by
/// hand on the same machine. The first round warms up and is not counted.
/// </summary>
public sealed class LabBench(IServiceProvider services, IDocumentStore store, BenchOptions options)
{
    public const string VnfName = "nrf-fra-01";
    private const string DcA = "Frankfurt Core DC A";
    private const string Munich = "Munich Regional Cluster";

    private static readonly Actor Operator =
        new("operator", "Olivia Operator (NOC)", new HashSet<string> { Roles.NocOperator }) { Groups = new HashSet<string> { "noc-operations" } };

    // nrf-fra-01 holds a Sensitive component: two NOC approvers. The bench's people have no built-in account: step-up
    // judges them by their sign-in, which was just now.
    private static readonly Actor[] Approvers =
    [
        new("approver", "Arjun Approver (NOC)", new HashSet<string> { Roles.NocApprover }) { Groups = new HashSet<string> { "noc-core" } },
        new("approver2", "Beatriz Approver (NOC)", new HashSet<string> { Roles.NocApprover }) { Groups = new HashSet<string> { "noc-core", "noc-interconnect" } },
    ];

    /// <summary>
    /// The lab's settings: DC A and Munich as two hosts with certificates from the console's CA, the guest that
    /// infra/lab/guest.sh built (scripts/bench exports its Nfv__Lab__* lines). Reconciliation is not run: the hand-made
    /// migrations below are exactly what it exists to report, and its alerts are not what is measured.
    /// </summary>
    public static Dictionary<string, string?> Settings(string folder)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Nfv:Infrastructure"] = "Lab",
            ["Nfv:Lab:Folder"] = folder,
            ["Nfv:Lab:Hosts:0:Environment"] = DcA,
            ["Nfv:Lab:Hosts:0:Name"] = "lab-a",
            ["Nfv:Lab:Hosts:1:Environment"] = Munich,
            ["Nfv:Lab:Hosts:1:Name"] = "lab-munich",
            ["Nfv:Lab:ReconcileSeconds"] = "86400",
            // Booted by the bench once the inventory is seeded (the same call Nfv:Lab:Deploy makes at start-up).
            ["Nfv:Lab:Deploy"] = VnfName,
        };
        foreach (var name in new[] { "Qemu", "Guest__Kernel", "Guest__Initrd" })
            settings["Nfv:Lab:" + name.Replace("__", ":", StringComparison.Ordinal)] = Environment.GetEnvironmentVariable("Nfv__Lab__" + name)
                ?? throw new InvalidOperationException($"Nfv__Lab__{name} is not set: run scripts/bench --lab, which builds the guest (infra/lab/guest.sh ensure).");
        return settings;
    }

    public async Task RunAsync()
    {
        var fleet = services.GetRequiredService<LabFleet>();
        var infrastructure = services.GetRequiredService<INfvInfrastructure>();
        Guid vnf, dcA, munich;
        await using (var query = store.QuerySession())
        {
            vnf = (await query.Query<Vnf>().SingleAsync(v => v.Name == VnfName)).Id;
            dcA = (await query.Query<ExecutionEnvironment>().SingleAsync(e => e.Name == DcA)).Id;
            munich = (await query.Query<ExecutionEnvironment>().SingleAsync(e => e.Name == Munich)).Id;
        }

        // The machine boots and counts before anything is timed.
        await infrastructure.InitialInstanceAsync(vnf, CancellationToken.None);
        var slot = fleet.Slot(vnf);
        await Until(() => slot.Machine?.LastCounter() is not null, "the guest to count", TimeSpan.FromMinutes(2));
        System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Lab bench: {VnfName} as a {fleet.Guest.MemoryMiB} MiB QEMU guest ({fleet.Guest.Accelerator}) on lab-a and lab-munich, {options.LabRounds} counted rounds after 1 warm-up, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));

        var console = new List<ConsoleMigration>();
        var raw = new List<MigrationOutcome>();
        var rawWall = new List<TimeSpan>();
        for (var round = 0; round <= options.LabRounds; round++)
        {
            var host = slot.Machine!.Host.Name;
            var target = host == "lab-a" ? munich : dcA;
            var migrated = await ConsoleMigrationAsync(vnf, target);
            var there = slot.Machine!.Host;
            var back = fleet.Hosts.Single(h => h.Host != there).Host;
            var outward = await RawMigrationAsync(fleet, slot, back);
            var homeward = await RawMigrationAsync(fleet, slot, there);
            if (round == 0)
                continue;
            console.Add(migrated);
            raw.AddRange([outward.Outcome, homeward.Outcome]);
            rawWall.AddRange([outward.Wall, homeward.Wall]);
        }

        var (snapshotWall, snapshotSize) = await ConsoleSnapshotAsync(vnf);
        var rawSnapshot = await RawSnapshotAsync(fleet, slot);

        var consoleWall = Median(console.Select(c => c.Wall));
        var rawMedian = Median(rawWall);
        var rows = new List<string>
        {
            "",
            $"{"what",-52} {"n",3} {"median",10} {"min",10} {"max",10}",
            Row("console migration, quorum approval to completed", console.Select(c => c.Wall)),
            Row("  approval to execution start (durable hand-over)", console.Select(c => c.Handover)),
            Row("  execution start to the lab's migration recorded", console.Select(c => c.UntilMoved)),
            Row("  migration recorded to completed (unseal, events)", console.Select(c => c.AfterMoved)),
            Row("raw QMP migration: start target, TLS migrate, end", rawWall),
            Row("QEMU's migration stream, console", console.Select(c => c.Migrate)),
            Row("QEMU's migration stream, raw", raw.Select(r => r.Total)),
            Row("console migration downtime", console.Select(c => c.Downtime)),
            Row("raw migration downtime", raw.Select(r => r.Downtime)),
            Row("console snapshot, quorum approval to completed", [snapshotWall]),
            Row("raw QMP memory snapshot (encrypted file)", [rawSnapshot.Took]),
            "",
            string.Create(CultureInfo.InvariantCulture,
                $"console / raw migration wall time (medians): {consoleWall.TotalMilliseconds / rawMedian.TotalMilliseconds:0.00}x   target <= 1.2x"),
            string.Create(CultureInfo.InvariantCulture,
                $"migrated per move: console {Median(console.Select(c => c.Bytes)) / 1048576.0:0.0} MiB, raw {Median(raw.Select(r => r.TransferredBytes)) / 1048576.0:0.0} MiB"),
            string.Create(CultureInfo.InvariantCulture,
                $"snapshot file: console {snapshotSize:N0} bytes, raw {rawSnapshot.SizeBytes:N0} bytes ({rawSnapshot.StateBytes:N0} bytes of state)"),
        };
        foreach (var line in rows)
            System.Console.WriteLine(line);
    }

    /// <summary>
    /// One console migration: the whole, and its parts by the workflow's own timestamps: the hand-over from the approval
    /// to the execution, the execution up to the lab's migration recorded (attestation, sealing, target start, stream),
    /// and the rest (unseal on the new epoch, the completion's events).
    /// </summary>
    private sealed record ConsoleMigration(
        TimeSpan Wall, TimeSpan Handover, TimeSpan UntilMoved, TimeSpan AfterMoved, TimeSpan Migrate, TimeSpan Downtime, long Bytes);

    /// <summary>A migration request, approved by two people; timed from the approval that completes the quorum to the completion, as the workflow recorded them.</summary>
    private async Task<ConsoleMigration> ConsoleMigrationAsync(Guid vnf, Guid target)
    {
        var id = await SubmitApprovedAsync(new SubmitRequest(RequestKind.Migration, vnf, [], target, null, "Bench: live migration between lab hosts.", null));
        var (approved, completed, request) = await WaitForAsync(id);
        await using var query = store.QuerySession();
        var operation = (await query.Query<LabOperation>().Where(o => o.Kind == "Migration" && o.VnfId == vnf).ToListAsync())
            .OrderByDescending(o => o.CompletedAt).First();
        var started = (await query.Events.FetchStreamAsync(id)).Select(e => e.Data).OfType<ExecutionStarted>().Last();
        return new ConsoleMigration(completed.At - approved.At, started.At - approved.At, operation.CompletedAt - started.At,
            completed.At - operation.CompletedAt, TimeSpan.FromMilliseconds(operation.TotalMilliseconds ?? 0),
            request.MeasuredDowntime ?? throw new InvalidOperationException($"Request {id} recorded no downtime."), operation.TransferredBytes ?? 0);
    }

    /// <summary>What the lab adapter does for one machine, without the workflow: the target waits for its state, TLS migration, the source ends.</summary>
    private static async Task<(MigrationOutcome Outcome, TimeSpan Wall)> RawMigrationAsync(LabFleet fleet, LabSlot slot, QemuHost target)
    {
        var clock = Stopwatch.StartNew();
        var incoming = await fleet.StartAsync(target, slot, incoming: true, CancellationToken.None);
        var outcome = await LiveMigration.MigrateAsync(slot.Machine!, incoming, LabFleet.FreePort(target), CancellationToken.None);
        await slot.ReplaceAsync(incoming, CancellationToken.None);
        return (outcome, clock.Elapsed);
    }

    private async Task<(TimeSpan Wall, long Size)> ConsoleSnapshotAsync(Guid vnf)
    {
        var id = await SubmitApprovedAsync(new SubmitRequest(RequestKind.Snapshot, vnf, [], null, null, "Bench: memory snapshot on the lab.", null));
        var (approved, completed, _) = await WaitForAsync(id);
        await using var query = store.QuerySession();
        var snapshot = await query.Query<Snapshot>().SingleAsync(s => s.RequestId == id);
        return (completed.At - approved.At, snapshot.SizeBytes);
    }

    /// <summary>The same machine's memory into a file encrypted under a fresh key, as the lab adapter writes it; the file is removed afterwards.</summary>
    private static async Task<MemorySnapshotFile> RawSnapshotAsync(LabFleet fleet, LabSlot slot)
    {
        var path = Path.Combine(fleet.Writing(Path.Combine(fleet.SnapshotFolder, "bench-" + Guid.NewGuid().ToString("N"))), "state");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            return await MemorySnapshot.TakeAsync(slot.Machine!, path, "bench-key", RandomNumberGenerator.GetBytes(32), CancellationToken.None);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    private async Task<Guid> SubmitApprovedAsync(SubmitRequest request)
    {
        var submitted = await Issue(request, Operator);
        if (!submitted.Succeeded)
            throw new InvalidOperationException($"The bench's request was refused: {submitted.Refusal?.Message}");
        foreach (var approver in Approvers)
        {
            await using var query = store.QuerySession();
            var current = (await query.LoadAsync<ChangeRequest>(submitted.Id))!;
            var approval = await Issue(new ApproveRequest(submitted.Id, current.Version, current.ContentDigest, null),
                approver with { AuthenticatedAt = DateTimeOffset.UtcNow });
            if (!approval.Succeeded)
                throw new InvalidOperationException($"{approver.UserId}'s approval was refused: {approval.Refusal?.Message}");
        }

        return submitted.Id;
    }

    private async Task<Outcome> Issue(IConsoleCommand command, Actor actor)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IConsoleCommandBus>().IssueAsync(command, actor);
    }

    /// <summary>Waits for the request to end; its RequestApproved and ExecutionCompleted events carry the workflow's own clock.</summary>
    private async Task<(RequestApproved Approved, ExecutionCompleted Completed, ChangeRequest Request)> WaitForAsync(Guid id)
    {
        ChangeRequest? request = null;
        await Until(async () =>
        {
            await using var query = store.QuerySession();
            request = await query.LoadAsync<ChangeRequest>(id);
            return request?.Status is RequestStatus.Completed or RequestStatus.Failed;
        }, $"request {id} to end", TimeSpan.FromMinutes(5));
        if (request!.Status != RequestStatus.Completed)
            throw new InvalidOperationException($"Request {id} failed: {request.Outcome}");
        await using var events = store.QuerySession();
        var stream = (await events.Events.FetchStreamAsync(id)).Select(e => e.Data).ToList();
        return (stream.OfType<RequestApproved>().Single(), stream.OfType<ExecutionCompleted>().Single(), request);
    }

    private static Task Until(Func<bool> condition, string what, TimeSpan timeout) => Until(() => Task.FromResult(condition()), what, timeout);

    private static async Task Until(Func<Task<bool>> condition, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Waited in vain for {what}.");
            await Task.Delay(50);
        }
    }

    private static TimeSpan Median(IEnumerable<TimeSpan> values) => TimeSpan.FromTicks(Median(values.Select(v => v.Ticks)));

    private static long Median(IEnumerable<long> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[(sorted.Length - 1) / 2];
    }

    private static string Row(string what, IEnumerable<TimeSpan> values)
    {
        var list = values.ToList();
        return string.Create(CultureInfo.InvariantCulture,
            $"{what,-52} {list.Count,3} {Ms(Median(list)),10} {Ms(list.Min()),10} {Ms(list.Max()),10}");
    }

    private static string Ms(TimeSpan value) => string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0} ms");
}

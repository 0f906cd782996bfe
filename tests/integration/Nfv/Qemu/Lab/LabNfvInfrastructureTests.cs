using System.Text;
using Console.IntegrationTests.Infrastructure;
using Console.Nfv.Qemu;
using Console.Nfv.Qemu.Lab;
using Console.Nfv.Qemu.Snapshots;
using Console.Testing;
using Console.Workflows.Common;
using Console.Workflows.Continuity;
using Console.Workflows.Continuity.Tracking;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.Locating;
using Console.Workflows.Keys;
using Console.Workflows.Nfv;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Executing;
using Console.Workflows.Snapshots;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Nfv.Qemu.Lab;

/// <summary>
/// The console on the lab: requests submitted, approved and executed by the real workflow move, snapshot, restore and
/// operate real QEMU machines through <see cref="LabNfvInfrastructure"/> behind the NFV port.
/// </summary>
public sealed partial class LabNfvInfrastructureTests(LabConsoleFixture lab) : IClassFixture<LabConsoleFixture>
{
    private const string Marker = "VNF-LAB-GUEST-MEMORY-MARKER";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WorkflowHost Host => lab.Host;

    private LabFleet Fleet => Host.Services.GetRequiredService<LabFleet>();

    private INfvInfrastructure Infrastructure => Host.Services.GetRequiredService<INfvInfrastructure>();

    [Fact]
    public async Task Lab_UnencryptedChannelRefused_ThroughTheConsole_TheRequestFails_NoMachineStartsOnThePlainHost()
    {
        var (vnf, source) = await MovableVnfAsync();
        var environmentBefore = (await Load<Vnf>(vnf)).EnvironmentId;

        var plain = await SubmitApprovedAsync(new SubmitRequest(RequestKind.Migration, vnf, [], lab.LabPlain, null, "Move to the plain host.", null));
        var refused = await WaitFor(plain, RequestStatus.Failed);

        refused.Request.Outcome.ShouldNotBeNull().ShouldContain(
            "reports the transfer channel as unencrypted (plain TCP: lab host lab-plain holds no migration certificate from the console's CA)");
        Fleet.Slot(vnf).Machine.ShouldBeSameAs(source);
        (await source.StatusAsync(Ct)).ShouldBe("running");
        Directory.Exists(Path.Combine(Fleet.Hosts.Single(h => h.Host.Name == "lab-plain").Host.Folder, "vm")).ShouldBeFalse("no machine was started on the plain host");
        (await EventsOf(plain)).OfType<ExecutionCompleted>().ShouldBeEmpty();
        (await Load<Vnf>(vnf)).EnvironmentId.ShouldBe(environmentBefore);
    }

    [Fact]
    public async Task Lab_MigrationOverTls_ThroughTheConsole_TheVmMoves_CounterContinues_DowntimeRecorded()
    {
        var (vnf, source) = await MovableVnfAsync();
        var (targetEnvironment, targetHost) = source.Host.Name == "lab-a" ? (lab.LabB, "lab-b") : (lab.LabA, "lab-a");

        var beforeMove = source.LastCounter()!.Value;
        var id = await SubmitApprovedAsync(new SubmitRequest(RequestKind.Migration, vnf, [], targetEnvironment, null, "Move for the power work.", null));
        var done = await WaitFor(id, RequestStatus.Completed);

        var target = Fleet.Slot(vnf).Machine.ShouldNotBeNull();
        target.Host.Name.ShouldBe(targetHost);
        source.HasExited.ShouldBeTrue();
        (await target.StatusAsync(Ct)).ShouldBe("running");
        // The target never booted: its first count follows the source's, from the memory that moved.
        var first = await FirstCounterAsync(target, "the target to count");
        first.ShouldBeGreaterThan(beforeMove);
        TestContext.Current.TestOutputHelper?.WriteLine(done.Request.Outcome ?? "");
        var downtime = done.Request.MeasuredDowntime.ShouldNotBeNull();
        downtime.ShouldBeGreaterThanOrEqualTo(TimeSpan.Zero);
        done.Request.Outcome.ShouldNotBeNull().ShouldContain($"over TLS: downtime {downtime.TotalMilliseconds:0} ms");
        var completed = (await EventsOf(id)).OfType<ExecutionCompleted>().ShouldHaveSingleItem();
        completed.MeasuredDowntime.ShouldBe(downtime);
        (await Load<Vnf>(vnf)).EnvironmentId.ShouldBe(targetEnvironment);
        // What the VNF page reads: the machine's new host from the lab, the downtime from the request.
        await using var scope = Host.Services.CreateAsyncScope();
        var location = await scope.ServiceProvider.GetRequiredService<IVnfLocationReader>().GetAsync(vnf, Ct);
        location.VnfMachine.ShouldNotBeNull().Host.ShouldBe(targetHost);
        location.VnfMachine.Machine.ShouldBe(target.Name);
        var last = location.LastMigration.ShouldNotBeNull();
        (last.RequestId, last.Downtime, last.TargetEnvironmentId).ShouldBe((id, downtime, (Guid?)targetEnvironment));
    }

    /// <summary>
    /// One VNF the refusal and the migration tests share, so the class boots one machine for both; whichever runs
    /// first, the other finds it running on lab-a or lab-b.
    /// </summary>
    private async Task<(Guid Vnf, QemuMachine Machine)> MovableVnfAsync()
    {
        var vnf = await lab.SharedAsync("movable", () => lab.VnfAsync("mig"));
        return (vnf, await RunningMachineAsync(vnf));
    }

    [Fact]
    public async Task Lab_SnapshotEncrypted_ThroughTheConsole_TheFileHoldsNoPlaintextMarker_DigestIsTheManifests()
    {
        var taken = await SnapshotTakenAsync();

        var artefact = await Load<LabSnapshotArtefact>(taken.SnapshotId);
        var file = artefact.Files.ShouldHaveSingleItem();
        var bytes = await File.ReadAllBytesAsync(file.Path, Ct);
        bytes.Length.ShouldBeGreaterThan(1_000_000);
        TestContext.Current.TestOutputHelper?.WriteLine($"snapshot file: {bytes.Length} bytes");
        Contains(bytes, Marker).ShouldBeFalse("the marker the guest keeps in memory is on disk in plaintext");
        // The control: opened with the domain's data key (the console's key store), the state does hold the marker.
        var key = await Host.Services.GetRequiredService<IKeyStore>().UnwrapAsync(file.KeyId, file.TrustDomainId, Ct);
        using (var clear = new MemoryStream())
        {
            await using (var stream = File.OpenRead(file.Path))
                await EncryptedStateFile.ReadAsync(stream, clear, file.KeyId, key.Key, Ct);
            Contains(clear.ToArray(), Marker).ShouldBeTrue();
        }

        var snapshot = await Load<Snapshot>(taken.SnapshotId);
        (await Infrastructure.InspectSnapshotAsync(taken.SnapshotId, Ct)).ShouldNotBeNull().ContentDigest.ShouldBe(snapshot.ContentDigest);
    }

    [Fact]
    public async Task Lab_Restore_ThroughTheConsole_OntoANewEpoch_CountsOnFromTheSnapshot()
    {
        var taken = await SnapshotTakenAsync();
        var original = taken.Original;
        (await original.StatusAsync(Ct)).ShouldBe("running", "the machine runs on after its snapshot");

        // Five seconds of counting on, so the original's memory and the snapshot's tell apart.
        await Eventually.Until(() => Task.FromResult(original.LastCounter()), c => c > taken.AfterSnapshot + 25, "the original to count well past the snapshot", TimeSpan.FromSeconds(60));
        var restore = await SubmitApprovedAsync(new SubmitRequest(RequestKind.Restore, taken.Vnf, [], null, taken.SnapshotId, "Roll back the failed upgrade.", null));
        var lastOfOriginal = original.LastCounter()!.Value;
        var done = await WaitFor(restore, RequestStatus.Completed);

        done.Request.Outcome.ShouldNotBeNull().ShouldContain("as the new epoch 2");
        original.HasExited.ShouldBeTrue();
        var restored = Fleet.Slot(taken.Vnf).Machine.ShouldNotBeNull();
        restored.ShouldNotBeSameAs(original);
        var state = await Load<VnfContinuity>(VnfContinuity.StreamIdFor(taken.Vnf));
        state.Epoch.ShouldBe(2);
        Fleet.Slot(taken.Vnf).InstanceId.ShouldBe(state.CurrentLease.ShouldNotBeNull().InstanceId);
        // Not a fresh boot (that counts from 1) and not the original's memory: the count of the snapshot goes on.
        var first = await FirstCounterAsync(restored, "the restored guest to count");
        first.ShouldBeGreaterThan(taken.BeforeSnapshot);
        first.ShouldBeLessThanOrEqualTo(taken.AfterSnapshot + 1);
        first.ShouldBeLessThan(lastOfOriginal);
    }

    private sealed record SnapshotTaken(Guid Vnf, QemuMachine Original, Guid SnapshotId, long BeforeSnapshot, long AfterSnapshot);

    /// <summary>One snapshot through the console that the encryption and the restore tests share (one machine, one snapshot).</summary>
    private Task<SnapshotTaken> SnapshotTakenAsync() => lab.SharedAsync("snapshot", async () =>
    {
        var vnf = await lab.VnfAsync("snap");
        var original = await RunningMachineAsync(vnf);
        var beforeSnapshot = original.LastCounter()!.Value;
        var taken = await SubmitApprovedAsync(new SubmitRequest(RequestKind.Snapshot, vnf, [], null, null, "Before the upgrade.", null));
        await WaitFor(taken, RequestStatus.Completed);
        return new SnapshotTaken(vnf, original, ExecutionDecider.SnapshotIdFor(taken), beforeSnapshot, original.LastCounter()!.Value);
    });

    [Fact]
    public async Task Lab_Lifecycle_ThroughTheConsole_PauseResumeStopStart_AreWhatTheMachineLives_AndARepeatedOperationActsOnce()
    {
        var vnf = await lab.VnfAsync("life");
        var machine = await RunningMachineAsync(vnf);

        var pause = await SubmitApprovedAsync(new SubmitRequest(RequestKind.Pause, vnf, [], null, null, "Pause for the probe.", null));
        await WaitFor(pause, RequestStatus.Completed);
        (await machine.StatusAsync(Ct)).ShouldBe("paused");

        var resume = await SubmitApprovedAsync(new SubmitRequest(RequestKind.Resume, vnf, [], null, null, "Probe done.", null));
        await WaitFor(resume, RequestStatus.Completed);
        (await machine.StatusAsync(Ct)).ShouldBe("running");
        var resumedAt = machine.LastCounter()!.Value;
        await Eventually.Until(() => Task.FromResult(machine.LastCounter()), c => c > resumedAt + 2, "the resumed guest to count on", TimeSpan.FromSeconds(60));

        // The pause again, as a workflow resumed after a crash would send it: the first result, nothing done twice.
        var instance = (await Load<VnfContinuity>(VnfContinuity.StreamIdFor(vnf))).CurrentLease.ShouldNotBeNull().InstanceId;
        var repeated = await Infrastructure.LifecycleAsync(new LifecycleOrder(ExecutionDecider.OperationId(pause, 1), vnf, instance, LifecycleOperation.Pause), Ct);
        repeated.State.ShouldBe(InstanceRunState.Running);
        (await machine.StatusAsync(Ct)).ShouldBe("running");

        var stop = await SubmitApprovedAsync(new SubmitRequest(RequestKind.Stop, vnf, [], null, null, "Stop for the night.", null));
        await WaitFor(stop, RequestStatus.Completed);
        machine.HasExited.ShouldBeTrue();
        Fleet.Slot(vnf).Machine.ShouldBeNull();

        var start = await SubmitApprovedAsync(new SubmitRequest(RequestKind.Start, vnf, [], null, null, "Back to service.", null));
        await WaitFor(start, RequestStatus.Completed);
        var started = Fleet.Slot(vnf).Machine.ShouldNotBeNull();
        // Started afresh: its memory begins empty, so the count begins again.
        (await FirstCounterAsync(started, "the started guest to count")).ShouldBe(1);
        resumedAt.ShouldBeGreaterThan(1);
    }

    [Fact]
    public async Task Lab_ForkDetected_ASecondCopyStartedOnAHostBehindTheConsole_IsFencedAndAlertedWithinTenSeconds()
    {
        var vnf = await lab.VnfAsync("fork");
        var machine = await RunningMachineAsync(vnf);
        var labB = Fleet.Hosts.Single(h => h.Host.Name == "lab-b").Host;

        // An insider with a shell on lab-b starts a copy of the VNF's machine under the VNF's machine name. Only the
        // process: the watch may fence it before a monitor handshake would finish (CI once saw the handshake's socket
        // reset by the fence on a loaded machine), and the ten seconds count from the process's start.
        var started = System.Diagnostics.Stopwatch.StartNew();
        var (copy, _, _) = QemuMachine.Launch(labB, $"m{vnf:N}"[..21] + "-copy0001", Fleet.Guest, incoming: false);
        try
        {
            await Eventually.Until(() => Task.FromResult(copy.HasExited), exited => exited, "the copy to be fenced", TimeSpan.FromSeconds(10));
            TestContext.Current.TestOutputHelper?.WriteLine($"fork fenced after {started.Elapsed.TotalSeconds:0.0} s");
            started.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));

            var forks = (await EventsOf(VnfContinuity.StreamIdFor(vnf))).OfType<ForkDetected>().ToList();
            var fork = forks.ShouldHaveSingleItem();
            fork.EnvironmentId.ShouldBe(lab.LabB);
            fork.Detail.ShouldContain("A second live instance beside the lease holder");
            await using (var query = Host.Store.QuerySession())
            {
                var alert = (await query.Query<SecurityAlert>().Where(a => a.VnfId == vnf).ToListAsync(Ct)).ShouldHaveSingleItem();
                alert.Kind.ShouldBe(SecurityAlertKind.ForkDetected);
                alert.SubjectId.ShouldBe(fork.InstanceId);
            }

            // The console's own machine is not the fork: it runs on, and still holds the lease.
            Fleet.Slot(vnf).Machine.ShouldBeSameAs(machine);
            (await machine.StatusAsync(Ct)).ShouldBe("running");
            (await Load<VnfContinuity>(VnfContinuity.StreamIdFor(vnf))).CurrentLease.ShouldNotBeNull().InstanceId.ShouldBe(Fleet.Slot(vnf).InstanceId!.Value);
        }
        finally
        {
            if (!copy.HasExited)
                copy.Kill();
            copy.Dispose();
        }
    }

    /// <summary>The console establishes the VNF's continuity, which deploys it: the lab boots its machine; it counts.</summary>
    private async Task<QemuMachine> RunningMachineAsync(Guid vnf)
    {
        await Host.Services.GetRequiredService<IContinuityService>().EnsureEstablishedAsync(vnf, Ct);
        var machine = Fleet.Slot(vnf).Machine.ShouldNotBeNull();
        await Eventually.Until(() => Task.FromResult(machine.LastCounter()), c => c >= 3, "the VNF's machine to boot and count", TimeSpan.FromSeconds(90));
        return machine;
    }

    /// <summary>The first count a machine wrote on its serial line (a machine that took its state writes a new one).</summary>
    private static async Task<long> FirstCounterAsync(QemuMachine machine, string what) =>
        (await Eventually.Until(() => Task.FromResult(machine.FirstCounter()), c => c is not null, what, TimeSpan.FromSeconds(90)))!.Value;

    private async Task<Guid> SubmitApprovedAsync(SubmitRequest request)
    {
        var submitted = await Host.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(request, LabConsoleFixture.Operator));
        submitted.Succeeded.ShouldBeTrue(submitted.Refusal?.Message);
        foreach (var approver in LabConsoleFixture.Approvers)
        {
            var details = (await Details(submitted.Id)).ShouldNotBeNull();
            if (details.Request.Status != RequestStatus.PendingApproval)
                break;
            // Someone whose group the policy does not (or no longer) need is refused; the next one may fill it.
            await Host.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(
                new ApproveRequest(submitted.Id, details.Request.Version, details.Request.ContentDigest, "Checked."), Host.SignedIn(approver)));
        }

        var approved = (await Details(submitted.Id)).ShouldNotBeNull();
        approved.Request.Status.ShouldNotBe(RequestStatus.PendingApproval, "the lab's approvers could not fill what the policy asks");
        return submitted.Id;
    }

    private Task<RequestDetails?> Details(Guid id) => Host.With<IRequestReader, RequestDetails?>(r => r.GetAsync(id));

    /// <summary>Waits for the request to end; when it ends otherwise than expected, its outcome says why.</summary>
    private async Task<RequestDetails> WaitFor(Guid id, RequestStatus status)
    {
        var details = (await Eventually.Until(() => Details(id), d => d?.Request.Status is RequestStatus.Failed or RequestStatus.Completed,
            $"request {id} to be {status}", TimeSpan.FromSeconds(120)))!;
        details.Request.Status.ShouldBe(status, details.Request.Outcome);
        return details;
    }

    private async Task<IReadOnlyList<object>> EventsOf(Guid streamId)
    {
        await using var session = Host.Store.QuerySession();
        return [.. (await session.Events.FetchStreamAsync(streamId, token: Ct)).Select(e => e.Data)];
    }

    private async Task<T> Load<T>(Guid id) where T : class
    {
        await using var session = Host.Store.QuerySession();
        return (await session.LoadAsync<T>(id, Ct)).ShouldNotBeNull();
    }

    private static bool Contains(byte[] haystack, string text) => haystack.AsSpan().IndexOf(Encoding.ASCII.GetBytes(text)) >= 0;
}

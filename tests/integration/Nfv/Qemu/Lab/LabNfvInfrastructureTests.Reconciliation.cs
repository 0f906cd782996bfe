using System.Diagnostics;
using Console.Nfv.Qemu;
using Console.Nfv.Qemu.Lab;
using Console.Nfv.Qemu.Qmp;
using Console.Testing;
using Console.Workflows.Alerts;
using Console.Workflows.Continuity;
using Console.Workflows.Continuity.Reconciling;
using Console.Workflows.Continuity.Tracking;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Nfv.Qemu.Lab;

// What the hosts run and hold against the console's inventory, on real QEMU machines: an insider with a shell on the
// hosts snapshots and migrates a VNF's machine through its monitor, or kills it; the console notices, records and alerts.
public sealed partial class LabNfvInfrastructureTests
{
    [Fact]
    public async Task Lab_Reconciliation_ASnapshotAndAMigrationDoneOnTheHost_RaiseAlertsAndHistoryEventsNamingWhatDiffers()
    {
        var vnf = await lab.VnfAsync("recon");
        var machine = await RunningMachineAsync(vnf);
        var labA = machine.Host;
        var labB = Fleet.Hosts.Single(h => h.Host.Name == "lab-b").Host;

        // An insider on lab-a dumps the VM's memory into a file of the host through the hypervisor's monitor.
        var dump = Path.Combine(labA.Folder, "insider-dump.state");
        await machine.Monitor.ExecuteAsync("migrate", QemuMachine.Arguments(("uri", $"exec:cat > {dump}")), Ct);
        await EndedAsync(machine);
        try
        {
            await machine.ResumeAsync(Ct);
        }
        catch (QmpException)
        {
            // Whether the insider can resume it afterwards does not matter to what the console must see.
        }

        var afterSnapshot = await DriftsAsync(d => d.Any(x => x.Kind == HostDriftKind.UnrequestedStateFile && x.Subject.Contains(dump, StringComparison.Ordinal))
            && d.Any(x => x.Kind == HostDriftKind.UnrequestedStateTransfer && x.VnfId == vnf), "the host snapshot to be reconciled");
        var file = afterSnapshot.Single(x => x.Kind == HostDriftKind.UnrequestedStateFile && x.Subject.Contains(dump, StringComparison.Ordinal));
        file.Detail.ShouldContain($"{dump} on host lab-a holds unencrypted memory state of a VM");
        file.EnvironmentId.ShouldBe(lab.LabA);
        var transfer = afterSnapshot.Single(x => x.Kind == HostDriftKind.UnrequestedStateTransfer && x.VnfId == vnf);
        transfer.Detail.ShouldContain($"left its machine '{machine.Name}' on host lab-a without a request (outgoing stream completed:");

        // Then migrates it, without a request, to a machine of their own on lab-b.
        var receiver = await QemuMachine.StartAsync(labB, "insider-vm", Fleet.Guest, incoming: true, Ct);
        try
        {
            var port = LabFleet.FreePort(labB);
            await receiver.Monitor.ExecuteAsync("migrate-incoming", QemuMachine.Arguments(("uri", $"tcp:127.0.0.1:{port}")), Ct);
            await machine.Monitor.ExecuteAsync("migrate", QemuMachine.Arguments(("uri", $"tcp:127.0.0.1:{port}")), Ct);
            await EndedAsync(machine);

            var afterMigration = await DriftsAsync(d => d.Any(x => x.Kind == HostDriftKind.UnknownMachine && x.Subject.Contains("insider-vm", StringComparison.Ordinal))
                && d.Count(x => x.Kind == HostDriftKind.UnrequestedStateTransfer && x.VnfId == vnf) == 2
                && d.Any(x => x.Kind == HostDriftKind.RunStateDiffers && x.VnfId == vnf), "the host migration to be reconciled");
            var stranger = afterMigration.Single(x => x.Kind == HostDriftKind.UnknownMachine && x.Subject.Contains("insider-vm", StringComparison.Ordinal));
            stranger.Detail.ShouldBe($"Machine 'insider-vm' (process {receiver.ProcessId}) runs on host lab-b, but the console did not start it and its inventory holds no such VM.");
            stranger.EnvironmentId.ShouldBe(lab.LabB);
            // The console's machine was left stopped behind the move, while its instance is recorded as running.
            afterMigration.Single(x => x.Kind == HostDriftKind.RunStateDiffers && x.VnfId == vnf).Detail
                .ShouldEndWith($"machine '{machine.Name}' on host lab-a is postmigrate, but its instance is recorded as running.");

            // Each difference is one alert for security officers, and one drift in the history, however many rounds see it.
            await using var query = Host.Store.QuerySession();
            var alerts = await query.Query<SecurityAlert>().Where(a => a.Kind == SecurityAlertKind.HostDrift).ToListAsync(Ct);
            foreach (var drift in new[] { file, transfer, stranger })
            {
                var alert = alerts.Where(a => a.Id == drift.DriftId).ShouldHaveSingleItem();
                alert.Detail.ShouldBe(drift.Detail);
                alert.Reason.ShouldBe(drift.Kind.ToString());
                // The difference's stream: the drift, and the raise of its alert (the alert's id is the difference's).
                (await query.Events.FetchStreamAsync(drift.DriftId, token: Ct)).Select(e => e.Data.GetType())
                    .ShouldBe([typeof(HostDriftDetected), typeof(SecurityAlertRaised)]);
            }

            (await Host.Services.GetRequiredService<LabReconciliation>().RoundAsync(Ct)).ShouldBeEmpty("a difference already recorded is not recorded again");
        }
        finally
        {
            await receiver.DisposeAsync();
        }
    }

    [Fact]
    public async Task Lab_Liveness_AConsoleMachineKilledOnItsHost_IsRecordedAsACrashAndAlerted()
    {
        var vnf = await lab.VnfAsync("crash");
        var machine = await RunningMachineAsync(vnf);
        var instance = Fleet.Slot(vnf).InstanceId.ShouldNotBeNull();

        using (var process = Process.GetProcessById(machine.ProcessId))
            process.Kill();

        var crash = await Eventually.Until(
            async () => (await EventsOf(VnfContinuity.StreamIdFor(vnf))).OfType<InstanceInterrupted>().SingleOrDefault(),
            e => e is not null, "the crash to be recorded", TimeSpan.FromSeconds(30));
        crash!.Interruption.ShouldBe(LifecycleInterruption.Crash);
        crash.InstanceId.ShouldBe(instance);
        crash.By.ShouldBe("lab host lab-a");
        await using var query = Host.Store.QuerySession();
        var alert = (await query.Query<SecurityAlert>().Where(a => a.VnfId == vnf).ToListAsync(Ct)).ShouldHaveSingleItem();
        alert.Kind.ShouldBe(SecurityAlertKind.InstanceCrashed);
        alert.Detail.ShouldContain($"Machine '{machine.Name}' (process {machine.ProcessId}) on lab host lab-a ended without the console ending it");
        var view = (await Host.With<IContinuityReader, VnfContinuityView?>(r => r.GetAsync(vnf, Ct))).ShouldNotBeNull();
        view.Trustworthy.ShouldBeFalse();
        view.History[^1].Summary.ShouldContain("crashed: its machine ended without the console ending it (seen by lab host lab-a)");
        Fleet.Slot(vnf).Machine.ShouldBeNull();
    }

    private static Task<string?> EndedAsync(QemuMachine machine) => Eventually.Until(
        async () => QmpJson.Text(await machine.Monitor.ExecuteAsync("query-migrate", null, Ct), "status"),
        s => s is "completed" or "failed", $"{machine.Name}'s outgoing stream to end", TimeSpan.FromSeconds(90));

    private async Task<IReadOnlyList<HostDriftDetected>> DriftsAsync(Func<IReadOnlyList<HostDriftDetected>, bool> until, string what) =>
        (await Eventually.Until(async () =>
        {
            await using var query = Host.Store.QuerySession();
            return (IReadOnlyList<HostDriftDetected>)await query.Events.QueryRawEventDataOnly<HostDriftDetected>().ToListAsync(Ct);
        }, until, what, TimeSpan.FromSeconds(60)))!;
}

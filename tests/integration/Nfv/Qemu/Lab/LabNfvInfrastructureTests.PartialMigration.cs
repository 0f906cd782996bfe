using System.Diagnostics;
using Console.Nfv.Qemu;
using Console.Testing;
using Console.Workflows.Continuity;
using Console.Workflows.Continuity.Tracking;
using Console.Workflows.Inventory;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Executing;
using Marten;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Nfv.Qemu.Lab;

// A component on a machine of its own: moved over TLS with the steps of a whole-VNF move, reported when its machine
// dies behind the console's back, and fenced as a fork of its VNF when someone starts a copy of it.
public sealed partial class LabNfvInfrastructureTests
{
    [Fact]
    public async Task Lab_PartialMigrationOverTls_ThroughTheConsole_TheComponentsMachineMoves_OnANewEpoch_TheSourceFenced()
    {
        var moved = await ComponentMovedAsync();

        moved.Outcome.ShouldContain("1 machine(s) live-migrated from lab-a to lab-b over TLS: downtime");
        moved.Outcome.ShouldContain("the state of 1 component(s) at epoch 1 was sealed to");
        moved.Outcome.ShouldContain("QEMU TLS migration from lab host lab-a to lab-b");
        moved.Target.Host.Name.ShouldBe("lab-b");
        moved.TargetStatus.ShouldBe("running");
        moved.Source.HasExited.ShouldBeTrue();
        // The target never booted: its first count follows the source's, from the component's memory that moved.
        moved.FirstOnTarget.ShouldBeGreaterThan(moved.BeforeMove);
        moved.Downtime.ShouldNotBeNull();

        // The VNF's own machine stayed on lab-a and is the new instance, on the new epoch; the source instance is fenced.
        moved.VnfMachineAfter.ShouldBeSameAs(moved.VnfMachine);
        moved.VnfMachine.Host.Name.ShouldBe("lab-a");
        var events = await EventsOf(VnfContinuity.StreamIdFor(moved.Vnf));
        events.OfType<StateSealed>().ShouldHaveSingleItem().ComponentIds.ShouldBe([moved.Component]);
        var committed = events.OfType<MigrationCommitted>().ShouldHaveSingleItem();
        (committed.FromEpoch, committed.NewEpoch, committed.SourceInstanceId, committed.TargetInstanceId)
            .ShouldBe((1L, 2L, moved.SourceInstance, ExecutionDecider.InstanceIdFor(ExecutionDecider.OperationId(moved.RequestId, 1))));
        var state = await Load<VnfContinuity>(VnfContinuity.StreamIdFor(moved.Vnf));
        state.Epoch.ShouldBe(2);
        state.Fenced.ShouldContain(moved.SourceInstance);
        state.CurrentLease.ShouldNotBeNull().ShouldSatisfyAllConditions(
            l => l.InstanceId.ShouldBe(committed.TargetInstanceId), l => l.EnvironmentId.ShouldBe(lab.LabA));
        moved.InstancesAfter.ShouldBe([committed.TargetInstanceId, committed.TargetInstanceId]);
        var vnf = await Load<Vnf>(moved.Vnf);
        vnf.EnvironmentId.ShouldBe(lab.LabA);
        vnf.PlacementOf(vnf.Components.Single(c => c.Id == moved.Component)).ShouldBe(lab.LabB);
    }

    [Fact]
    public async Task Lab_Liveness_AComponentsOwnMachineKilledOnItsHost_IsRecordedAsACrashOfTheVnfsInstanceAndAlerted()
    {
        var moved = await ComponentMovedAsync();
        var instance = (await Load<VnfContinuity>(VnfContinuity.StreamIdFor(moved.Vnf))).CurrentLease.ShouldNotBeNull().InstanceId;

        using (var process = Process.GetProcessById(moved.Target.ProcessId))
            process.Kill();

        var crash = await Eventually.Until(
            async () => (await EventsOf(VnfContinuity.StreamIdFor(moved.Vnf))).OfType<InstanceInterrupted>().SingleOrDefault(),
            e => e is not null, "the component machine's crash to be recorded", TimeSpan.FromSeconds(30));
        crash!.Interruption.ShouldBe(LifecycleInterruption.Crash);
        crash.InstanceId.ShouldBe(instance);
        crash.By.ShouldBe("lab host lab-b");
        await using var query = Host.Store.QuerySession();
        // Reconciliation may have seen the component on lab-b a moment before the inventory did; only the crash is asked about.
        var alert = (await query.Query<SecurityAlert>().Where(a => a.VnfId == moved.Vnf && a.Kind == SecurityAlertKind.InstanceCrashed).ToListAsync(Ct))
            .ShouldHaveSingleItem();
        alert.Detail.ShouldContain(
            $"Machine '{moved.Target.Name}' of component amf-n2 (process {moved.Target.ProcessId}) on lab host lab-b ended without the console ending it");
        (await Host.With<IContinuityReader, VnfContinuityView?>(r => r.GetAsync(moved.Vnf, Ct))).ShouldNotBeNull().Trustworthy.ShouldBeFalse();
        Fleet.Slot(moved.Component).Machine.ShouldBeNull();
        // The VNF's own machine was not touched.
        (await moved.VnfMachine.StatusAsync(Ct)).ShouldBe("running");
    }

    [Fact]
    public async Task Lab_ForkDetected_ACopyOfAComponentsMachineStartedBehindTheConsole_IsFencedAndAlertedAsAForkOfItsVnf()
    {
        var moved = await ComponentMovedAsync();
        var labA = Fleet.Hosts.Single(h => h.Host.Name == "lab-a").Host;
        var holder = (await Load<VnfContinuity>(VnfContinuity.StreamIdFor(moved.Vnf))).CurrentLease.ShouldNotBeNull().InstanceId;

        // An insider on lab-a starts a copy of the moved component's machine under its name, where it ran before the move:
        // a bare process, as in the VNF's fork test (the watch may fence it before a monitor handshake would finish).
        var (copy, _, _) = QemuMachine.Launch(labA, $"m{moved.Component:N}"[..21] + "-copy0002", Fleet.Guest, incoming: false);
        try
        {
            await Eventually.Until(() => Task.FromResult(copy.HasExited), exited => exited, "the component's copy to be fenced", TimeSpan.FromSeconds(10));

            var fork = (await EventsOf(VnfContinuity.StreamIdFor(moved.Vnf))).OfType<ForkDetected>().ShouldHaveSingleItem();
            fork.EnvironmentId.ShouldBe(lab.LabA);
            fork.Detail.ShouldBe($"A second live instance beside the lease holder {holder:D}: a fork.");
            await using (var query = Host.Store.QuerySession())
            {
                var alert = (await query.Query<SecurityAlert>().Where(a => a.VnfId == moved.Vnf && a.Kind == SecurityAlertKind.ForkDetected).ToListAsync(Ct))
                    .ShouldHaveSingleItem();
                alert.SubjectId.ShouldBe(fork.InstanceId);
            }

            (await moved.VnfMachine.StatusAsync(Ct)).ShouldBe("running");
            (await Load<VnfContinuity>(VnfContinuity.StreamIdFor(moved.Vnf))).CurrentLease.ShouldNotBeNull().InstanceId.ShouldBe(holder);
        }
        finally
        {
            if (!copy.HasExited)
                copy.Kill();
            copy.Dispose();
        }
    }

    [Fact]
    public async Task Lab_Lifecycle_AComponentOnAMachineOfItsOwn_PausesStopsAndStartsWithItsVnf()
    {
        var vnf = await lab.VnfAsync("parts", "amf-core", "amf-n2");
        var vnfMachine = await RunningMachineAsync(vnf);
        var component = (await Load<Vnf>(vnf)).Components.Single(c => c.Name == "amf-n2").Id;
        var componentMachine = await Fleet.BootAsync(Fleet.Slot(component), vnfMachine.Host, "the test's component running apart", Ct);
        await Eventually.Until(() => Task.FromResult(componentMachine.LastCounter()), c => c >= 2, "the component's machine to count", TimeSpan.FromSeconds(90));

        var pause = await SubmitApprovedAsync(new SubmitRequest(RequestKind.Pause, vnf, [], null, null, "Pause the whole function.", null));
        await WaitFor(pause, RequestStatus.Completed);
        (await vnfMachine.StatusAsync(Ct)).ShouldBe("paused");
        (await componentMachine.StatusAsync(Ct)).ShouldBe("paused", "a component apart is part of the instance");

        var stop = await SubmitApprovedAsync(new SubmitRequest(RequestKind.Stop, vnf, [], null, null, "Stop for the night.", null));
        await WaitFor(stop, RequestStatus.Completed);
        componentMachine.HasExited.ShouldBeTrue("a stopped VNF leaves no component running");
        Fleet.Slot(component).Machine.ShouldBeNull();

        var start = await SubmitApprovedAsync(new SubmitRequest(RequestKind.Start, vnf, [], null, null, "Back to service.", null));
        await WaitFor(start, RequestStatus.Completed);
        var started = Fleet.Slot(component).Machine.ShouldNotBeNull("the start boots the component's machine again");
        (await FirstCounterAsync(started, "the restarted component to count")).ShouldBe(1);
        // Both machines are the one instance the start was for, so a fence of it ends both.
        Fleet.Slot(component).InstanceId.ShouldNotBeNull().ShouldBe(Fleet.Slot(vnf).InstanceId!.Value);
        await using var query = Host.Store.QuerySession();
        (await query.Query<SecurityAlert>()
                .Where(a => a.VnfId == vnf && (a.Kind == SecurityAlertKind.InstanceCrashed || a.Kind == SecurityAlertKind.ForkDetected))
                .ToListAsync(Ct))
            .ShouldBeEmpty("the console's own stop and start are neither a crash nor a fork");
    }

    private sealed record ComponentMoved(
        Guid Vnf, Guid Component, Guid RequestId, Guid SourceInstance, QemuMachine VnfMachine, QemuMachine? VnfMachineAfter,
        QemuMachine Source, QemuMachine Target, string TargetStatus, long BeforeMove, long FirstOnTarget, TimeSpan? Downtime,
        string Outcome, IReadOnlyList<Guid?> InstancesAfter);

    /// <summary>
    /// One partial move the migration and the crash tests share (whichever runs first makes it, so what the migration
    /// test checks of the machines is read right after the move): a VNF of two components on lab-a, one of them on a
    /// machine of its own that counts, moved through the console to lab-b.
    /// </summary>
    private Task<ComponentMoved> ComponentMovedAsync() => lab.SharedAsync("component-moved", async () =>
    {
        var vnf = await lab.VnfAsync("part", "amf-core", "amf-n2");
        var vnfMachine = await RunningMachineAsync(vnf);
        var sourceInstance = (await Load<VnfContinuity>(VnfContinuity.StreamIdFor(vnf))).CurrentLease.ShouldNotBeNull().InstanceId;
        var component = (await Load<Vnf>(vnf)).Components.Single(c => c.Name == "amf-n2").Id;
        // The component already runs apart, on a machine of its own on lab-a (as an earlier move would have left it).
        var source = await Fleet.BootAsync(Fleet.Slot(component), vnfMachine.Host, "the test's component running apart", Ct);
        await Eventually.Until(() => Task.FromResult(source.LastCounter()), c => c >= 3, "the component's machine to boot and count", TimeSpan.FromSeconds(90));

        var beforeMove = source.LastCounter()!.Value;
        var id = await SubmitApprovedAsync(new SubmitRequest(RequestKind.Migration, vnf, [component], lab.LabB, null, "Move the N2 termination apart.", null));
        var done = await WaitFor(id, RequestStatus.Completed);
        TestContext.Current.TestOutputHelper?.WriteLine(done.Request.Outcome ?? "");

        var target = Fleet.Slot(component).Machine.ShouldNotBeNull();
        var status = await target.StatusAsync(Ct);
        var first = await FirstCounterAsync(target, "the moved component's machine to count");
        return new ComponentMoved(vnf, component, id, sourceInstance, vnfMachine, Fleet.Slot(vnf).Machine, source, target, status, beforeMove, first,
            done.Request.MeasuredDowntime, done.Request.Outcome ?? "", [Fleet.Slot(vnf).InstanceId, Fleet.Slot(component).InstanceId]);
    });
}

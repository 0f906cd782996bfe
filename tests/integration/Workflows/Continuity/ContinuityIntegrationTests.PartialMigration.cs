using Console.IntegrationTests.Workflows.Runtime;
using Console.Nfv.Simulator;
using Console.Workflows.Continuity;
using Console.Workflows.Continuity.Tracking;
using Console.Workflows.Inventory;
using Console.Workflows.Nfv;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Executing;
using Marten;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Continuity;

// A migration of selected components takes the steps of a whole-VNF migration on the simulator: the channel check
// before anything moves, the state sealed to the key the target's accepted quote measured, a new epoch, the source
// fenced, and a copy on the old epoch refused.
public sealed partial class ContinuityIntegrationTests
{
    [Fact]
    public async Task PartialMigration_OverAnUnencryptedChannel_IsRefused_NothingSealedAndNothingMoved()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        await Continuity.EnsureEstablishedAsync(s.Vnf, Ct);
        Host.Set("Nfv:Simulator:UnencryptedChannelsFor", s.DcB.ToString());
        try
        {
            var id = await SubmitAsync(s.Migration(s.DcB, s.N2), s.Operator);
            await ApproveAsync(id, RuntimeScenario.Approver(1));
            var failed = await WaitFor(id, RequestStatus.Failed);
            failed.Request.Outcome.ShouldNotBeNull().ShouldContain(
                $"The infrastructure reports the transfer channel as unencrypted (plain TCP between DC A {s.Suffix} and DC B {s.Suffix} (the IPsec tunnel is down, simulated)); the VNF's state never travels in the clear.");

            // The adapter refuses on its own too, before it records or moves anything.
            var direct = await Should.ThrowAsync<InfrastructureException>(() => Simulator.MigrateAsync(
                new MigrationOrder(Guid.NewGuid(), s.Vnf, [s.N2], s.DcA, s.DcB), Ct));
            direct.Message.ShouldStartWith($"The migration from DC A {s.Suffix} to DC B {s.Suffix} was refused before any state moved: plain TCP");
        }
        finally
        {
            Host.Set("Nfv:Simulator:UnencryptedChannelsFor", "");
        }

        (await EventsOf(VnfContinuity.StreamIdFor(s.Vnf))).Select(e => e.GetType().Name).ShouldBe([nameof(ContinuityEstablished)]);
        var vnf = await Load<Vnf>(s.Vnf);
        vnf.PlacementOf(vnf.Components.Single(c => c.Id == s.N2)).ShouldBe(s.DcA);
        await using var session = Host.Store.QuerySession();
        (await session.Query<SimulatedSealedState>().Where(x => x.VnfId == s.Vnf).CountAsync(Ct)).ShouldBe(0);
        (await session.Query<SimulatedOperation>().Where(o => o.VnfId == s.Vnf).CountAsync(Ct)).ShouldBe(0);
        (await session.LoadAsync<SimulatedPlacement>(s.N2, Ct)).ShouldBeNull();
        (await StateOf(s.Vnf)).CurrentLease.ShouldNotBeNull().Epoch.ShouldBe(1);
    }

    [Fact]
    public async Task PartialMigration_SealedToTheTargetsQuotedKey_RunsOnANewEpoch_FencesTheSource_AndACopyOnTheOldEpochIsRefused()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var source = (await Continuity.EnsureEstablishedAsync(s.Vnf, Ct)).ShouldNotBeNull().CurrentLease.ShouldNotBeNull().InstanceId;

        var id = await SubmitAsync(s.Migration(s.DcB, s.N2), s.Operator);
        await ApproveAsync(id, RuntimeScenario.Approver(1));
        var done = await WaitFor(id, RequestStatus.Completed);

        var events = await EventsOf(VnfContinuity.StreamIdFor(s.Vnf));
        events.Select(e => e.GetType().Name).ShouldBe([nameof(ContinuityEstablished), nameof(StateSealed), nameof(MigrationCommitted)]);
        var sealedState = events.OfType<StateSealed>().Single();
        sealedState.ComponentIds.ShouldBe([s.N2]);
        (sealedState.Epoch, sealedState.SourceInstanceId, sealedState.TargetEnvironmentId).ShouldBe((1L, source, s.DcB));
        sealedState.SealedToKeyId.ShouldBe(SimulatedNfvInfrastructure.SealingKeyId(await Simulator.SealingKeyAsync(s.DcB, Ct)));
        var newInstance = ExecutionDecider.InstanceIdFor(ExecutionDecider.OperationId(id, 1));
        var committed = events.OfType<MigrationCommitted>().Single();
        (committed.FromEpoch, committed.NewEpoch, committed.SourceInstanceId, committed.TargetInstanceId).ShouldBe((1L, 2L, source, newInstance));
        done.Request.Outcome.ShouldNotBeNull().ShouldContain(
            $"the state of 1 component(s) at epoch 1 was sealed to {sealedState.SealedToKeyId} and sent over IPsec");
        done.Request.Outcome.ShouldContain("holds epoch 2; the source instance");

        // The VNF runs on in DC A as the new instance; only n2-termination left for DC B.
        var after = await StateOf(s.Vnf);
        after.Epoch.ShouldBe(2);
        var lease = after.CurrentLease.ShouldNotBeNull();
        (lease.InstanceId, lease.EnvironmentId).ShouldBe((newInstance, s.DcA));
        after.Fenced.ShouldBe([source]);
        var instances = await Simulator.InstancesAsync(s.Vnf, Ct);
        instances.Single(i => i.InstanceId == source).ShouldSatisfyAllConditions(i => i.Fenced.ShouldBeTrue(), i => i.State.ShouldBe(InstanceRunState.Stopped));
        instances.Single(i => i.InstanceId == newInstance).ShouldSatisfyAllConditions(
            i => i.EnvironmentId.ShouldBe(s.DcA), i => i.Epoch.ShouldBe(2), i => i.State.ShouldBe(InstanceRunState.Running));
        var vnf = await Load<Vnf>(s.Vnf);
        vnf.EnvironmentId.ShouldBe(s.DcA);
        vnf.PlacementOf(vnf.Components.Single(c => c.Id == s.N2)).ShouldBe(s.DcB);
        vnf.PlacementOf(vnf.Components.Single(c => c.Id == s.ContextStore)).ShouldBe(s.DcA);
        await using (var session = Host.Store.QuerySession())
            (await session.LoadAsync<SimulatedSealedState>(ExecutionDecider.OperationId(id, 1), Ct)).ShouldNotBeNull().ComponentIds.ShouldBe([s.N2]);

        // The moved components' old copy in DC A speaks again, and someone starts the VNF from the old epoch's state.
        var old = await Continuity.HeartbeatAsync(new InstanceHeartbeat(source, s.Vnf, s.DcA, 1), Ct);
        old.Verdict.ShouldBe(HeartbeatVerdict.ForkDetected);
        old.Detail.ShouldContain("A fenced copy is still running.");
        var replay = await Simulator.StartOutOfBandAsync(s.Vnf, s.DcB, 1, Ct);
        var replayed = await Continuity.HeartbeatAsync(new InstanceHeartbeat(replay.InstanceId, s.Vnf, s.DcB, 1), Ct);
        replayed.Verdict.ShouldBe(HeartbeatVerdict.ForkDetected);
        replayed.Detail.ShouldContain("It runs on the state of epoch 1, but the VNF is at epoch 2: a stale copy (roll-back).");
        (await Simulator.InstancesAsync(s.Vnf, Ct)).Single(i => i.InstanceId == replay.InstanceId).Fenced.ShouldBeTrue();
        (await Continuity.HeartbeatAsync(new InstanceHeartbeat(newInstance, s.Vnf, s.DcA, 2), Ct)).Verdict.ShouldBe(HeartbeatVerdict.Valid);
    }
}

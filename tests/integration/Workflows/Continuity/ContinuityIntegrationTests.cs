using Console.Nfv.Simulator;
using Console.IntegrationTests.Infrastructure;
using Console.IntegrationTests.Workflows.Runtime;
using Console.Workflows.Attestation;
using Console.Workflows.Attestation.Verifying;
using Console.Workflows.Common;
using Console.Workflows.Continuity;
using Console.Workflows.Continuity.Tracking;
using Console.Workflows.Inventory;
using Console.Workflows.Nfv;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Executing;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Wolverine;
using Xunit;

namespace Console.IntegrationTests.Workflows.Continuity;

/// <summary>
/// State continuity and attestation on real PostgreSQL with the workflow running: fork detection from heartbeats,
/// evidence refused for each reason, migrations through sealed epochs (one winner of two), restore onto a new epoch,
/// and a restart that interrupts and re-attests before trust relationships come back.
/// </summary>
public sealed partial class ContinuityIntegrationTests(WorkflowFixture fixture) : IClassFixture<WorkflowFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WorkflowHost Host => fixture.Host;

    private IContinuityService Continuity => Host.Services.GetRequiredService<IContinuityService>();

    private SimulatedNfvInfrastructure Simulator => (SimulatedNfvInfrastructure)Host.Services.GetRequiredService<INfvInfrastructure>();

    // ---- forks ------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Heartbeat_FromTheFencedSourceAfterAMigration_ForkDetected_AlertedAndFenced()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var before = (await Continuity.EnsureEstablishedAsync(s.Vnf, Ct)).ShouldNotBeNull();
        var source = before.CurrentLease.ShouldNotBeNull().InstanceId;

        var id = await SubmitWholeMigrationAsync(s, s.DcB);
        await WaitFor(id, RequestStatus.Completed);

        var after = await StateOf(s.Vnf);
        after.Epoch.ShouldBe(2);
        after.EpochHistory.ShouldBe([1L, 2L]);
        after.CurrentLease.ShouldNotBeNull().EnvironmentId.ShouldBe(s.DcB);
        after.CurrentLease.InstanceId.ShouldBe(ExecutionDecider.InstanceIdFor(ExecutionDecider.OperationId(id, 1)));
        (await Simulator.InstancesAsync(s.Vnf, Ct)).Single(i => i.InstanceId == source).Fenced.ShouldBeTrue();
        var events = await EventsOf(VnfContinuity.StreamIdFor(s.Vnf));
        events.Select(e => e.GetType().Name).ShouldBe([nameof(ContinuityEstablished), nameof(StateSealed), nameof(MigrationCommitted)]);

        // The old copy speaks again, as if fencing had not reached it.
        var outcome = await Continuity.HeartbeatAsync(new InstanceHeartbeat(source, s.Vnf, s.DcA, 1), Ct);

        outcome.Verdict.ShouldBe(HeartbeatVerdict.ForkDetected);
        var fork = (await EventsOf(VnfContinuity.StreamIdFor(s.Vnf))).OfType<ForkDetected>().ShouldHaveSingleItem();
        (fork.InstanceId, fork.ReportedEpoch, fork.CurrentEpoch).ShouldBe((source, 1L, 2L));
        fork.Detail.ShouldContain("fenced copy");
        var alert = (await AlertsFor(s.Vnf, SecurityAlertKind.ForkDetected)).ShouldHaveSingleItem();
        alert.SubjectId.ShouldBe(source);
        alert.Reason.ShouldBe("FencedCopy");
        alert.VnfName.ShouldBe(s.VnfName);
        (await StateOf(s.Vnf)).CurrentLease.ShouldNotBeNull().InstanceId.ShouldBe(after.CurrentLease.InstanceId);
    }

    [Fact]
    public async Task Heartbeat_FromASecondLiveInstance_ForkDetected_AndTheCopyIsFencedNotTheHolder()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var state = (await Continuity.EnsureEstablishedAsync(s.Vnf, Ct)).ShouldNotBeNull();
        var holder = state.CurrentLease.ShouldNotBeNull().InstanceId;
        (await Continuity.HeartbeatAsync(new InstanceHeartbeat(holder, s.Vnf, s.DcA, 1), Ct)).Verdict.ShouldBe(HeartbeatVerdict.Valid);

        var copy = await Simulator.StartOutOfBandAsync(s.Vnf, s.DcB, 1, Ct);
        var outcome = await Continuity.HeartbeatAsync(new InstanceHeartbeat(copy.InstanceId, s.Vnf, s.DcB, copy.Epoch), Ct);

        outcome.Verdict.ShouldBe(HeartbeatVerdict.ForkDetected);
        outcome.Detail.ShouldContain("second live instance");
        var instances = await Simulator.InstancesAsync(s.Vnf, Ct);
        instances.Single(i => i.InstanceId == copy.InstanceId).ShouldSatisfyAllConditions(
            i => i.Fenced.ShouldBeTrue(), i => i.State.ShouldBe(InstanceRunState.Stopped));
        instances.Single(i => i.InstanceId == holder).Fenced.ShouldBeFalse();
        var after = await StateOf(s.Vnf);
        after.CurrentLease.ShouldNotBeNull().InstanceId.ShouldBe(holder);
        after.Fenced.ShouldBe([copy.InstanceId]);
        (await AlertsFor(s.Vnf, SecurityAlertKind.ForkDetected)).ShouldHaveSingleItem().Reason.ShouldBe("SecondInstance");
        // Fenced for good: the copy speaking again is detected again.
        (await Continuity.HeartbeatAsync(new InstanceHeartbeat(copy.InstanceId, s.Vnf, s.DcB, 1), Ct)).Verdict.ShouldBe(HeartbeatVerdict.ForkDetected);
    }

    [Fact]
    public async Task Heartbeat_OnAStaleEpoch_ForkDetected_AsARollBackAttempt()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        await Continuity.EnsureEstablishedAsync(s.Vnf, Ct);
        var id = await SubmitWholeMigrationAsync(s, s.DcB);
        await WaitFor(id, RequestStatus.Completed);

        // Someone starts the VNF from an old snapshot (epoch 1) behind the console's back.
        var stale = await Simulator.StartOutOfBandAsync(s.Vnf, s.DcA, 1, Ct);
        var outcome = await Continuity.HeartbeatAsync(new InstanceHeartbeat(stale.InstanceId, s.Vnf, s.DcA, 1), Ct);

        outcome.Verdict.ShouldBe(HeartbeatVerdict.ForkDetected);
        outcome.Detail.ShouldContain("stale copy");
        (await AlertsFor(s.Vnf, SecurityAlertKind.ForkDetected)).ShouldHaveSingleItem().Reason.ShouldBe("StaleEpoch");
        (await Simulator.InstancesAsync(s.Vnf, Ct)).Single(i => i.InstanceId == stale.InstanceId).Fenced.ShouldBeTrue();
        (await StateOf(s.Vnf)).Epoch.ShouldBe(2);
    }

    // ---- evidence ---------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("Nfv:Simulator:FailAttestationFor", EvidenceRefusal.MeasurementMismatch, "measurements do not match")]
    [InlineData("Nfv:Simulator:ForgeAttestationFor", EvidenceRefusal.BadSignature, "signature does not verify")]
    [InlineData("Nfv:Simulator:ReplayAttestationFor", EvidenceRefusal.WrongNonce, "replayed")]
    [InlineData("Nfv:Simulator:AttestationAge", EvidenceRefusal.Stale, "at most 5 min is accepted")]
    public async Task Verify_EvidenceRefused_RecordsTheReasonAndAlerts(string option, EvidenceRefusal refusal, string reason)
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var attestation = Host.Services.GetRequiredService<IAttestationService>();
        // A good verification first: the subject is enrolled, and a replaying platform has a nonce to replay.
        (await attestation.VerifyAsync(AttestedSubjectKind.Environment, s.DcB, null, Ct)).Accepted.ShouldBeTrue();

        Host.Set(option, option.EndsWith("Age", StringComparison.Ordinal) ? "01:00:00" : s.DcB.ToString());
        AttestationOutcome outcome;
        try
        {
            outcome = await attestation.VerifyAsync(AttestedSubjectKind.Environment, s.DcB, s.Vnf, Ct);
        }
        finally
        {
            Host.Set(option, option.EndsWith("Age", StringComparison.Ordinal) ? "00:00:00" : "");
        }

        outcome.Accepted.ShouldBeFalse();
        outcome.Refusal.ShouldBe(refusal);
        outcome.Detail.ShouldContain(reason);
        var verified = (await EventsOf(s.DcB)).OfType<EvidenceVerified>().ToList();
        verified.Select(v => v.Accepted).ShouldBe([true, false]);
        verified[1].ShouldSatisfyAllConditions(
            v => v.Refusal.ShouldBe(refusal), v => v.Detail.ShouldContain(reason), v => v.By.ShouldBe(AttestationService.By));
        var subject = await Load<AttestationSubject>(s.DcB);
        (subject.Verifications, subject.Refusals, subject.LastVerification?.Refusal).ShouldBe((2, 1, (EvidenceRefusal?)refusal));
        var alert = (await AlertsFor(s.Vnf, SecurityAlertKind.EvidenceRefused)).ShouldHaveSingleItem();
        (alert.SubjectId, alert.Reason).ShouldBe((s.DcB, refusal.ToString()));
    }

    [Fact]
    public async Task Execute_WhenTheTargetPresentsForgedEvidence_EvidenceRefused_AndTheRequestFailsWithTheReason()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        await Continuity.EnsureEstablishedAsync(s.Vnf, Ct);
        Host.Set("Nfv:Simulator:ForgeAttestationFor", s.DcB.ToString());
        try
        {
            var id = await SubmitWholeMigrationAsync(s, s.DcB);
            var failed = await WaitFor(id, RequestStatus.Failed);
            failed.Request.Outcome.ShouldNotBeNull().ShouldContain("signature does not verify");
        }
        finally
        {
            Host.Set("Nfv:Simulator:ForgeAttestationFor", "");
        }

        (await EventsOf(s.DcB)).OfType<EvidenceVerified>().Last().Refusal.ShouldBe(EvidenceRefusal.BadSignature);
        (await StateOf(s.Vnf)).ShouldSatisfyAllConditions(c => c.Epoch.ShouldBe(1), c => c.Sealed.ShouldBeNull());
        (await Load<Vnf>(s.Vnf)).EnvironmentId.ShouldBe(s.DcA);
    }

    // ---- migration --------------------------------------------------------------------------------------------

    [Fact]
    public async Task TwoConcurrentMigrations_OfOneVnf_ExactlyOneWins()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        await Continuity.EnsureEstablishedAsync(s.Vnf, Ct);
        var first = await SubmitAsync(s.Migration(s.DcB), s.Operator);
        var second = await SubmitAsync(s.Migration(s.DcB), s.Operator);

        // The last approvals of both land together, so both executions run at the same time.
        foreach (var id in new[] { first, second })
        {
            await ApproveAsync(id, RuntimeScenario.Approver(1));
            await ApproveAsync(id, s.Security);
        }

        await Task.WhenAll(ApproveAsync(first, RuntimeScenario.Approver(2)), ApproveAsync(second, RuntimeScenario.Approver(2)));

        var outcomes = await Task.WhenAll(
            Eventually.Until(() => Details(first), d => d?.Request.Status is RequestStatus.Completed or RequestStatus.Failed, "the first to finish"),
            Eventually.Until(() => Details(second), d => d?.Request.Status is RequestStatus.Completed or RequestStatus.Failed, "the second to finish"));
        outcomes.Count(d => d!.Request.Status == RequestStatus.Completed).ShouldBe(1);
        var loser = outcomes.Single(d => d!.Request.Status == RequestStatus.Failed)!;
        loser.Request.Outcome.ShouldNotBeNull().ShouldMatch("(one migration at a time|no longer runs in the environment this request moves it from|moved on|cannot seal)");

        var state = await StateOf(s.Vnf);
        state.Epoch.ShouldBe(2);
        state.Sealed.ShouldBeNull();
        var events = await EventsOf(VnfContinuity.StreamIdFor(s.Vnf));
        events.OfType<MigrationCommitted>().ShouldHaveSingleItem();
        var running = (await Simulator.InstancesAsync(s.Vnf, Ct)).Where(i => i.State == InstanceRunState.Running && !i.Fenced).ToList();
        running.ShouldHaveSingleItem().InstanceId.ShouldBe(state.CurrentLease.ShouldNotBeNull().InstanceId);
        (await Load<Vnf>(s.Vnf)).EnvironmentId.ShouldBe(s.DcB);
    }

    [Fact]
    public async Task Migration_OverAnUnencryptedChannel_IsRefused_AndNothingIsSealed()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        await Continuity.EnsureEstablishedAsync(s.Vnf, Ct);
        Host.Set("Nfv:Simulator:UnencryptedChannelsFor", s.DcB.ToString());
        try
        {
            var id = await SubmitWholeMigrationAsync(s, s.DcB);
            var failed = await WaitFor(id, RequestStatus.Failed);
            failed.Request.Outcome.ShouldNotBeNull().ShouldContain("unencrypted");
        }
        finally
        {
            Host.Set("Nfv:Simulator:UnencryptedChannelsFor", "");
        }

        (await EventsOf(VnfContinuity.StreamIdFor(s.Vnf))).Select(e => e.GetType().Name).ShouldBe([nameof(ContinuityEstablished)]);
        (await Load<Vnf>(s.Vnf)).EnvironmentId.ShouldBe(s.DcA);
        await using var session = Host.Store.QuerySession();
        (await session.Query<SimulatedSealedState>().Where(x => x.VnfId == s.Vnf).CountAsync(Ct)).ShouldBe(0);
    }

    // ---- restore and lifecycle --------------------------------------------------------------------------------

    [Fact]
    public async Task Restore_OfASnapshotFromEpochOne_RunsOnANewEpoch_FencesTheHolder_AndReattests()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        await Continuity.EnsureEstablishedAsync(s.Vnf, Ct);
        var snapshotRequest = await SubmitAsync(s.Snapshot(s.N2), s.Operator);
        await ApproveAsync(snapshotRequest, RuntimeScenario.Approver(3));
        await WaitFor(snapshotRequest, RequestStatus.Completed);
        var snapshotId = ExecutionDecider.SnapshotIdFor(snapshotRequest);
        (await Load<Console.Workflows.Snapshots.Snapshot>(snapshotId)).StateEpoch.ShouldBe(1);

        var migration = await SubmitWholeMigrationAsync(s, s.DcB);
        await WaitFor(migration, RequestStatus.Completed);
        var holder = (await StateOf(s.Vnf)).CurrentLease.ShouldNotBeNull().InstanceId;

        var restore = await ApprovedDirectlyAsync(s, RequestKind.Restore, s.DcB, snapshotId);
        var done = await WaitFor(restore, RequestStatus.Completed);

        var state = await StateOf(s.Vnf);
        state.Epoch.ShouldBe(3);
        state.EpochHistory.ShouldBe([1L, 2L, 3L]);
        state.AwaitingReattestation.ShouldBeFalse();
        var restored = (await EventsOf(VnfContinuity.StreamIdFor(s.Vnf))).OfType<StateRestored>().ShouldHaveSingleItem();
        (restored.SnapshotEpoch, restored.FromEpoch, restored.NewEpoch, restored.RequestId).ShouldBe((1L, 2L, 3L, restore));
        var events = await EventsOf(VnfContinuity.StreamIdFor(s.Vnf));
        events[^1].ShouldBeOfType<InstanceReattested>().InstanceId.ShouldBe(restored.InstanceId);
        (await EventsOf(restored.InstanceId)).OfType<EvidenceVerified>().Last().Accepted.ShouldBeTrue();
        (await Simulator.InstancesAsync(s.Vnf, Ct)).Single(i => i.InstanceId == holder).Fenced.ShouldBeTrue();
        done.Request.Outcome.ShouldNotBeNull().ShouldContain("new epoch 3");
        done.Request.Outcome.ShouldContain("epoch(s) 2 is lost");

        var view = (await Host.With<IContinuityReader, VnfContinuityView?>(r => r.GetAsync(s.Vnf, Ct))).ShouldNotBeNull();
        view.Trustworthy.ShouldBeTrue();
        view.InstanceAttestation.ShouldNotBeNull().LastAccepted.ShouldBe(true);
        view.History.Select(h => h.EventType).ShouldContain(nameof(StateRestored));
        view.History.Single(h => h.EventType == nameof(StateRestored)).Summary.ShouldContain("new epoch 3");
    }

    [Fact]
    public async Task Restart_InterruptsAndReattests_BeforeTheTrustRelationshipsComeBack()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        await Continuity.EnsureEstablishedAsync(s.Vnf, Ct);
        await Continuity.EnsureEstablishedAsync(s.ProbeVnf, Ct);
        (await Continuity.DeclareTrustAsync(s.ProbeVnf, s.Vnf, "NF registration", "test:setup", Ct)).ShouldBeNull();
        (await RelationshipOf(s.Vnf)).Established.ShouldBeTrue();

        // The restarted instance comes back with a changed image: re-attestation refused, trust stays down.
        Host.Set("Nfv:Simulator:FailAttestationFor", s.Vnf.ToString());
        Guid refused;
        try
        {
            refused = await ApprovedDirectlyAsync(s, RequestKind.Restart, s.DcA, null);
            var failed = await WaitFor(refused, RequestStatus.Failed);
            failed.Request.Outcome.ShouldNotBeNull().ShouldContain("re-attestation was refused");
        }
        finally
        {
            Host.Set("Nfv:Simulator:FailAttestationFor", "");
        }

        (await StateOf(s.Vnf)).AwaitingReattestation.ShouldBeTrue();
        var down = await RelationshipOf(s.Vnf);
        down.Established.ShouldBeFalse();
        down.State.ShouldContain("awaits re-attestation");

        var restart = await ApprovedDirectlyAsync(s, RequestKind.Restart, s.DcA, null);
        var done = await WaitFor(restart, RequestStatus.Completed);

        done.Request.Outcome.ShouldNotBeNull().ShouldContain("re-attested");
        var types = (await EventsOf(VnfContinuity.StreamIdFor(s.Vnf))).Select(e => e.GetType().Name).ToList();
        types.ShouldBe([nameof(ContinuityEstablished), nameof(InstanceInterrupted), nameof(InstanceReattested)]);
        (await StateOf(s.Vnf)).AwaitingReattestation.ShouldBeFalse();
        (await RelationshipOf(s.Vnf)).Established.ShouldBeTrue();
        var holder = (await StateOf(s.Vnf)).CurrentLease.ShouldNotBeNull().InstanceId;
        (await EventsOf(holder)).OfType<EvidenceVerified>().Select(v => v.Accepted).ShouldBe([false, true]);
    }

    [Fact]
    public async Task Restore_WhenTheNewInstancesEvidenceIsRefused_FailsWithTheReason_AndTheVnfStaysUntrusted()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        await Continuity.EnsureEstablishedAsync(s.Vnf, Ct);
        var snapshotRequest = await SubmitAsync(s.Snapshot(s.N2), s.Operator);
        await ApproveAsync(snapshotRequest, RuntimeScenario.Approver(3));
        await WaitFor(snapshotRequest, RequestStatus.Completed);

        Host.Set("Nfv:Simulator:FailAttestationFor", s.Vnf.ToString());
        try
        {
            var restore = await ApprovedDirectlyAsync(s, RequestKind.Restore, s.DcA, ExecutionDecider.SnapshotIdFor(snapshotRequest));
            var failed = await WaitFor(restore, RequestStatus.Failed);
            failed.Request.Outcome.ShouldNotBeNull().ShouldContain("re-attestation was refused");
            failed.Request.Outcome.ShouldContain("measurements do not match");
        }
        finally
        {
            Host.Set("Nfv:Simulator:FailAttestationFor", "");
        }

        var view = (await Host.With<IContinuityReader, VnfContinuityView?>(r => r.GetAsync(s.Vnf, Ct))).ShouldNotBeNull();
        (view.Epoch, view.AwaitingReattestation, view.Trustworthy).ShouldBe((2L, true, false));
        view.InstanceAttestation.ShouldNotBeNull().LastRefusal.ShouldBe(EvidenceRefusal.MeasurementMismatch);
        (await AlertsFor(s.Vnf, SecurityAlertKind.EvidenceRefused)).ShouldHaveSingleItem().Reason.ShouldBe(nameof(EvidenceRefusal.MeasurementMismatch));
    }

    [Fact]
    public async Task PauseThenResume_InterruptsTrust_UntilTheResumedInstanceIsReattested()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var holder = (await Continuity.EnsureEstablishedAsync(s.Vnf, Ct)).ShouldNotBeNull().CurrentLease.ShouldNotBeNull().InstanceId;

        var pause = await ApprovedDirectlyAsync(s, RequestKind.Pause, s.DcA, null);
        (await WaitFor(pause, RequestStatus.Completed)).Request.Outcome.ShouldNotBeNull().ShouldContain("paused");
        (await StateOf(s.Vnf)).AwaitingReattestation.ShouldBeTrue();
        (await Simulator.InstancesAsync(s.Vnf, Ct)).Single(i => i.InstanceId == holder).State.ShouldBe(InstanceRunState.Paused);
        // A paused instance reports no heartbeat; the simulator lists only running ones.
        (await Simulator.RunningInstancesAsync(Ct)).ShouldNotContain(i => i.InstanceId == holder);

        var resume = await ApprovedDirectlyAsync(s, RequestKind.Resume, s.DcA, null);
        (await WaitFor(resume, RequestStatus.Completed)).Request.Outcome.ShouldNotBeNull().ShouldContain("re-attested");

        (await EventsOf(VnfContinuity.StreamIdFor(s.Vnf))).Select(e => e.GetType().Name)
            .ShouldBe([nameof(ContinuityEstablished), nameof(InstanceInterrupted), nameof(InstanceReattested)]);
        (await StateOf(s.Vnf)).Trustworthy.ShouldBeTrue();
    }

    [Fact]
    public async Task HeartbeatRound_EstablishesNewVnfs_AndARogueCopyItReports_ForkDetected()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var heartbeats = Host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<SimulatedHeartbeats>().Single();

        await heartbeats.RoundAsync(Simulator, Ct);
        var established = await StateOf(s.Vnf);
        established.Epoch.ShouldBe(1);
        var copy = await Simulator.StartOutOfBandAsync(s.Vnf, s.DcB, 1, Ct);
        await heartbeats.RoundAsync(Simulator, Ct);

        (await EventsOf(VnfContinuity.StreamIdFor(s.Vnf))).OfType<ForkDetected>().ShouldHaveSingleItem().InstanceId.ShouldBe(copy.InstanceId);
        (await Simulator.InstancesAsync(s.Vnf, Ct)).Single(i => i.InstanceId == copy.InstanceId).Fenced.ShouldBeTrue();
        (await StateOf(s.Vnf)).CurrentLease.ShouldNotBeNull().InstanceId.ShouldBe(established.CurrentLease!.InstanceId);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private async Task<TrustRelationshipView> RelationshipOf(Guid vnfId)
    {
        var view = (await Host.With<IContinuityReader, VnfContinuityView?>(r => r.GetAsync(vnfId, Ct))).ShouldNotBeNull();
        return view.Relationships.ShouldHaveSingleItem();
    }

    private async Task<Guid> SubmitWholeMigrationAsync(RuntimeScenario s, Guid target)
    {
        var id = await SubmitAsync(s.Migration(target), s.Operator);
        await ApproveAsync(id, RuntimeScenario.Approver(1));
        await ApproveAsync(id, s.Security);
        await ApproveAsync(id, RuntimeScenario.Approver(2));
        return id;
    }

    /// <summary>
    /// A restore or lifecycle request as approved (their submission rules are the request form's, not under test
    /// here), handed to the execution exactly as an approval hands it over.
    /// </summary>
    private async Task<Guid> ApprovedDirectlyAsync(RuntimeScenario s, RequestKind kind, Guid environment, Guid? snapshotId)
    {
        var id = Guid.NewGuid();
        var content = new RequestContent(kind, s.Vnf, [], environment, null, snapshotId, 1);
        var digest = ContentDigest.Of(content, $"{kind} for the test.", null);
        var now = DateTimeOffset.UtcNow;
        await using (var session = Host.Store.LightweightSession())
        {
            session.Events.StartStream<ChangeRequest>(id,
                new RequestSubmitted(id, content, digest, s.VnfName, $"{kind} for the test.", null,
                    new ApprovalRequirement([], false, "test"), s.Operator.UserId, s.Operator.DisplayName, now, now.AddDays(1)),
                new RequestApproved(id, digest, "test:setup", now));
            await session.SaveChangesAsync(Ct);
        }

        await Host.Services.GetRequiredService<IMessageBus>().SendAsync(new ExecuteRequest(id, 1));
        return id;
    }

    private async Task<Guid> SubmitAsync(SubmitRequest request, Actor actor)
    {
        var outcome = await Host.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(request, actor));
        outcome.Succeeded.ShouldBeTrue(outcome.Refusal?.Message);
        return outcome.Id;
    }

    private async Task ApproveAsync(Guid id, Actor approver)
    {
        for (var round = 0; ; round++)
        {
            var details = (await Details(id)).ShouldNotBeNull();
            var outcome = await Host.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(
                new ApproveRequest(id, details.Request.Version, details.Request.ContentDigest, "Checked."), Host.SignedIn(approver)));
            if (outcome.Refusal is { Kind: RefusalKind.Conflict } && round < 5)
                continue;
            outcome.Succeeded.ShouldBeTrue(outcome.Refusal?.Message);
            return;
        }
    }

    private Task<RequestDetails?> Details(Guid id) => Host.With<IRequestReader, RequestDetails?>(r => r.GetAsync(id));

    private async Task<RequestDetails> WaitFor(Guid id, RequestStatus status) =>
        (await Eventually.Until(() => Details(id), d => d?.Request.Status == status, $"request {id} to be {status}"))!;

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

    private Task<VnfContinuity> StateOf(Guid vnfId) => Load<VnfContinuity>(VnfContinuity.StreamIdFor(vnfId));

    private async Task<IReadOnlyList<SecurityAlertRow>> AlertsFor(Guid vnfId, SecurityAlertKind kind) =>
        (await Host.With<IContinuityReader, SecurityAlertPage>(r => r.AlertsAsync(new SecurityAlertQuery(kind, vnfId), Ct))).Rows;
}

using Console.Testing.Workflows.Common;
using Console.Workflows.Common;
using Console.Workflows.Continuity;
using Console.Workflows.Nfv;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Continuity;

/// <summary>
/// The migration decisions, for a partial move (selected components, each possibly a machine of its own) beside the
/// whole VNF's: the checks before sealing, the seal, the commit onto a new epoch with the source fenced, and a copy on
/// the old epoch refused afterwards.
/// </summary>
public sealed class ContinuityDeciderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 21, 0, 0, TimeSpan.Zero);
    private static readonly Guid VnfId = Guid.Parse("4f0c2a71-0000-4000-8000-0000000000b1");
    private static readonly Guid Home = Guid.Parse("4f0c2a71-0000-4000-8000-0000000000e1");
    private static readonly Guid Target = Guid.Parse("4f0c2a71-0000-4000-8000-0000000000e2");
    private static readonly Guid Source = Guid.Parse("4f0c2a71-0000-4000-8000-0000000000a1");
    private static readonly Guid NewInstance = Guid.Parse("4f0c2a71-0000-4000-8000-0000000000a2");
    private static readonly Guid Operation = Guid.Parse("4f0c2a71-0000-4000-8000-0000000000c1");
    private static readonly Guid NasSecurity = Guid.Parse("4f0c2a71-0000-4000-8000-0000000000d1");
    private static readonly string SealingKey = Convert.ToBase64String([1, 2, 3, 4, 5, 6, 7, 8]);

    private static VnfContinuity Established() =>
        VnfContinuity.Create((ContinuityEstablished)ContinuityDecider.Establish(null, VnfId, Source, Home, Now).Events.Single());

    private static MigrationSealing Sealing(params Guid[] components) =>
        new(Operation, Source, Home, 1, Target, "sha256:sealed", "sk-target", components);

    private static VnfContinuity SealedPartially()
    {
        var state = Established();
        return state.Apply((StateSealed)ContinuityDecider.SealForMigration(state, Sealing(NasSecurity), Now).Events.Single());
    }

    [Fact]
    public void BeforeSealing_OverAnUnencryptedChannel_IsRefusedNamingTheChannel()
    {
        var plain = new TransferChannel(Home, Target, false, "plain TCP between DC A and DC B");

        ContinuityDecider.BeforeSealing(plain, SealingMeasurement.DigestOf(SealingKey), SealingKey).ShouldBeRefusal(RefusalKind.Invalid,
            "The infrastructure reports the transfer channel as unencrypted (plain TCP between DC A and DC B); the VNF's state never travels in the clear. Restore the encrypted channel, then retry.");
    }

    [Fact]
    public void BeforeSealing_WhenTheKeyIsNotTheOneTheAcceptedQuoteMeasured_IsRefused()
    {
        var tls = new TransferChannel(Home, Target, true, "TLS");

        ContinuityDecider.BeforeSealing(tls, SealingMeasurement.DigestOf(Convert.ToBase64String([9, 9, 9])), SealingKey).ShouldBeRefusal(RefusalKind.Invalid,
            "The target's sealing key is not the one its accepted attestation evidence measured; the state is not sealed to it.");
        ContinuityDecider.BeforeSealing(tls, null, SealingKey).ShouldNotBeNull();
        ContinuityDecider.BeforeSealing(tls, SealingMeasurement.DigestOf(SealingKey).ToUpperInvariant(), SealingKey).ShouldBeNull();
    }

    [Fact]
    public void SealForMigration_OfSelectedComponents_EmitsStateSealed_NamingThemUnderTheCurrentEpoch()
    {
        var sealedState = ContinuityDecider.SealForMigration(Established(), Sealing(NasSecurity), Now).Events.ShouldHaveSingleItem().ShouldBeOfType<StateSealed>();

        (sealedState.Epoch, sealedState.SourceInstanceId, sealedState.TargetEnvironmentId, sealedState.SealedToKeyId).ShouldBe((1L, Source, Target, "sk-target"));
        sealedState.ComponentIds.ShouldBe([NasSecurity]);
    }

    [Fact]
    public void SealForMigration_OfTheWholeVnf_NamesNoComponents()
    {
        ContinuityDecider.SealForMigration(Established(), Sealing(), Now).Events.ShouldHaveSingleItem().ShouldBeOfType<StateSealed>().ComponentIds.ShouldBeNull();
    }

    [Fact]
    public void SealForMigration_OfComponentsAwayFromTheVnfsEnvironment_IsNotRefusedForThatEnvironment()
    {
        // The components run apart in the target-to-be's neighbour; the instance holding the lease runs at home.
        var elsewhere = Sealing(NasSecurity) with { SourceEnvironmentId = Guid.NewGuid() };

        ContinuityDecider.SealForMigration(Established(), elsewhere, Now).Refused.ShouldBeFalse();
        ContinuityDecider.SealForMigration(Established(), Sealing() with { SourceEnvironmentId = elsewhere.SourceEnvironmentId }, Now).Refusal
            .ShouldBeRefusal(RefusalKind.Conflict,
                "The VNF's live instance no longer runs in the environment this request moves it from (another migration or a restore came first); submit a new request.");
    }

    [Fact]
    public void SealForMigration_WhenAnotherMoveCommittedFirst_IsRefusedAsAConflict()
    {
        var moved = Committed(SealedPartially());

        ContinuityDecider.SealForMigration(moved, Sealing(NasSecurity) with { OperationId = Guid.NewGuid() }, Now).Refusal
            .ShouldBeRefusal(RefusalKind.Conflict, "The state was sealed at epoch 1, but the VNF moved on to epoch 2 meanwhile.");
    }

    [Fact]
    public void SealForMigration_WhileAnotherPartialMoveIsInFlight_IsRefused_OneMigrationAtATime()
    {
        ContinuityDecider.SealForMigration(SealedPartially(), Sealing(Guid.NewGuid()) with { OperationId = Guid.NewGuid() }, Now).Refusal
            .ShouldBeRefusalContaining(RefusalKind.Conflict, "already sealed epoch 1; one migration at a time.");
    }

    [Fact]
    public void Commit_OfAPartialMove_AdvancesTheEpoch_FencesTheSource_AndTheVnfRunsOnWhereItRan()
    {
        var state = SealedPartially();

        var committed = ContinuityDecider.Commit(state, Operation, NewInstance, 1, Now).Events.ShouldHaveSingleItem().ShouldBeOfType<MigrationCommitted>();
        var after = state.Apply(committed);

        (committed.FromEpoch, committed.NewEpoch, committed.SourceInstanceId, committed.TargetInstanceId).ShouldBe((1L, 2L, Source, NewInstance));
        committed.ComponentIds.ShouldBe([NasSecurity]);
        after.Epoch.ShouldBe(2);
        after.EpochHistory.ShouldBe([1L, 2L]);
        after.Sealed.ShouldBeNull();
        after.Fenced.ShouldBe([Source]);
        var lease = after.CurrentLease.ShouldNotBeNull();
        (lease.InstanceId, lease.EnvironmentId, lease.Epoch).ShouldBe((NewInstance, Home, 2L));
    }

    [Fact]
    public void Commit_OfAWholeMove_GrantsTheLeaseInTheTarget()
    {
        var state = Established();
        state = state.Apply((StateSealed)ContinuityDecider.SealForMigration(state, Sealing(), Now).Events.Single());

        var after = Committed(state);

        after.CurrentLease.ShouldNotBeNull().EnvironmentId.ShouldBe(Target);
    }

    [Fact]
    public void Heartbeat_OfTheSourceCopyAfterAPartialMove_OnTheOldEpoch_ForkDetected()
    {
        var after = Committed(SealedPartially());

        var fork = ContinuityDecider.Heartbeat(after, Source, Home, 1, Now).Events.ShouldHaveSingleItem().ShouldBeOfType<ForkDetected>();

        (fork.ReportedEpoch, fork.CurrentEpoch, fork.LeaseHolder).ShouldBe((1L, 2L, (Guid?)NewInstance));
        fork.Detail.ShouldBe("A fenced copy is still running. It runs on the state of epoch 1, but the VNF is at epoch 2: a stale copy (roll-back).");
        ContinuityDecider.Heartbeat(after, NewInstance, Home, 2, Now).Events.ShouldBeEmpty();
    }

    [Fact]
    public void Commit_OfAPartialMoveWhoseStateIsOfAnOldEpoch_IsRefused()
    {
        ContinuityDecider.Commit(SealedPartially(), Operation, NewInstance, 0, Now).Refusal
            .ShouldBeRefusal(RefusalKind.Conflict, "The sealed state is of epoch 0, the VNF is at epoch 1: unsealing it would bring back an old state.");
    }

    [Fact]
    public void Heartbeat_OfTheUnsealedTargetBeforeItsCommit_IsNoFork_AndTheCommitStillGrantsItTheLease()
    {
        var sealedToIt = SealedWholeTo(NewInstance);

        ContinuityDecider.Heartbeat(sealedToIt, NewInstance, Target, 2, Now).Events.ShouldBeEmpty();

        sealedToIt.CurrentLease.ShouldNotBeNull().InstanceId.ShouldBe(Source);
        Committed(sealedToIt).CurrentLease.ShouldNotBeNull().InstanceId.ShouldBe(NewInstance);
    }

    [Fact]
    public void Heartbeat_OnTheNextEpochWhileSealed_OfAnotherInstanceOrForASealNamingNone_ForkDetected()
    {
        var stranger = Guid.Parse("4f0c2a71-0000-4000-8000-0000000000a9");

        ContinuityDecider.Heartbeat(SealedWholeTo(NewInstance), stranger, Target, 2, Now).Events.ShouldHaveSingleItem().ShouldBeOfType<ForkDetected>()
            .Detail.ShouldBe("It claims epoch 2, which the console never issued.");
        ContinuityDecider.Heartbeat(SealedWholeTo(null), NewInstance, Target, 2, Now).Events.ShouldHaveSingleItem().ShouldBeOfType<ForkDetected>();
        ContinuityDecider.Heartbeat(SealedWholeTo(NewInstance), NewInstance, Target, 3, Now).Events.ShouldHaveSingleItem().ShouldBeOfType<ForkDetected>();
    }

    [Fact]
    public void Heartbeat_OfTheUnsealedTargetAfterItsMigrationAborted_ForkDetected()
    {
        var sealedToIt = SealedWholeTo(NewInstance);
        var aborted = sealedToIt.Apply((MigrationAborted)ContinuityDecider.Abort(sealedToIt, Operation, "attestation refused", Now).Events.Single());

        ContinuityDecider.Heartbeat(aborted, NewInstance, Target, 2, Now).Events.ShouldHaveSingleItem().ShouldBeOfType<ForkDetected>()
            .Detail.ShouldBe("It claims epoch 2, which the console never issued.");
    }

    private static VnfContinuity SealedWholeTo(Guid? targetInstance)
    {
        var state = Established();
        var sealing = Sealing() with { TargetInstanceId = targetInstance };
        return state.Apply((StateSealed)ContinuityDecider.SealForMigration(state, sealing, Now).Events.Single());
    }

    private static VnfContinuity Committed(VnfContinuity sealedState) =>
        sealedState.Apply((MigrationCommitted)ContinuityDecider.Commit(sealedState, Operation, NewInstance, 1, Now).Events.Single());
}

using Console.Workflows.Common;
using Console.Workflows.Continuity;
using FsCheck.Xunit;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Continuity;

/// <summary>
/// Random sequences of migrate (the whole VNF or a component), snapshot, restore, pause, restart, crash, rogue starts and heartbeats against a
/// simulated set of running instances, folded through the continuity decisions as the event store would. After every
/// step: never two valid leases, epochs only grow, a restore never reuses an epoch, and every copy that runs on a
/// stale epoch or beside the lease holder is detected and fenced.
/// </summary>
public sealed class EpochInvariantTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);
    private static readonly Guid VnfId = Guid.Parse("7a3c2f10-0000-4000-8000-0000000000a1");
    private static readonly Guid[] Environments = [Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()];
    private static readonly Guid Component = Guid.Parse("7a3c2f10-0000-4000-8000-0000000000c1");

    private sealed class Script(byte[]? bytes)
    {
        private readonly byte[] _bytes = bytes is { Length: > 0 } ? bytes : [0];
        private int _next;

        public int Steps => Math.Min(_bytes.Length * 2, 60);

        public int Pick(int n) => _bytes[_next++ % _bytes.Length] % n;

        public T Pick<T>(IReadOnlyList<T> items) => items[Pick(items.Count)];
    }

    /// <summary>A process the infrastructure runs: which instance, where, on the state of which epoch.</summary>
    private sealed record Running(Guid InstanceId, Guid EnvironmentId, long Epoch);

    private sealed class World
    {
        public VnfContinuity State { get; set; } = null!;

        public List<Running> Alive { get; } = [];

        public List<(Guid Id, long Epoch)> Snapshots { get; } = [];

        public List<object> Events { get; } = [];

        public DateTimeOffset Now { get; set; } = T0;

        public Decision Apply(Decision decision)
        {
            foreach (var e in decision.Events)
            {
                State = e switch
                {
                    ContinuityEstablished x => VnfContinuity.Create(x),
                    StateSealed x => State.Apply(x),
                    MigrationCommitted x => State.Apply(x),
                    MigrationAborted x => State.Apply(x),
                    StateRestored x => State.Apply(x),
                    InstanceInterrupted x => State.Apply(x),
                    InstanceReattested x => State.Apply(x),
                    ForkDetected x => State.Apply(x),
                    _ => throw new InvalidOperationException(e.GetType().Name),
                };
                Events.Add(e);
            }

            return decision;
        }
    }

    private static World Run(byte[] bytes, Action<World, string>? afterEachStep = null)
    {
        var s = new Script(bytes);
        var w = new World();
        var first = new Running(Guid.NewGuid(), Environments[0], 1);
        w.Apply(ContinuityDecider.Establish(null, VnfId, first.InstanceId, first.EnvironmentId, w.Now)).Refused.ShouldBeFalse();
        w.Alive.Add(first);

        for (var step = 0; step < s.Steps; step++)
        {
            w.Now += TimeSpan.FromMinutes(1);
            var op = s.Pick(9);
            string what;
            switch (op)
            {
                case 0: // migrate the whole VNF or a component; the source process is NOT stopped: only fencing makes it harmless
                {
                    var operation = Guid.NewGuid();
                    var target = s.Pick(Environments);
                    var sealedAt = w.State.Epoch;
                    IReadOnlyList<Guid>? components = s.Pick(2) == 0 ? [Component] : null;
                    var runsIn = components is null ? target : w.State.CurrentLease?.EnvironmentId ?? target;
                    what = components is null ? "migrate" : "migrate a component";
                    if (w.Apply(ContinuityDecider.Seal(w.State, operation, target, "digest", "target-key", w.Now, components)).Refused)
                        break;
                    var instance = Guid.NewGuid();
                    if (!w.Apply(ContinuityDecider.Commit(w.State, operation, instance, sealedAt, w.Now)).Refused)
                    {
                        // A partial move leaves the VNF's instance where it ran.
                        w.State.CurrentLease.ShouldNotBeNull().EnvironmentId.ShouldBe(runsIn);
                        w.Alive.Add(new Running(instance, runsIn, w.State.Epoch));
                    }

                    break;
                }

                case 1: // two migrations decided on the same state: the expected version lets only the first commit
                {
                    what = "concurrent migrations";
                    var seen = w.State;
                    var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
                    var sealA = ContinuityDecider.Seal(seen, a, Environments[1], "d", "k", w.Now);
                    var sealB = ContinuityDecider.Seal(seen, b, Environments[2], "d", "k", w.Now);
                    if (sealA.Refused || sealB.Refused)
                        break;
                    w.Apply(sealA);
                    // B's events were decided on the version A has moved on: the store refuses them; decided again, B is refused.
                    var second = ContinuityDecider.Seal(w.State, b, Environments[2], "d", "k", w.Now).Refusal.ShouldNotBeNull();
                    second.Kind.ShouldBe(RefusalKind.Conflict);
                    second.Message.ShouldBe($"Migration {a:D} already sealed epoch {seen.Epoch}; one migration at a time.");
                    var instance = Guid.NewGuid();
                    if (!w.Apply(ContinuityDecider.Commit(w.State, a, instance, seen.Epoch, w.Now)).Refused)
                        w.Alive.Add(new Running(instance, Environments[1], w.State.Epoch));
                    var late = ContinuityDecider.Commit(w.State, b, Guid.NewGuid(), seen.Epoch, w.Now).Refusal.ShouldNotBeNull();
                    late.Kind.ShouldBe(RefusalKind.Conflict);
                    late.Message.ShouldBe($"Migration {b:D} has no sealed state to unseal (aborted, overtaken or never sealed).");
                    break;
                }

                case 2:
                    what = "snapshot";
                    w.Snapshots.Add((Guid.NewGuid(), w.State.Epoch));
                    break;

                case 3: // approved restore of a snapshot into a fresh instance
                {
                    what = "restore";
                    if (w.Snapshots.Count == 0)
                        break;
                    var (snapshot, epoch) = s.Pick(w.Snapshots);
                    var instance = Guid.NewGuid();
                    var env = s.Pick(Environments);
                    if (!w.Apply(ContinuityDecider.Restore(w.State, snapshot, Guid.NewGuid(), epoch, instance, env, w.Now)).Refused)
                        w.Alive.Add(new Running(instance, env, w.State.Epoch));
                    break;
                }

                case 4 or 5: // pause/stop/restart/crash of the holder, sometimes re-attested afterwards
                {
                    what = "interrupt";
                    if (w.State.CurrentLease is not { } lease)
                        break;
                    var interruption = (LifecycleInterruption)s.Pick(4);
                    w.Apply(ContinuityDecider.Interrupt(w.State, lease.InstanceId, interruption, "operator", w.Now));
                    if (interruption is LifecycleInterruption.Stop or LifecycleInterruption.Crash)
                        w.Alive.RemoveAll(r => r.InstanceId == lease.InstanceId);
                    if (s.Pick(2) == 0)
                        w.Apply(ContinuityDecider.Reattested(w.State, lease.InstanceId, "accepted quote", w.Now));
                    break;
                }

                case 6: // rogue: someone starts a copy from a snapshot (or clones the live one) without any request
                {
                    what = "rogue start";
                    var epoch = w.Snapshots.Count > 0 && s.Pick(2) == 0 ? s.Pick(w.Snapshots).Epoch : w.State.Epoch;
                    w.Alive.Add(new Running(Guid.NewGuid(), s.Pick(Environments), epoch));
                    break;
                }

                case 7: // a heartbeat from any live process
                {
                    what = "heartbeat";
                    if (w.Alive.Count == 0)
                        break;
                    var r = s.Pick(w.Alive);
                    var legit = w.State.CurrentLease is { } holder && holder.InstanceId == r.InstanceId && r.Epoch == w.State.Epoch
                        && !w.State.Fenced.Contains(r.InstanceId);
                    var decision = w.Apply(ContinuityDecider.Heartbeat(w.State, r.InstanceId, r.EnvironmentId, r.Epoch, w.Now));
                    decision.Events.OfType<ForkDetected>().Any().ShouldBe(!legit, $"heartbeat of {r} at epoch {w.State.Epoch}");
                    if (!legit)
                    {
                        w.State.Fenced.ShouldContain(r.InstanceId);
                        w.Alive.Remove(r); // the fenced copy is shut down
                    }

                    break;
                }

                default: // a migration sealed and then abandoned
                {
                    what = "aborted migration";
                    var operation = Guid.NewGuid();
                    var epoch = w.State.Epoch;
                    if (!w.Apply(ContinuityDecider.Seal(w.State, operation, Environments[2], "d", "k", w.Now)).Refused)
                    {
                        w.Apply(ContinuityDecider.Abort(w.State, operation, "target unreachable", w.Now));
                        w.State.Epoch.ShouldBe(epoch);
                    }

                    break;
                }
            }

            afterEachStep?.Invoke(w, what);
        }

        return w;
    }

    [Property(MaxTest = 300)]
    public void EpochInvariant_NeverTwoValidLeases_AndFencedCopiesNeverHoldOne(byte[] script)
    {
        Run(script, (w, what) =>
        {
            w.State.Leases.Count(l => !l.Revoked).ShouldBeLessThanOrEqualTo(1, $"after {what}");
            w.State.Leases.Count(l => l.IsValidIn(w.State.Epoch)).ShouldBeLessThanOrEqualTo(1, $"after {what}");
            w.State.Fenced.ShouldAllBe(id => w.State.CurrentLease == null || w.State.CurrentLease.InstanceId != id);
        });
    }

    [Property(MaxTest = 300)]
    public void EpochInvariant_EpochsOnlyGrow_AndARestoreNeverReusesAnEpoch(byte[] script)
    {
        var world = Run(script);

        var epochs = new List<long> { 1 };
        foreach (var e in world.Events)
        {
            switch (e)
            {
                case MigrationCommitted m:
                    m.NewEpoch.ShouldBe(m.FromEpoch + 1);
                    m.NewEpoch.ShouldBeGreaterThan(epochs.Max());
                    epochs.Add(m.NewEpoch);
                    break;
                case StateRestored r:
                    r.NewEpoch.ShouldBeGreaterThan(epochs.Max(), "a restore gets a new epoch, never an old one");
                    r.NewEpoch.ShouldNotBe(r.SnapshotEpoch);
                    epochs.Add(r.NewEpoch);
                    break;
            }
        }

        world.State.Epoch.ShouldBe(epochs.Max());
        world.State.EpochHistory.ShouldBe(epochs);
    }

    [Fact]
    public void EpochInvariant_TheSourceOfACommittedMigration_IsDetectedWhenItSpeaksAgain()
    {
        var source = Guid.NewGuid();
        var state = VnfContinuity.Create(new ContinuityEstablished(VnfId, source, Environments[0], 1, "t", T0));
        var operation = Guid.NewGuid();
        state = state.Apply((StateSealed)ContinuityDecider.Seal(state, operation, Environments[1], "d", "k", T0).Events.Single());
        state = state.Apply((MigrationCommitted)ContinuityDecider.Commit(state, operation, Guid.NewGuid(), 1, T0).Events.Single());

        var fork = ContinuityDecider.Heartbeat(state, source, Environments[0], 1, T0).Events.OfType<ForkDetected>().Single();

        fork.CurrentEpoch.ShouldBe(2);
        fork.Detail.ShouldContain("stale copy");
    }

    [Fact]
    public void Restore_ShowsTheEpochsItLoses_AndTheStateRunsUnderANewEpoch()
    {
        var state = VnfContinuity.Create(new ContinuityEstablished(VnfId, Guid.NewGuid(), Environments[0], 1, "t", T0));
        for (var i = 0; i < 3; i++)
        {
            var op = Guid.NewGuid();
            state = state.Apply((StateSealed)ContinuityDecider.Seal(state, op, Environments[1], "d", "k", T0).Events.Single());
            state = state.Apply((MigrationCommitted)ContinuityDecider.Commit(state, op, Guid.NewGuid(), state.Epoch, T0).Events.Single());
        }

        ContinuityDecider.EpochsLostByRestore(state, 2).ShouldBe([3L, 4L]);
        var restored = (StateRestored)ContinuityDecider.Restore(state, Guid.NewGuid(), Guid.NewGuid(), 2, Guid.NewGuid(), Environments[2], T0).Events.Single();
        restored.NewEpoch.ShouldBe(5);
        state.Apply(restored).Trustworthy.ShouldBeFalse("a restored instance is trusted only after re-attestation");
        var future = ContinuityDecider.Restore(state, Guid.NewGuid(), Guid.NewGuid(), 9, Guid.NewGuid(), Environments[2], T0).Refusal.ShouldNotBeNull();
        future.Kind.ShouldBe(RefusalKind.Invalid);
        future.Message.ShouldBe("The snapshot claims epoch 9, but this VNF has only reached epoch 4.");
    }
}

using Console.Workflows.Requests.Executing;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Requests.Executing;

public sealed class NodeLivenessTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 3, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(4);
    private static readonly Guid B = Guid.Parse("0b000000-0000-0000-0000-00000000000b");
    private static readonly Guid C = Guid.Parse("0c000000-0000-0000-0000-00000000000c");
    private static readonly DateTimeOffset Beat = T0.AddSeconds(-1);

    private static NodeSighting Node(Guid id, bool held, DateTimeOffset? beat = null) => new(id, id == B ? 2 : 3, beat ?? Beat, held);

    /// <summary>Runs the looks one second apart from T0, each with the sightings and this node's lock generation given.</summary>
    private static (LivenessMemory Memory, List<IReadOnlyList<DeadNode>> Verdicts) Looks(params (NodeSighting[] Others, int Generation)[] looks)
    {
        var memory = LivenessMemory.Empty;
        var verdicts = new List<IReadOnlyList<DeadNode>>();
        for (var i = 0; i < looks.Length; i++)
        {
            (memory, var dead) = NodeLiveness.Judge(looks[i].Others, memory, looks[i].Generation, T0.AddSeconds(i), Grace);
            verdicts.Add(dead);
        }

        return (memory, verdicts);
    }

    [Fact]
    public void Judge_ANodeSeenHeldWhoseSessionEnded_IsDeadOnceTheGraceHasPassed_NotBefore()
    {
        var (_, verdicts) = Looks(
            ([Node(B, held: true)], 1),
            ([Node(B, held: false)], 1),   // first seen free at T0+1
            ([Node(B, held: false)], 1),
            ([Node(B, held: false)], 1),
            ([Node(B, held: false)], 1),   // T0+4: 3 s silent
            ([Node(B, held: false)], 1));  // T0+5: 4 s silent

        verdicts.Take(5).ShouldAllBe(v => v.Count == 0);
        var dead = verdicts[5].ShouldHaveSingleItem();
        dead.NodeId.ShouldBe(B);
        dead.NodeNumber.ShouldBe(2);
        dead.SilentFor.ShouldBe(Grace);
    }

    [Fact]
    public void Judge_ANodeNeverSeenHoldingItsLock_IsNeverJudged_ItIsStartingOrLeftToTheHeartbeatTimeout()
    {
        var looks = Enumerable.Range(0, 10).Select(_ => (new[] { Node(C, held: false) }, 1)).ToArray();

        Looks(looks).Verdicts.ShouldAllBe(v => v.Count == 0);
    }

    [Fact]
    public void Judge_ANodeThatHeartbeatsWhileItsLockIsFree_IsAlive_TheSilenceCountsAgainFromTheHeartbeat()
    {
        var later = Beat.AddSeconds(3);
        var (_, verdicts) = Looks(
            ([Node(B, held: true)], 1),
            ([Node(B, held: false)], 1),
            ([Node(B, held: false)], 1),
            ([Node(B, held: false)], 1),
            ([Node(B, held: false, beat: later)], 1),   // T0+4: it heartbeat; its lock's connection was all it lost
            ([Node(B, held: false, beat: later)], 1),
            ([Node(B, held: false, beat: later)], 1),
            ([Node(B, held: false, beat: later)], 1),
            ([Node(B, held: false, beat: later)], 1));  // T0+8: 4 s since the heartbeat was first seen

        verdicts.Take(8).ShouldAllBe(v => v.Count == 0);
        verdicts[8].ShouldHaveSingleItem().NodeId.ShouldBe(B);
    }

    [Fact]
    public void Judge_ANodeThatTakesItsLockBack_IsAlive_AndALaterSilenceCountsFromScratch()
    {
        var (_, verdicts) = Looks(
            ([Node(B, held: true)], 1),
            ([Node(B, held: false)], 1),
            ([Node(B, held: false)], 1),
            ([Node(B, held: false)], 1),
            ([Node(B, held: true)], 1),    // T0+4: back
            ([Node(B, held: false)], 1),   // T0+5: free again
            ([Node(B, held: false)], 1),
            ([Node(B, held: false)], 1),
            ([Node(B, held: false)], 1));  // T0+8: 3 s since T0+5

        verdicts.ShouldAllBe(v => v.Count == 0);
    }

    [Fact]
    public void Judge_WhenThisNodesOwnSessionWasRenewed_NoOtherNodeIsJudgedOnSilenceCountedBeforeIt_ADatabaseRestartEndsEverySession()
    {
        var (_, verdicts) = Looks(
            ([Node(B, held: true)], 1),
            ([Node(B, held: false)], 1),
            ([Node(B, held: false)], 1),
            ([Node(B, held: false)], 1),
            ([Node(B, held: false)], 2),   // T0+4: this node reconnected (its own lock lost and taken again)
            ([Node(B, held: false)], 2),
            ([Node(B, held: false)], 2),
            ([Node(B, held: false)], 2),
            ([Node(B, held: false)], 2));  // T0+8: 4 s of silence in this node's new session

        verdicts.Take(8).ShouldAllBe(v => v.Count == 0);
        verdicts[8].ShouldHaveSingleItem().NodeId.ShouldBe(B);
    }

    [Fact]
    public void Judge_OnlyTheSilentNodeIsDead_AndItStaysJudgedWhileItsRowRemains_AGoneRowIsForgotten()
    {
        var (memory, verdicts) = Looks(
            ([Node(B, held: true), Node(C, held: true)], 1),
            ([Node(B, held: false), Node(C, held: true)], 1),
            ([Node(B, held: false), Node(C, held: true)], 1),
            ([Node(B, held: false), Node(C, held: true)], 1),
            ([Node(B, held: false), Node(C, held: true)], 1),
            ([Node(B, held: false), Node(C, held: true)], 1),   // T0+5: B dead
            ([Node(B, held: false), Node(C, held: true)], 1),   // its ejection failed: dead again
            ([Node(C, held: true)], 1));                        // ejected: its row is gone

        verdicts[5].ShouldHaveSingleItem().NodeId.ShouldBe(B);
        verdicts[6].ShouldHaveSingleItem().NodeId.ShouldBe(B);
        verdicts[7].ShouldBeEmpty();
        memory.SeenHeld.ShouldBe([C]);
        memory.FreeSince.ShouldBeEmpty();
    }
}

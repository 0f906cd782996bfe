namespace Console.Workflows.Requests.Executing;

/// <summary>What one look at another node showed: its Wolverine row and whether its liveness lock is held.</summary>
/// <param name="HealthCheck">The node's last heartbeat as its row says; compared only with itself, never with a clock.</param>
/// <param name="SessionHeld">Whether the node's database session still holds its liveness lock.</param>
public sealed record NodeSighting(Guid NodeId, int NodeNumber, DateTimeOffset HealthCheck, bool SessionHeld);

/// <summary>What a watching node remembers between looks.</summary>
/// <param name="SeenHeld">Nodes whose liveness lock this node saw held at least once.</param>
/// <param name="FreeSince">Per node seen held before: when its lock was first seen free, its heartbeat then, and the
/// generation of this node's own lock at that look.</param>
public sealed record LivenessMemory(
    IReadOnlySet<Guid> SeenHeld,
    IReadOnlyDictionary<Guid, (DateTimeOffset At, DateTimeOffset HealthCheck, int OwnGeneration)> FreeSince)
{
    public static readonly LivenessMemory Empty = new(new HashSet<Guid>(), new Dictionary<Guid, (DateTimeOffset, DateTimeOffset, int)>());
}

/// <summary>A node judged dead: its session ended and it stayed silent for the whole grace.</summary>
public sealed record DeadNode(Guid NodeId, int NodeNumber, TimeSpan SilentFor);

/// <summary>
/// Tells a killed node from a live one by its database session rather than by missed heartbeats. Every node holds a
/// session-level advisory lock for as long as it runs; PostgreSQL releases it the moment the node's connection ends,
/// which for a process killed on a host that stays up (SIGKILL, a crash, the OOM killer) is at once. A node is judged
/// dead when its lock, once seen held, stays free for the whole <c>grace</c>, while
/// <list type="bullet">
/// <item>its heartbeat did not move (a live node that lost only its lock's connection still heartbeats, and gets its
/// lock back at its next look),</item>
/// <item>and the watching node kept its own lock all along (a database restart ends every session at once: the watcher
/// that reconnects first must not take the others, still reconnecting, for dead).</item>
/// </list>
/// A node never seen holding its lock (starting, or one that cannot reach the database for its lock) is never judged
/// here: Wolverine's missed-heartbeat timeout (<see cref="RequestWorkflowOptions.DeadNodeAfter"/>) still covers it, and
/// covers a host that lost power, whose connection the server sees end only when its TCP keepalive gives up.
/// </summary>
public static class NodeLiveness
{
    public static (LivenessMemory Memory, IReadOnlyList<DeadNode> Dead) Judge(
        IReadOnlyList<NodeSighting> others, LivenessMemory memory, int ownGeneration, DateTimeOffset now, TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(others);
        ArgumentNullException.ThrowIfNull(memory);
        var seenHeld = new HashSet<Guid>();
        var freeSince = new Dictionary<Guid, (DateTimeOffset At, DateTimeOffset HealthCheck, int OwnGeneration)>();
        var dead = new List<DeadNode>();
        foreach (var node in others)
        {
            if (node.SessionHeld)
            {
                seenHeld.Add(node.NodeId);
                continue;
            }

            if (!memory.SeenHeld.Contains(node.NodeId))
                continue;
            if (!memory.FreeSince.TryGetValue(node.NodeId, out var since)
                || since.HealthCheck != node.HealthCheck
                || since.OwnGeneration != ownGeneration)
            {
                // First seen free, or the clock restarts: it heartbeat since, or this node's own session was renewed.
                since = (now, node.HealthCheck, ownGeneration);
            }

            // Remembered even when judged dead: while its row stays (the ejection failed), the next look judges it again.
            if (now - since.At >= grace)
                dead.Add(new DeadNode(node.NodeId, node.NodeNumber, now - since.At));
            seenHeld.Add(node.NodeId);
            freeSince[node.NodeId] = since;
        }

        // Nodes gone from the table (ejected, or stopped cleanly) are forgotten with everything else not carried over.
        return (new LivenessMemory(seenHeld, freeSince), dead);
    }
}

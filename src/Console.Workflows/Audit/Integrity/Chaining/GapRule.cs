namespace Console.Workflows.Audit.Integrity.Chaining;

/// <summary>When a hole in the event sequence was first seen, and which transactions could still have been filling it.</summary>
/// <param name="FirstSeenAt">This node's clock when the hole was first seen.</param>
/// <param name="NextXidAtFirstSight">pg_snapshot_xmax of the snapshot that first saw it: every transaction with an
/// id below it had started by then.</param>
public sealed record GapSighting(DateTimeOffset FirstSeenAt, long NextXidAtFirstSight);

/// <summary>
/// The chain's own high-water rule. Sequence numbers are drawn before commit, so a transaction still in flight can
/// leave a hole below rows that are already visible; the chain must not pass such a hole while it may still fill, or
/// the late event would end up unchained. Marten's daemon keeps a high-water mark only while async projections run
/// (the console has none), so the chain decides for itself: a hole is passed when
/// <list type="bullet">
/// <item>it has been seen for <see cref="AuditIntegrityOptions.GapSettleTime"/> and every transaction that was running
/// when it was first seen has ended (the oldest running transaction id is now at or above the next id of then), or</item>
/// <item>the row after the hole is older than <see cref="AuditIntegrityOptions.GapMaxWait"/> (history chained for the first
/// time) and those transactions have ended, or</item>
/// <item>it has been seen for <see cref="AuditIntegrityOptions.GapMaxWait"/>, whatever runs.</item>
/// </list>
/// Rolled-back appends (and the sequence values Marten's tombstones cannot fill) leave holes forever; this rule lets
/// the chain move on after seconds. An event that still commits into a passed hole is reported by verification as
/// Unchained, never silently added.
/// </summary>
public static class GapRule
{
    public static bool MayPass(
        GapSighting sighting, DateTimeOffset now, long oldestRunningXid, TimeSpan nextRowAge, AuditIntegrityOptions options)
    {
        ArgumentNullException.ThrowIfNull(sighting);
        ArgumentNullException.ThrowIfNull(options);
        var waited = now - sighting.FirstSeenAt;
        if (waited >= options.GapMaxWait)
            return true;
        var fillersEnded = oldestRunningXid >= sighting.NextXidAtFirstSight;
        return fillersEnded && (waited >= options.GapSettleTime || nextRowAge >= options.GapMaxWait);
    }
}

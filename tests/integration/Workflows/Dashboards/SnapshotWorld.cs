using Console.Workflows.Dashboards;
using Console.Workflows.Inventory;
using Console.Workflows.Snapshots;

namespace Console.IntegrationTests.Workflows.Dashboards;

/// <summary>
/// An in-memory account of snapshot streams: the events a test appends, folded into what the dashboard should show
/// (the <see cref="RetentionFacts"/> of each snapshot, its governing sensitivity and its parts). The expected figures are
/// computed from this with <see cref="DashboardRules"/>, independently of the SQL under test.
/// </summary>
internal sealed class SnapshotWorld
{
    public sealed class Entry
    {
        public required SnapshotTaken Taken { get; init; }

        public Sensitivity Governing { get; set; }

        public DateTimeOffset? ExpiresAt { get; set; }

        public Hold? Pin { get; set; }

        public Hold? LegalHold { get; set; }

        public DateTimeOffset? ReleasedAt { get; set; }

        public DateTimeOffset? NotNeededAt { get; set; }

        public bool Deleted { get; set; }

        public DateTimeOffset? DeletedAt { get; set; }

        public bool IsLastGood { get; set; }

        public DateTimeOffset? SupersededAt { get; set; }

        public RetentionFacts Facts => new(
            Taken.At, !Deleted, ExpiresAt, NotNeededAt, Pin, LegalHold, ReleasedAt, IsLastGood, SupersededAt);

        public IEnumerable<(Guid Domain, Sensitivity Sensitivity)> Parts =>
            Taken.Components.Select(c => (c.TrustDomainId, c.Sensitivity)).Distinct();
    }

    private readonly Dictionary<Guid, Entry> _entries = [];

    public IReadOnlyCollection<Entry> Entries => _entries.Values;

    public Entry this[Guid id] => _entries[id];

    /// <summary>Folds one event, in the order it is appended.</summary>
    public void Apply(object e)
    {
        switch (e)
        {
            case SnapshotTaken taken:
                _entries[taken.SnapshotId] = new Entry { Taken = taken, Governing = taken.Components.Max(c => c.Sensitivity) };
                RefreshLastGood(taken.VnfId);
                break;
            case RetentionAssigned r:
                _entries[r.SnapshotId].ExpiresAt = r.ExpiresAt;
                _entries[r.SnapshotId].Governing = r.GoverningSensitivity;
                break;
            case SnapshotPinned p:
                _entries[p.SnapshotId].Pin = new Hold(p.Reason, p.Until, p.By, p.At);
                break;
            case SnapshotUnpinned u:
                _entries[u.SnapshotId].Pin = null;
                _entries[u.SnapshotId].ReleasedAt = Later(_entries[u.SnapshotId].ReleasedAt, u.At);
                break;
            case LegalHoldPlaced h:
                _entries[h.SnapshotId].LegalHold = new Hold(h.Reason, h.Until, h.By, h.At);
                break;
            case LegalHoldReleased h:
                _entries[h.SnapshotId].LegalHold = null;
                _entries[h.SnapshotId].ReleasedAt = Later(_entries[h.SnapshotId].ReleasedAt, h.At);
                break;
            case SnapshotMarkedNotNeeded n:
                _entries[n.SnapshotId].NotNeededAt ??= n.At;
                break;
            case SnapshotDeleted d:
                _entries[d.SnapshotId].Deleted = true;
                _entries[d.SnapshotId].DeletedAt = d.At;
                RefreshLastGood(_entries[d.SnapshotId].Taken.VnfId);
                break;
        }
    }

    // The newest available snapshot of the VNF is its last good one; the one it displaces remembers when.
    private void RefreshLastGood(Guid vnfId)
    {
        var ofVnf = _entries.Values.Where(x => x.Taken.VnfId == vnfId).ToList();
        var newest = ofVnf.Where(x => !x.Deleted).MaxBy(x => x.Taken.At);
        foreach (var entry in ofVnf.Where(x => x.IsLastGood && x != newest))
        {
            entry.IsLastGood = false;
            entry.SupersededAt = newest?.Taken.At;
        }

        if (newest is { IsLastGood: false })
        {
            newest.IsLastGood = true;
            newest.SupersededAt = null;
        }
    }

    private static DateTimeOffset Later(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x > b ? x : b;
}

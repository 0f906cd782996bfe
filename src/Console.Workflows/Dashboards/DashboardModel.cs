using Console.Workflows.Inventory;

namespace Console.Workflows.Dashboards;

/// <summary>
/// Everything the dashboard page shows, for one moment (<c>At</c>, taken from the clock once per read). The figures
/// are read from the dashboard projections (never by replaying streams), by one reader per part in
/// <c>Dashboards/Figures</c>; the lists behind them by the readers in <c>Dashboards/Lists</c>.
/// </summary>
public sealed record DashboardFigures(
    DateTimeOffset At,
    AgeDistribution Age,
    ExpiryFigures Expiring,
    RetentionFigures Retention,
    TrustDomainCounts TrustDomains,
    PlacementFigures Placement,
    PendingApprovalFigures PendingApprovals);

/// <summary>Available snapshots per governing sensitivity and age bucket (counts indexed by <see cref="AgeBucket"/>).</summary>
public sealed record AgeDistribution(DateTimeOffset At, IReadOnlyDictionary<Sensitivity, IReadOnlyList<long>> Counts)
{
    public long Count(Sensitivity sensitivity, AgeBucket bucket) =>
        Counts.TryGetValue(sensitivity, out var counts) ? counts[(int)bucket] : 0;

    public long Count(AgeBucket bucket) => Counts.Values.Sum(c => c[(int)bucket]);

    public long Total => Counts.Values.Sum(c => c.Sum());
}

public sealed record ExpiryFigures(DateTimeOffset At, long Within24Hours, long Within7Days)
{
    public long Count(ExpiryWindow window) => window == ExpiryWindow.Within24Hours ? Within24Hours : Within7Days;
}

/// <summary>
/// Overdue snapshots (the alarm: should be zero) and the due snapshots that something keeps, by what keeps them.
/// </summary>
public sealed record RetentionFigures(
    DateTimeOffset At, long Overdue, long UnderLegalHold, long Pinned, long KeptAsLastGood, bool KeepLastGoodSnapshot, TimeSpan SweepInterval)
{
    public long ProtectedPastExpiry => UnderLegalHold + Pinned + KeptAsLastGood;
}

public sealed record TrustDomainRef(Guid Id, string Name);

/// <summary>
/// Snapshots per trust domain and sensitivity of the components they hold: a snapshot counts once in every
/// (domain, sensitivity) pair among its components.
/// </summary>
public sealed record TrustDomainCounts(IReadOnlyList<TrustDomainCountRow> Rows);

/// <summary>
/// One trust domain: available snapshots per sensitivity, and available and deleted snapshots holding any of its
/// components (each snapshot once, so the total is not the sum of the sensitivities).
/// </summary>
public sealed record TrustDomainCountRow(TrustDomainRef TrustDomain, IReadOnlyDictionary<Sensitivity, long> Available, long TotalAvailable, long Deleted)
{
    public long Count(Sensitivity sensitivity) => Available.GetValueOrDefault(sensitivity);
}

public sealed record EnvironmentRef(Guid Id, string Name, TrustLevel TrustLevel);

/// <summary>Where components run: trust domains by environments, and how many run below what the current policy requires.</summary>
public sealed record PlacementFigures(
    int PolicyRevision,
    IReadOnlyList<TrustDomainRef> TrustDomains,
    IReadOnlyList<EnvironmentRef> Environments,
    IReadOnlyList<PlacementCell> Cells,
    long Violations)
{
    public PlacementCell? Cell(Guid trustDomainId, Guid environmentId) =>
        Cells.FirstOrDefault(c => c.TrustDomainId == trustDomainId && c.EnvironmentId == environmentId);
}

/// <summary>One matrix cell: components of a trust domain running in an environment, and how many of them violate placement.</summary>
public sealed record PlacementCell(Guid TrustDomainId, Guid EnvironmentId, long Components, long Violations);

public sealed record PendingApprovalFigures(DateTimeOffset At, IReadOnlyList<long> Counts, DateTimeOffset? OldestSubmittedAt)
{
    public long Count(PendingAgeBucket bucket) => Counts[(int)bucket];

    public long Total => Counts.Sum();
}

public enum SnapshotListKind
{
    /// <summary>Expiry within the request's window.</summary>
    Expiring = 0,

    /// <summary>Due, unprotected and not deleted for longer than a sweep interval.</summary>
    Overdue = 1,

    /// <summary>Due but kept by a legal hold, a pin or the last-good rule.</summary>
    ProtectedPastExpiry = 2,

    /// <summary>Available, in one age bucket.</summary>
    Age = 3,

    /// <summary>Available and holding components of one trust domain.</summary>
    TrustDomain = 4,
}

public enum SnapshotSortField
{
    ExpiresAt = 0,
    CompletedAt = 1,
    Vnf = 2,
    Sensitivity = 3,
}

public sealed record SnapshotListRequest(
    SnapshotListKind Kind,
    ExpiryWindow Window = ExpiryWindow.Within7Days,
    AgeBucket? Age = null,
    Sensitivity? Sensitivity = null,
    Guid? TrustDomainId = null,
    SnapshotSortField SortBy = SnapshotSortField.ExpiresAt,
    bool Descending = false,
    int Page = 0,
    int PageSize = 25);

public sealed record SnapshotRow(
    Guid Id,
    Guid VnfId,
    string VnfName,
    Sensitivity GoverningSensitivity,
    DateTimeOffset CompletedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? NotNeededAt,
    DateTimeOffset? DueSince,
    bool IsLastGood,
    Hold? Pin,
    Hold? LegalHold,
    Protection? Protection);

public sealed record SnapshotPage(DateTimeOffset At, IReadOnlyList<SnapshotRow> Items, long TotalCount, int Page, int PageSize);

public enum ComponentSortField
{
    Vnf = 0,
    Component = 1,
    Sensitivity = 2,
    Environment = 3,
    TrustDomain = 4,
}

/// <summary>
/// Components to list: below their required trust level (<paramref name="ViolationsOnly"/>), optionally narrowed to a
/// trust domain and/or an environment (a matrix cell).
/// </summary>
public sealed record ComponentListRequest(
    bool ViolationsOnly = true,
    Guid? TrustDomainId = null,
    Guid? EnvironmentId = null,
    ComponentSortField SortBy = ComponentSortField.Vnf,
    bool Descending = false,
    int Page = 0,
    int PageSize = 25);

public sealed record ComponentRow(
    Guid VnfId,
    string VnfName,
    Guid ComponentId,
    string ComponentName,
    Sensitivity Sensitivity,
    TrustDomainRef TrustDomain,
    EnvironmentRef Environment,
    TrustLevel RequiredTrustLevel)
{
    public bool Violates => Environment.TrustLevel < RequiredTrustLevel;
}

public sealed record ComponentPage(int PolicyRevision, IReadOnlyList<ComponentRow> Items, long TotalCount, int Page, int PageSize);

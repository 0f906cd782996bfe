namespace Console.Workflows.Dashboards.Lists;

/// <summary>
/// The orders each snapshot list offers: only those in which a page is the first rows of one index range (read
/// backwards for descending), so a page costs its offset and size, not the number of rows in the list's window. The
/// overdue and held lists have a partial index per order; the expiring list is a range of expiry, so it is in expiry
/// order; the age and trust-domain lists are ranges of completion. Any other order would sort every row of the window
/// (5 to 12 s at 10,000,000 snapshots), so it is not offered.
/// </summary>
public static class SnapshotListSorts
{
    private static readonly SnapshotSortField[] All = Enum.GetValues<SnapshotSortField>();

    public static IReadOnlyList<SnapshotSortField> Offered(SnapshotListKind kind) => kind switch
    {
        SnapshotListKind.Overdue or SnapshotListKind.ProtectedPastExpiry => All,
        SnapshotListKind.Expiring => [SnapshotSortField.ExpiresAt],
        _ => [SnapshotSortField.CompletedAt],
    };

    public static bool IsOffered(SnapshotListKind kind, SnapshotSortField field) => Offered(kind).Contains(field);

    /// <summary>Why the list cannot be read in the request's order, or null when it can.</summary>
    public static string? Refusal(SnapshotListRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return IsOffered(request.Kind, request.SortBy)
            ? null
            : $"The {Name(request.Kind)} list can be sorted by {string.Join(" or ", Offered(request.Kind).Select(Label))} only, not by {Label(request.SortBy)}.";
    }

    public static string Label(SnapshotSortField field) => field switch
    {
        SnapshotSortField.CompletedAt => "completion",
        SnapshotSortField.Vnf => "VNF",
        SnapshotSortField.Sensitivity => "sensitivity",
        _ => "expiry",
    };

    private static string Name(SnapshotListKind kind) => kind switch
    {
        SnapshotListKind.Expiring => "expiring",
        SnapshotListKind.Overdue => "overdue",
        SnapshotListKind.ProtectedPastExpiry => "held past expiry",
        SnapshotListKind.Age => "age",
        _ => "trust domain",
    };
}

namespace Console.Workflows.Dashboards.Lists;

/// <summary>The snapshots behind a figure, paged, as the drill-down page asks for them.</summary>
public interface ISnapshotListReader
{
    /// <summary>The snapshots behind a figure (expiring, overdue, held, an age bucket, a trust domain), paged.</summary>
    Task<SnapshotPage> ListSnapshotsAsync(SnapshotListRequest request, CancellationToken ct = default);
}

/// <summary>Hands a request to the list of its kind, in an order that list offers (<see cref="SnapshotListSorts"/>).</summary>
public sealed class SnapshotListReader(
    ExpiringSnapshotList expiring, RetentionSnapshotList retention, AgeSnapshotList age, TrustDomainSnapshotList trustDomain)
    : ISnapshotListReader
{
    public const int MaxPageSize = 200;

    public Task<SnapshotPage> ListSnapshotsAsync(SnapshotListRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (SnapshotListSorts.Refusal(request) is { } refusal)
            throw new ArgumentException(refusal, nameof(request));
        return request.Kind switch
        {
            SnapshotListKind.Expiring => expiring.ReadAsync(request, ct),
            SnapshotListKind.Overdue or SnapshotListKind.ProtectedPastExpiry => retention.ReadAsync(request, ct),
            SnapshotListKind.Age => age.ReadAsync(request, ct),
            SnapshotListKind.TrustDomain => trustDomain.ReadAsync(request, ct),
            _ => throw new ArgumentOutOfRangeException(nameof(request), request.Kind, "Unknown list."),
        };
    }
}

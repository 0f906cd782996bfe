using Console.Workflows.Dashboards;
using Console.Workflows.Inventory;
using Console.Workflows.Requests;

namespace Console.Web.Components.Pages.Dashboards;

/// <summary>Where each figure of the dashboard drills down to.</summary>
public static class DashboardLinks
{
    public const string Dashboard = "/dashboards";

    public static string Expiring(ExpiryWindow window) => new SnapshotListQuery(SnapshotListKind.Expiring, window).ToUri();

    public static string Overdue => new SnapshotListQuery(SnapshotListKind.Overdue).ToUri();

    public static string ProtectedPastExpiry => new SnapshotListQuery(SnapshotListKind.ProtectedPastExpiry).ToUri();

    public static string Age(AgeBucket bucket, Sensitivity? sensitivity = null) =>
        new SnapshotListQuery(SnapshotListKind.Age, Age: bucket, Sensitivity: sensitivity).ToUri();

    public static string TrustDomain(Guid trustDomainId, Sensitivity? sensitivity = null) =>
        new SnapshotListQuery(SnapshotListKind.TrustDomain, Sensitivity: sensitivity, TrustDomainId: trustDomainId).ToUri();

    public static string Violations => new ComponentListQuery().ToUri();

    public static string Cell(Guid trustDomainId, Guid environmentId, bool violationsOnly) =>
        new ComponentListQuery(All: !violationsOnly, TrustDomainId: trustDomainId, EnvironmentId: environmentId).ToUri();

    /// <summary>Pending approvals live in the request list, oldest first.</summary>
    public static string PendingApprovals =>
        $"/requests?status={RequestStatus.PendingApproval}&sort={RequestSortField.SubmittedAt}&desc=false";

    public static string Vnf(Guid vnfId) => $"/inventory/vnfs/{vnfId}";
}

using Console.Web.Components.Pages.Dashboards;
using Console.Workflows.Dashboards;
using Console.Workflows.Inventory;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.Dashboards;

public sealed class SnapshotListQueryTests
{
    private static readonly Guid Domain = Guid.Parse("d0000000-0000-4000-8000-000000000001");

    public static TheoryData<string> Addresses => new()
    {
        "/dashboards/snapshots?window=24h",
        "/dashboards/snapshots?window=7d",
        "/dashboards/snapshots?show=overdue",
        "/dashboards/snapshots?show=protected&sort=CompletedAt&desc=true&page=2",
        "/dashboards/snapshots?show=age&age=FourteenToThirtyDays&sensitivity=Internal&size=50",
        $"/dashboards/snapshots?show=domain&domain={Domain}&sensitivity=Critical",
        $"/dashboards/violations?domain={Domain}&all=true&sort=Environment&desc=true&page=1",
        "/dashboards/violations",
    };

    [Theory]
    [MemberData(nameof(Addresses))]
    public void Address_ReadAndWrittenBack_IsTheSame(string address)
    {
        var written = address.StartsWith(SnapshotListQuery.Path, StringComparison.Ordinal)
            ? SnapshotListQuery.Parse("http://console" + address).ToUri()
            : ComponentListQuery.Parse("http://console" + address).ToUri();

        written.ShouldBe(address);
    }

    [Fact]
    public void Parse_TheBriefestLinks_MeanWhatTheDashboardLinksTo()
    {
        SnapshotListQuery.Parse("/dashboards/snapshots?window=7d").ToRequest()
            .ShouldBe(new SnapshotListRequest(SnapshotListKind.Expiring, ExpiryWindow.Within7Days, SortBy: SnapshotSortField.ExpiresAt));
        SnapshotListQuery.Parse("/dashboards/snapshots").ToRequest().Kind.ShouldBe(SnapshotListKind.Expiring);
        SnapshotListQuery.Parse($"/dashboards/snapshots?show=domain&domain={Domain}").ToRequest()
            .ShouldBe(new SnapshotListRequest(SnapshotListKind.TrustDomain, TrustDomainId: Domain, SortBy: SnapshotSortField.CompletedAt, Descending: true));
        SnapshotListQuery.Parse("/dashboards/snapshots?show=domain").Kind.ShouldBe(SnapshotListKind.Expiring, "a domain list needs a domain");
        SnapshotListQuery.Parse("/dashboards/snapshots?show=age&sensitivity=Public&age=1").ToRequest()
            .ShouldBe(new SnapshotListRequest(SnapshotListKind.Age, Age: AgeBucket.UnderOneDay, Sensitivity: Sensitivity.Public,
                SortBy: SnapshotSortField.CompletedAt, Descending: true));
    }

    [Fact]
    public void Parse_AnOrderTheListDoesNotOffer_TakesTheListsOwnOrder()
    {
        // Sorting the expiring list by VNF would sort every snapshot of its window; a link asking for it gets expiry order.
        var expiring = SnapshotListQuery.Parse("/dashboards/snapshots?window=7d&sort=Vnf&desc=true");
        expiring.SortBy.ShouldBeNull();
        expiring.ToRequest().ShouldBe(new SnapshotListRequest(SnapshotListKind.Expiring, ExpiryWindow.Within7Days, SortBy: SnapshotSortField.ExpiresAt));
        SnapshotListQuery.Parse("/dashboards/snapshots?show=age&sort=ExpiresAt").ToRequest().SortBy.ShouldBe(SnapshotSortField.CompletedAt);
        SnapshotListQuery.Parse("/dashboards/snapshots?show=overdue&sort=Vnf").ToRequest().SortBy.ShouldBe(SnapshotSortField.Vnf);
    }
}

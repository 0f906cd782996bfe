using Console.Workflows.Dashboards;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Dashboards.Figures;

/// <summary>
/// The whole dashboard is every part's statements in one round trip: what it shows must be, figure by figure, what each
/// part's reader reads alone at the same moment (those are held to the retention rule in <see cref="DashboardProjectionTests"/>).
/// </summary>
public sealed class DashboardFiguresReaderTests(DashboardProjectionTests.WithRandomHistory fixture)
    : IClassFixture<DashboardProjectionTests.WithRandomHistory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(0, true)]
    [InlineData(3 * 24 * 60 + 5, false)]
    public async Task GetFigures_InOneRoundTrip_EqualsEveryPartReadAlone(int minutesFromNow, bool keepLastGood)
    {
        var now = SnapshotScenario.Now.AddMinutes(minutesFromNow);
        await SnapshotScenario.WithKeepLastGoodAsync(fixture.Database.Store, keepLastGood, Ct);
        await using var readers = new DashboardReaders(fixture.Database.Store, new DashboardOptions(), new FakeTimeProvider(now));

        var whole = await readers.Figures.GetFiguresAsync(Ct);

        whole.At.ShouldBe(now);
        var age = await readers.Age.ReadAsync(Ct);
        age.Total.ShouldBeGreaterThan(0);
        foreach (var sensitivity in DashboardRules.Sensitivities)
            whole.Age.Counts[sensitivity].ShouldBe(age.Counts[sensitivity], $"age, {sensitivity}");
        whole.Expiring.ShouldBe(await readers.Expiry.ReadAsync(Ct));
        var retention = await readers.Retention.ReadAsync(Ct);
        retention.KeepLastGoodSnapshot.ShouldBe(keepLastGood);
        whole.Retention.ShouldBe(retention);
        var domains = await readers.TrustDomains.ReadAsync(Ct);
        whole.TrustDomains.Rows.Select(r => (r.TrustDomain, r.TotalAvailable, r.Deleted))
            .ShouldBe(domains.Rows.Select(r => (r.TrustDomain, r.TotalAvailable, r.Deleted)));
        foreach (var (shown, alone) in whole.TrustDomains.Rows.Zip(domains.Rows))
            shown.Available.ShouldBe(alone.Available, ignoreOrder: true);
        var placement = await readers.Placement.ReadAsync(Ct);
        whole.Placement.Cells.ShouldBe(placement.Cells, ignoreOrder: true);
        whole.Placement.Violations.ShouldBe(placement.Violations);
        whole.Placement.PolicyRevision.ShouldBe(placement.PolicyRevision);
        var pending = await readers.Pending.ReadAsync(Ct);
        whole.PendingApprovals.Counts.ShouldBe(pending.Counts);
        whole.PendingApprovals.OldestSubmittedAt.ShouldBe(pending.OldestSubmittedAt);
    }
}

using Console.Workflows.Dashboards.Reading;

namespace Console.Workflows.Dashboards.Figures;

/// <summary>What the dashboard page shows, for one moment.</summary>
public interface IDashboardFiguresReader
{
    /// <summary>Every figure of the dashboard, read in one round trip.</summary>
    Task<DashboardFigures> GetFiguresAsync(CancellationToken ct = default);
}

/// <summary>The whole dashboard: every figure's statements in one batch, one round trip, one moment.</summary>
public sealed class DashboardFiguresReader(
    DashboardDatabase db,
    AgeDistributionReader age,
    ExpiryReader expiry,
    RetentionReader retention,
    TrustDomainCountsReader trustDomains,
    PlacementReader placement,
    PendingApprovalsReader pending,
    TimeProvider time) : IDashboardFiguresReader
{
    public Task<DashboardFigures> GetFiguresAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        return db.ReadAsync<DashboardFigures>(batch =>
        {
            var reference = ReferenceData.Add(db, batch);
            var ages = age.Add(batch, now);
            var retained = retention.Add(batch, now);
            var domains = trustDomains.Add(batch);
            var cells = placement.Add(batch);
            // The two planned for their values each call side by side: the batch switches the plan mode once, not twice.
            var expiring = expiry.Add(batch, now);
            var waiting = pending.Add(batch, now);
            return () => new DashboardFigures(now, ages(), expiring(), retained(), domains(reference()), cells(reference()), waiting());
        }, ct);
    }
}

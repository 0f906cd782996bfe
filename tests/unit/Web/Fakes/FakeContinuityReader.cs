using Console.Workflows.Continuity;

namespace Console.UnitTests.Web.Fakes;

/// <summary>Continuity views by VNF and a list of alerts, filtered and paged like the real reader.</summary>
public sealed class FakeContinuityReader : IContinuityReader
{
    public Dictionary<Guid, VnfContinuityView> Views { get; } = [];

    public List<SecurityAlertRow> Alerts { get; } = [];

    public List<SecurityAlertQuery> AlertQueries { get; } = [];

    public bool Fails { get; set; }

    public Task<VnfContinuityView?> GetAsync(Guid vnfId, CancellationToken ct) =>
        Fails ? throw new InvalidOperationException("The continuity store is down (test).") : Task.FromResult(Views.GetValueOrDefault(vnfId));

    public Task<SecurityAlertPage> AlertsAsync(SecurityAlertQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        AlertQueries.Add(query);
        if (Fails)
            throw new InvalidOperationException("The alert store is down (test).");
        var matching = Alerts
            .Where(a => query.Kind is null || a.Kind == query.Kind)
            .Where(a => query.VnfId is null || a.VnfId == query.VnfId)
            .Where(a => query.State is null || a.State == query.State)
            .OrderByDescending(a => a.At)
            .ToList();
        var rows = matching.Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).ToList();
        return Task.FromResult(new SecurityAlertPage(rows, matching.Count, query.Page, query.PageSize));
    }
}

using Console.Workflows.Dashboards.Reading;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;

namespace Console.Workflows.Dashboards.Figures;

/// <summary>
/// Trust domains by environments with component counts, and the components below the trust level the policy in
/// force requires, judged against the environments and the policy as they are now (counters only).
/// </summary>
public sealed class PlacementReader(DashboardDatabase db)
{
    public Task<PlacementFigures> ReadAsync(CancellationToken ct = default) => db.ReadAsync<PlacementFigures>(batch =>
    {
        var reference = ReferenceData.Add(db, batch);
        var figure = Add(batch);
        return () => figure(reference());
    }, ct);

    internal Func<ReferenceData, PlacementFigures> Add(DashboardBatch batch)
    {
        var groups = new List<(Guid Domain, Guid Environment, Sensitivity Sensitivity, long N)>();
        batch.Add(
            $"select trust_domain_id, environment_id, sensitivity, n from {db.Tables.Placement} where n <> 0",
            [],
            reader => groups.Add((reader.GetGuid(0), reader.GetGuid(1), (Sensitivity)reader.GetInt16(2), reader.GetInt64(3))));

        return reference =>
        {
            var environments = reference.Environments.ToDictionary(e => e.Id);
            var cells = groups
                .GroupBy(g => (g.Domain, g.Environment))
                .Select(cell => new PlacementCell(cell.Key.Domain, cell.Key.Environment, cell.Sum(g => g.N),
                    cell.Where(g => Violates(environments.GetValueOrDefault(g.Environment), g.Sensitivity, reference.Policy)).Sum(g => g.N)))
                .ToList();
            return new PlacementFigures(reference.PolicyRevision, reference.TrustDomains, reference.Environments, cells, cells.Sum(c => c.Violations));
        };
    }

    // An environment the inventory no longer knows cannot be trusted.
    private static bool Violates(EnvironmentRef? environment, Sensitivity sensitivity, PolicyDocument? policy) =>
        (environment?.TrustLevel ?? TrustLevel.Untrusted) < Placement.RequiredTrustLevel(sensitivity, policy);
}

using Console.Workflows.Dashboards.Projections;
using Console.Workflows.Dashboards.Reading;
using Console.Workflows.Inventory;

namespace Console.Workflows.Dashboards.Figures;

/// <summary>Snapshots per trust domain and sensitivity of the components they hold, from the counters only.</summary>
public sealed class TrustDomainCountsReader(DashboardDatabase db)
{
    public Task<TrustDomainCounts> ReadAsync(CancellationToken ct = default) => db.ReadAsync<TrustDomainCounts>(batch =>
    {
        var reference = ReferenceData.Add(db, batch, policyAndEnvironments: false);
        var figure = Add(batch);
        return () => figure(reference());
    }, ct);

    internal Func<ReferenceData, TrustDomainCounts> Add(DashboardBatch batch)
    {
        var available = new Dictionary<Guid, Dictionary<Sensitivity, long>>();
        var totals = new Dictionary<Guid, (long Available, long Deleted)>();
        batch.Add(
            $"select trust_domain_id, sensitivity, n from {db.Tables.SnapshotDomain} where status = 0 and n <> 0",
            [],
            reader =>
            {
                var domain = reader.GetGuid(0);
                if (!available.TryGetValue(domain, out var bySensitivity))
                    available[domain] = bySensitivity = [];
                bySensitivity[(Sensitivity)reader.GetInt16(1)] = reader.GetInt64(2);
            });
        batch.Add(
            $"select trust_domain_id, status, n from {db.Tables.SnapshotDomainTotal} where n <> 0",
            [],
            reader =>
            {
                var domain = reader.GetGuid(0);
                var (a, d) = totals.GetValueOrDefault(domain);
                totals[domain] = reader.GetInt16(1) == DashboardTables.Available ? (a + reader.GetInt64(2), d) : (a, d + reader.GetInt64(2));
            });

        return reference =>
        {
            // Every known domain gets a row (zeros included); a domain only snapshots know of still shows, by id.
            var known = reference.TrustDomains.ToDictionary(d => d.Id);
            var rows = reference.TrustDomains.Select(d => d.Id).Concat(available.Keys).Concat(totals.Keys).Distinct()
                .Select(id => new TrustDomainCountRow(
                    known.GetValueOrDefault(id) ?? new TrustDomainRef(id, "(unknown domain)"),
                    available.TryGetValue(id, out var counts) ? counts : new Dictionary<Sensitivity, long>(),
                    totals.GetValueOrDefault(id).Available,
                    totals.GetValueOrDefault(id).Deleted))
                .OrderBy(r => r.TrustDomain.Name, StringComparer.OrdinalIgnoreCase)
                .ToList();
            return new TrustDomainCounts(rows);
        };
    }
}

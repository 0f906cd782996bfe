using Console.Workflows.Dashboards.Reading;
using Npgsql;
using NpgsqlTypes;

namespace Console.Workflows.Dashboards.Lists;

/// <summary>
/// Available snapshots holding components of one trust domain (of one sensitivity), by completion; the total from the
/// trust-domain counters, as the figure counts it.
/// </summary>
public sealed class TrustDomainSnapshotList(DashboardDatabase db, TimeProvider time)
{
    public Task<SnapshotPage> ReadAsync(SnapshotListRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        var batch = new DashboardBatch();
        var parameters = new StatementParameters();
        var domain = request.TrustDomainId ?? Guid.Empty;
        var source = $"select * from {db.Tables.Snapshot} where status = 0 and part_domains @> {parameters.Add(new NpgsqlParameter { Value = new[] { domain }, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid })}";
        // The total comes from the trust-domain counters inside the page's own statement: one statement, one round trip.
        var domainId = parameters.Add(DashboardBatch.Uuid(domain));
        string count;
        if (request.Sensitivity is { } s)
        {
            var sensitivity = parameters.Add(DashboardBatch.Smallint((short)s));
            source += " and exists (select 1 from unnest(part_domains, part_sensitivities) as p(domain_id, sensitivity)"
                + $" where p.domain_id = {domainId} and p.sensitivity = {sensitivity})";
            count = $"coalesce((select n from {db.Tables.SnapshotDomain} where trust_domain_id = {domainId}"
                + $" and sensitivity = {sensitivity} and status = 0), 0)";
        }
        else
        {
            count = $"coalesce((select n from {db.Tables.SnapshotDomainTotal} where trust_domain_id = {domainId} and status = 0), 0)";
        }

        return SnapshotPages.ReadAsync(db, batch, parameters, request, now, new SnapshotPages.Source(source, Total: null, CountSql: count), ct);
    }
}

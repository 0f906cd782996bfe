using System.Globalization;
using Console.Workflows.Dashboards.Reading;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;

namespace Console.Workflows.Dashboards.Lists;

/// <summary>Components by placement, as the violations page asks for them.</summary>
public interface IComponentListReader
{
    /// <summary>Components by placement: every one below its required trust level, or those in one matrix cell.</summary>
    Task<ComponentPage> ListComponentsAsync(ComponentListRequest request, CancellationToken ct = default);
}

/// <summary>
/// Components below the trust level the policy in force requires, or those of one matrix cell. Placement is judged
/// per (environment, sensitivity) against the documents as they are now, in SQL, so a page costs one round trip; the
/// total comes from the placement counters, which hold the same (domain, environment, sensitivity) groups.
/// </summary>
public sealed class ComponentListReader(DashboardDatabase db) : IComponentListReader
{
    private readonly string _violatingPairs = ViolatingPairs(db);

    public async Task<ComponentPage> ListComponentsAsync(ComponentListRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var page = Math.Max(0, request.Page);
        var pageSize = Math.Clamp(request.PageSize, 1, SnapshotListReader.MaxPageSize);

        var batch = new DashboardBatch();
        var load = ReferenceData.Add(db, batch);
        var parameters = new StatementParameters();
        var filters = new List<string>();
        if (request.TrustDomainId is { } domain)
            filters.Add($"c.trust_domain_id = {parameters.Add(DashboardBatch.Uuid(domain))}");
        if (request.EnvironmentId is { } environment)
            filters.Add($"c.environment_id = {parameters.Add(DashboardBatch.Uuid(environment))}");
        var filter = string.Concat(filters.Select(f => " and " + f));
        var direction = request.Descending ? "desc" : "asc";
        var byVnf = $"vnf_name {direction}, name {direction}, id {direction}";
        const string Columns = "c.vnf_id, c.vnf_name, c.id, c.name, c.sensitivity, c.trust_domain_id, c.environment_id";

        string violating, source, countSql;
        if (request.ViolationsOnly)
        {
            violating = $"violating as materialized ({_violatingPairs}), ";
            countSql = $"""
                with violating as materialized ({_violatingPairs}) select coalesce(sum(c.n), 0)::bigint
                from violating v join {db.Tables.Placement} c on c.environment_id = v.environment_id and c.sensitivity = v.sensitivity
                where true{filter}
                """;
            // Sorted by VNF, a page is a merge of one short index scan per violating pair however many components
            // violate; other orders sort the violating components.
            source = request.SortBy == ComponentSortField.Vnf
                ? $"""
                    violating v cross join lateral (
                      select {Columns} from {db.Tables.Component} c
                      where c.environment_id = v.environment_id and c.sensitivity = v.sensitivity{filter}
                      order by {byVnf} limit {((long)page + 1) * pageSize}) c
                    """
                : $"violating v join {db.Tables.Component} c on c.environment_id = v.environment_id and c.sensitivity = v.sensitivity{filter}";
        }
        else
        {
            violating = "";
            countSql = $"select coalesce(sum(c.n), 0)::bigint from {db.Tables.Placement} c where true{filter}";
            source = $"{db.Tables.Component} c where true{filter}";
        }

        long total = 0;
        batch.Add(countSql, [.. parameters.List.Select(p => p.Clone())], reader => total = reader.GetInt64(0));

        var order = request.SortBy switch
        {
            ComponentSortField.Component => $"c.name {direction}, c.vnf_name, c.id",
            ComponentSortField.Sensitivity => $"c.sensitivity {direction}, c.vnf_name, c.name, c.id",
            ComponentSortField.Environment => $"e.data ->> 'Name' {direction}, c.vnf_name, c.name, c.id",
            ComponentSortField.TrustDomain => $"d.data ->> 'Name' {direction}, c.vnf_name, c.name, c.id",
            _ => $"c.vnf_name {direction}, c.name {direction}, c.id {direction}",
        };
        var raw = new List<(Guid Vnf, string VnfName, Guid Id, string Name, Sensitivity Sensitivity, Guid Domain, Guid Environment)>(pageSize);
        batch.Add(
            $"""
            with {violating}rows as {(request.ViolationsOnly ? "materialized" : "not materialized")} (select {Columns} from {source})
            select c.vnf_id, c.vnf_name, c.id, c.name, c.sensitivity, c.trust_domain_id, c.environment_id
            from rows c
            left join {db.Environments} e on e.id = c.environment_id
            left join {db.TrustDomains} d on d.id = c.trust_domain_id
            order by {order}
            limit {pageSize} offset {(long)page * pageSize}
            """,
            parameters.List,
            reader => raw.Add((reader.GetGuid(0), reader.GetString(1), reader.GetGuid(2), reader.GetString(3), (Sensitivity)reader.GetInt16(4),
                reader.GetGuid(5), reader.GetGuid(6))));
        await db.RunAsync(batch, ct);

        var reference = load();
        var environments = reference.Environments.ToDictionary(e => e.Id);
        var domains = reference.TrustDomains.ToDictionary(d => d.Id);
        var rows = raw.Select(r => new ComponentRow(
                r.Vnf, r.VnfName, r.Id, r.Name, r.Sensitivity,
                domains.GetValueOrDefault(r.Domain) ?? new TrustDomainRef(r.Domain, "(unknown)"),
                environments.GetValueOrDefault(r.Environment) ?? new EnvironmentRef(r.Environment, "(unknown)", TrustLevel.Untrusted),
                Placement.RequiredTrustLevel(r.Sensitivity, reference.Policy)))
            .ToList();
        return new ComponentPage(reference.PolicyRevision, rows, total, page, pageSize);
    }

    /// <summary>
    /// (environment_id, sensitivity) pairs whose environment is trusted less than the policy in force requires for the
    /// sensitivity (the fixed table of <see cref="Placement"/> where the policy has no rule), from the documents.
    /// </summary>
    private static string ViolatingPairs(DashboardDatabase db)
    {
        {
            static string Rank<TEnum>(string json) where TEnum : struct, Enum =>
                $"case {json} {string.Join(" ", Enum.GetValues<TEnum>().Select(v => $"when '{v}' then {Convert.ToInt32(v, CultureInfo.InvariantCulture)}"))} else null end";
            var defaults = string.Join(", ", DashboardRules.Sensitivities.Select(s => $"({(int)s}, {(int)Placement.RequiredTrustLevel(s)})"));
            return $"""
                select e.id as environment_id, r.sensitivity::smallint as sensitivity
                from (select id, coalesce({Rank<TrustLevel>("data ->> 'TrustLevel'")}, 0) as level from {db.Environments}) e,
                     (select f.sensitivity, coalesce(p.needed, f.needed) as needed
                      from (values {defaults}) as f(sensitivity, needed)
                      left join (select {Rank<Sensitivity>("x ->> 'Sensitivity'")} as sensitivity, {Rank<TrustLevel>("x ->> 'RequiredTrustLevel'")} as needed
                                 from {db.Policies} a, jsonb_array_elements(a.data -> 'Document' -> 'Sensitivities') x
                                 where a.id = '{ApprovalPolicy.StreamId}') p on p.sensitivity = f.sensitivity) r
                where e.level < r.needed
                """;
        }
    }
}

using Console.Workflows.Inventory;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace Console.Workflows.Dashboards.Projections;

/// <summary>
/// Keeps <c>dash_vnf</c>, <c>dash_component</c> (where each component runs, with its VNF's name for the lists' order)
/// and the <c>dash_placement</c> counters in
/// step with the VNF streams, inline. The SQL follows <see cref="Vnf"/>'s own Apply methods: a component runs with its
/// VNF unless a partial migration moved it apart, and moving the VNF takes along everything that runs with it. Trust
/// levels and the policy are not copied here: the reader judges violations against the environments and the policy as
/// they are when it reads, so a policy revision shows its violations at once.
/// </summary>
public sealed partial class PlacementDashboardProjection : EventProjection
{
    private readonly DashboardTables _tables;
    private readonly string _contributeVnf;
    private readonly string _contributeComponent;

    public PlacementDashboardProjection(DashboardTables tables)
    {
        _tables = tables;
        Name = ProjectionName;
        foreach (var table in tables.Build().Where(t => t.Identifier.Name is "dash_vnf" or "dash_component" or "dash_placement"))
        {
            SchemaObjects.Add(table);
            Options.DeleteDataInTableOnTeardown(table.Identifier.QualifiedName);
        }

        IncludeType<VnfRegistered>();
        IncludeType<VnfDetailsChanged>();
        IncludeType<VnfComponentAdded>();
        IncludeType<VnfComponentChanged>();
        IncludeType<VnfComponentRemoved>();
        IncludeType<VnfMoved>();
        IncludeType<ComponentsMoved>();

        var upsert = $"on conflict (trust_domain_id, environment_id, sensitivity) do update set n = {tables.Placement}.n + excluded.n";
        _contributeVnf =
            $"""
            insert into {tables.Placement} (trust_domain_id, environment_id, sensitivity, n)
            select trust_domain_id, environment_id, sensitivity, count(*) * ?::bigint from {tables.Component}
            where vnf_id = ? group by 1, 2, 3
            {upsert}
            """;
        _contributeComponent =
            $"""
            insert into {tables.Placement} (trust_domain_id, environment_id, sensitivity, n)
            select trust_domain_id, environment_id, sensitivity, ?::bigint from {tables.Component}
            where vnf_id = ? and id = ?
            {upsert}
            """;
    }

    public const string ProjectionName = "DashboardPlacement";

    public override ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(e);
        switch (e.Data)
        {
            case VnfRegistered registered:
                operations.QueueSqlCommand(
                    $"""
                    insert into {_tables.Vnf} (id, name, environment_id) values (?, ?, ?)
                    on conflict (id) do update set name = excluded.name, environment_id = excluded.environment_id
                    """,
                    registered.VnfId, registered.Name, registered.EnvironmentId);
                break;
            case VnfDetailsChanged changed:
                operations.QueueSqlCommand($"update {_tables.Vnf} set name = ? where id = ?", changed.Name, changed.VnfId);
                operations.QueueSqlCommand($"update {_tables.Component} set vnf_name = ? where vnf_id = ?", changed.Name, changed.VnfId);
                break;
            case VnfComponentAdded added:
                ForComponent(operations, added.VnfId, added.ComponentId, () => operations.QueueSqlCommand(
                    $"""
                    insert into {_tables.Component} (vnf_id, id, vnf_name, name, sensitivity, trust_domain_id, environment_id, apart)
                    select v.id, ?, v.name, ?, ?, ?, v.environment_id, false from {_tables.Vnf} v where v.id = ?
                    on conflict (vnf_id, id) do nothing
                    """,
                    added.ComponentId, added.Name, (short)added.Sensitivity, added.TrustDomainId, added.VnfId));
                break;
            case VnfComponentChanged changed:
                ForComponent(operations, changed.VnfId, changed.ComponentId, () => operations.QueueSqlCommand(
                    $"update {_tables.Component} set name = ?, sensitivity = ?, trust_domain_id = ? where vnf_id = ? and id = ?",
                    changed.Name, (short)changed.Sensitivity, changed.TrustDomainId, changed.VnfId, changed.ComponentId));
                break;
            case VnfComponentRemoved removed:
                ForComponent(operations, removed.VnfId, removed.ComponentId, () => operations.QueueSqlCommand(
                    $"delete from {_tables.Component} where vnf_id = ? and id = ?", removed.VnfId, removed.ComponentId));
                break;
            case VnfMoved moved:
                ForVnf(operations, moved.VnfId, () =>
                {
                    operations.QueueSqlCommand($"update {_tables.Vnf} set environment_id = ? where id = ?", moved.ToEnvironmentId, moved.VnfId);
                    // Everything that ran with the VNF moves; components apart in the target rejoin it; others stay apart.
                    operations.QueueSqlCommand(
                        $"""
                        update {_tables.Component} set environment_id = ?, apart = false
                        where vnf_id = ? and (not apart or environment_id = ?)
                        """,
                        moved.ToEnvironmentId, moved.VnfId, moved.ToEnvironmentId);
                });
                break;
            case ComponentsMoved moved:
                ForVnf(operations, moved.VnfId, () =>
                {
                    operations.QueueSqlCommand(
                        $"update {_tables.Component} set environment_id = ?, apart = true where vnf_id = ? and id = any(?)",
                        moved.ToEnvironmentId, moved.VnfId, moved.ComponentIds.ToArray());
                    // When every component now runs in the target, the VNF as a whole runs there.
                    operations.QueueSqlCommand(
                        $"""
                        with whole as (
                          select 1 from {_tables.Vnf} v where v.id = ?
                          and not exists (select 1 from {_tables.Component} c where c.vnf_id = v.id and c.environment_id <> ?)),
                        vnf as (update {_tables.Vnf} set environment_id = ? where id = ? and exists (select 1 from whole))
                        update {_tables.Component} set apart = false where vnf_id = ? and exists (select 1 from whole)
                        """,
                        moved.VnfId, moved.ToEnvironmentId, moved.ToEnvironmentId, moved.VnfId, moved.VnfId);
                });
                break;
        }

        return ValueTask.CompletedTask;
    }

    private void ForVnf(IDocumentOperations operations, Guid vnfId, Action change)
    {
        operations.QueueSqlCommand(_contributeVnf, -1L, vnfId);
        change();
        operations.QueueSqlCommand(_contributeVnf, 1L, vnfId);
    }

    private void ForComponent(IDocumentOperations operations, Guid vnfId, Guid componentId, Action change)
    {
        operations.QueueSqlCommand(_contributeComponent, -1L, vnfId, componentId);
        change();
        operations.QueueSqlCommand(_contributeComponent, 1L, vnfId, componentId);
    }
}

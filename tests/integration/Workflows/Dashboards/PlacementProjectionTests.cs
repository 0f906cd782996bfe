using Console.IntegrationTests.Infrastructure;
using Console.Workflows.Common;
using Console.Workflows.Dashboards;
using Console.Workflows.Dashboards.Projections;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.Seeding;
using Console.Workflows.Policy;
using Console.Workflows.Policy.Revising;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Shouldly;
using Weasel.Core;
using Xunit;

namespace Console.IntegrationTests.Workflows.Dashboards;

/// <summary>
/// The placement projection on real PostgreSQL: the demo inventory, then moves and component edits, must give the
/// component rows and counters the VNF documents describe, and a policy revision that raises a sensitivity's
/// required trust level must show its violations at once.
/// </summary>
public sealed class PlacementProjectionTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 9, 0, 0, TimeSpan.Zero);
    private static readonly Actor Administrator = new("ada.admin", "Ada Admin", new HashSet<string> { Roles.Administrator });
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Guid DcA = InventorySeed.EnvironmentId("Frankfurt Core DC A");
    private static readonly Guid Munich = InventorySeed.EnvironmentId("Munich Regional Cluster");
    private static readonly Guid Hamburg = InventorySeed.EnvironmentId("Hamburg Edge Site 07");
    private static readonly Guid Berlin = InventorySeed.EnvironmentId("Berlin Edge Site 12");

    private static readonly string[] SmfComponents = ["pdu-session-manager", "n4-pfcp-controller", "charging-trigger"];

    private DashboardTables Tables => new(database.Store.Options.DatabaseSchemaName);

    [Fact]
    public async Task PlacementViolation_WhenPolicyRaisesRequiredTrust_ListsEveryComponentNowBelowIt()
    {
        await SeedAndMoveAsync();
        await database.Store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await using (var session = database.Store.LightweightSession())
            await PolicySeedIfMissingAsync(session);

        // Under the default policy the demo inventory (and the moves below) place everything where it may run.
        (await PlacementAsync()).Violations.ShouldBe((await ExpectedViolationsAsync()).Count);

        // Internal components now need Medium trust: those on the Low edge sites violate it.
        await using (var session = database.Store.LightweightSession())
        {
            var current = await session.LoadAsync<ApprovalPolicy>(ApprovalPolicy.StreamId, Ct);
            var raised = current!.Document with
            {
                Sensitivities = [.. current.Document.Sensitivities.Select(r =>
                    r.Sensitivity == Sensitivity.Internal ? r with { RequiredTrustLevel = TrustLevel.Medium } : r)],
            };
            // A raise strengthens protection: the decider's events go straight into force, as the handler would append them.
            var decision = RevisePolicyDecider.Decide(
                new RevisePolicy(current.Revision, raised, "Edge sites lost their attestation"), current, Administrator, Now);
            decision.Refusal.ShouldBeNull();
            session.Events.Append(ApprovalPolicy.StreamId, decision.Events);
            await session.SaveChangesAsync(Ct);
        }

        var expected = await ExpectedViolationsAsync();
        expected.Count.ShouldBeGreaterThan(0);
        expected.ShouldAllBe(v => v.Environment == Hamburg || v.Environment == Berlin);
        var placement = await PlacementAsync();
        placement.Violations.ShouldBe(expected.Count);
        placement.Cells.Sum(c => c.Violations).ShouldBe(expected.Count);

        var reader = Readers.Components;
        foreach (var (sort, descending) in new[] { (ComponentSortField.Environment, false), (ComponentSortField.Vnf, false), (ComponentSortField.Vnf, true) })
        {
            var listed = new List<ComponentRow>();
            for (var page = 0; ; page++)
            {
                var result = await reader.ListComponentsAsync(
                    new ComponentListRequest(SortBy: sort, Descending: descending, Page: page, PageSize: 4), Ct);
                result.TotalCount.ShouldBe(expected.Count);
                listed.AddRange(result.Items);
                if (result.Items.Count < 4)
                    break;
            }

            listed.Select(r => (r.VnfId, r.ComponentId)).ShouldBe(expected.Select(v => (v.Vnf, v.Component)), ignoreOrder: true, $"{sort} {descending}");
            listed.ShouldAllBe(r => r.Violates && r.RequiredTrustLevel == TrustLevel.Medium);
            if (sort == ComponentSortField.Environment)
                listed.Select(r => r.Environment.Name).ShouldBeInOrder(SortDirection.Ascending, StringComparer.Ordinal);
            else
                listed.Select(r => r.VnfName).ShouldBeInOrder(descending ? SortDirection.Descending : SortDirection.Ascending, StringComparer.Ordinal);
        }

        // One environment's violations only.
        var berlin = await reader.ListComponentsAsync(new ComponentListRequest(EnvironmentId: Berlin, PageSize: 100), Ct);
        berlin.Items.Select(r => r.ComponentId).ShouldBe(expected.Where(v => v.Environment == Berlin).Select(v => v.Component), ignoreOrder: true);
        berlin.TotalCount.ShouldBe(expected.Count(v => v.Environment == Berlin));
    }

    [Fact]
    public async Task ComponentRows_AfterMovesAndEdits_AreWhereTheVnfDocumentsSayEachComponentRuns()
    {
        await SeedAndMoveAsync();
        var expected = await ComponentsFromDocumentsAsync();

        var rows = new List<(Guid Vnf, Guid Component, string Name, short Sensitivity, Guid Domain, Guid Environment)>();
        await using (var conn = new NpgsqlConnection(database.ConnectionString))
        {
            await conn.OpenAsync(Ct);
            await using var command = new NpgsqlCommand(
                $"select vnf_id, id, name, sensitivity, trust_domain_id, environment_id from {Tables.Component}", conn);
            await using var reader = await command.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
                rows.Add((reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetInt16(3), reader.GetGuid(4), reader.GetGuid(5)));
        }

        rows.ShouldBe(expected.Select(c => (c.Vnf, c.Component, c.Name, (short)c.Sensitivity, c.Domain, c.Environment)), ignoreOrder: true);

        // The matrix: components per (trust domain, environment).
        var placement = await PlacementAsync();
        var cells = placement.Cells.Where(c => c.Components > 0).ToDictionary(c => (c.TrustDomainId, c.EnvironmentId), c => c.Components);
        cells.ShouldBe(expected.GroupBy(c => (c.Domain, c.Environment)).ToDictionary(g => g.Key, g => (long)g.Count()), ignoreOrder: true);

        // A cell drills down to exactly its components.
        var cell = expected.GroupBy(c => (c.Domain, c.Environment)).OrderByDescending(g => g.Count()).First();
        var page = await Readers.Components.ListComponentsAsync(
            new ComponentListRequest(ViolationsOnly: false, TrustDomainId: cell.Key.Domain, EnvironmentId: cell.Key.Environment, PageSize: 200), Ct);
        page.Items.Select(r => r.ComponentId).ShouldBe(cell.Select(c => c.Component), ignoreOrder: true);
        page.TotalCount.ShouldBe(cell.Count());
    }

    [Fact]
    public async Task StartUp_OnADatabaseOlderThanTheDashboards_RebuildsTheirTablesFromTheEventsOnce()
    {
        await SeedAndMoveAsync();
        var snapshot = Guid.NewGuid();
        await using (var session = database.Store.LightweightSession())
        {
            session.Events.StartStream<Console.Workflows.Snapshots.Snapshot>(snapshot,
                new Console.Workflows.Snapshots.SnapshotTaken(snapshot, InventorySeed.VnfId("amf-fra-01"), "amf-fra-01",
                    [new(Guid.NewGuid(), "n2", Sensitivity.Internal, InventorySeed.TrustDomainId("Operator Core"))],
                    Guid.NewGuid(), DcA, "sim://x", "sha256:0", 1, "olli", ["anna"], "system:execution", Now));
            await session.SaveChangesAsync(Ct);
        }

        var expected = await ComponentsFromDocumentsAsync();
        await using (var conn = new NpgsqlConnection(database.ConnectionString))
        {
            await conn.OpenAsync(Ct);
            var t = Tables;
            await using var wipe = new NpgsqlCommand(
                $"delete from {t.Vnf}; delete from {t.Component}; delete from {t.Placement}; delete from {t.Snapshot}; "
                + $"delete from {t.SnapshotAge}; delete from {t.SnapshotExpiry}; delete from {t.SnapshotDomain}; delete from {t.SnapshotDomainTotal}", conn);
            await wipe.ExecuteNonQueryAsync(Ct);
        }

        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection()
            .AddSingleton<IDocumentStore>(database.Store)
            .AddSingleton(Tables)
            .BuildServiceProvider();

        (await services.EnsureDashboardProjectionsAsync(Ct)).ShouldBe(["DashboardPlacement", "DashboardSnapshots"], ignoreOrder: true);
        (await services.EnsureDashboardProjectionsAsync(Ct)).ShouldBeEmpty();

        var placement = await PlacementAsync();
        placement.Cells.Sum(c => c.Components).ShouldBe(expected.Count);
        var age = await Readers.Age.ReadAsync(Ct);
        age.Count(Sensitivity.Internal, AgeBucket.UnderOneDay).ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task Schema_OnceCreated_HasNothingLeftToMigrate()
    {
        await database.Store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        var migration = await database.Store.Storage.Database.CreateMigrationAsync(Ct);

        migration.Difference.ShouldBe(SchemaPatchDifference.None,
            Updates(migration));
    }

    private static string Updates(SchemaMigration migration)
    {
        using var writer = new StringWriter();
        migration.WriteAllUpdates(writer, new Weasel.Postgresql.PostgresqlMigrator(), JasperFx.AutoCreate.CreateOrUpdate);
        return writer.ToString();
    }

    private async Task SeedAndMoveAsync()
    {
        if (!await InventorySeed.EnsureSeededAsync(database.Store, new FakeTimeProvider(Now.AddDays(-1)), Ct))
            return;

        var udm = InventorySeed.VnfId("udm-fra-01");
        var sidf = InventorySeed.ComponentId("udm-fra-01", "suci-deconcealment (SIDF)");
        var gateway = InventorySeed.ComponentId("udm-fra-01", "sbi-gateway");
        var upf = InventorySeed.VnfId("upf-ham-08");
        var nrf = InventorySeed.VnfId("nrf-ber-12");
        var probe = InventorySeed.ComponentId("nrf-ber-12", "health-probe");
        var smf = InventorySeed.VnfId("smf-muc-01");
        var smfComponents = SmfComponents.Select(c => InventorySeed.ComponentId("smf-muc-01", c)).ToArray();

        await using var session = database.Store.LightweightSession();
        // Part of the UDM moves apart, then the whole VNF moves: the part apart stays where it is.
        session.Events.Append(udm, new ComponentsMoved(udm, [gateway], DcA, Munich, "partial", "system:execution", Now));
        session.Events.Append(udm, new VnfMoved(udm, DcA, InventorySeed.EnvironmentId("Frankfurt Core DC B"), "whole", "system:execution", Now));
        session.Events.Append(udm, new VnfComponentChanged(udm, sidf, "sidf", Sensitivity.Critical,
            InventorySeed.TrustDomainId("Operator Core"), "ada.admin", Now));
        // A UPF moves from Hamburg to Berlin, a probe is removed and a new Internal component added on the Berlin NRF.
        session.Events.Append(upf, new VnfMoved(upf, Hamburg, Berlin, "site closure", "system:execution", Now));
        session.Events.Append(nrf, new VnfComponentRemoved(nrf, probe, "health-probe", "ada.admin", Now));
        session.Events.Append(nrf, new VnfComponentAdded(nrf, Guid.Parse("c0ffee00-0000-4000-8000-000000000001"), "metrics-exporter",
            Sensitivity.Internal, InventorySeed.TrustDomainId("Operator Core"), "ada.admin", Now));
        // Every SMF component moves to DC A one by one: at the last step the VNF as a whole runs there.
        session.Events.Append(smf, new ComponentsMoved(smf, smfComponents[..2], Munich, DcA, "step 1", "system:execution", Now));
        session.Events.Append(smf, new ComponentsMoved(smf, smfComponents[2..], Munich, DcA, "step 2", "system:execution", Now));
        await session.SaveChangesAsync(Ct);

        await using var query = database.Store.QuerySession();
        (await query.LoadAsync<Vnf>(smf, Ct))!.EnvironmentId.ShouldBe(DcA);
    }

    private async Task<List<(Guid Vnf, Guid Component, string Name, Sensitivity Sensitivity, Guid Domain, Guid Environment)>> ComponentsFromDocumentsAsync()
    {
        await using var query = database.Store.QuerySession();
        var vnfs = await query.Query<Vnf>().ToListAsync(Ct);
        return [.. vnfs.SelectMany(v => v.Components.Select(c => (v.Id, c.Id, c.Name, c.Sensitivity, c.TrustDomainId, v.PlacementOf(c))))];
    }

    private async Task<List<(Guid Vnf, Guid Component, Guid Environment)>> ExpectedViolationsAsync()
    {
        await using var query = database.Store.QuerySession();
        var policy = (await query.LoadAsync<ApprovalPolicy>(ApprovalPolicy.StreamId, Ct))?.Document;
        var environments = (await query.Query<ExecutionEnvironment>().ToListAsync(Ct)).ToDictionary(e => e.Id);
        return [.. (await ComponentsFromDocumentsAsync())
            .Where(c => !Placement.Satisfied(c.Sensitivity, environments[c.Environment].TrustLevel, policy))
            .Select(c => (c.Vnf, c.Component, c.Environment))];
    }

    private async Task<PlacementFigures> PlacementAsync()
    {
        return await Readers.Placement.ReadAsync(Ct);
    }

    private DashboardReaders Readers => new(database.Store, new DashboardOptions(), new FakeTimeProvider(Now));

    private static async Task PolicySeedIfMissingAsync(IDocumentSession session)
    {
        if (await session.LoadAsync<ApprovalPolicy>(ApprovalPolicy.StreamId, Ct) is not null)
            return;
        session.Events.StartStream<ApprovalPolicy>(ApprovalPolicy.StreamId,
            new PolicyRevised(ApprovalPolicy.StreamId, 1, DefaultPolicy.Document, "Initial policy", "system:seed", Now.AddDays(-2)));
        await session.SaveChangesAsync(Ct);
    }
}

using Console.IntegrationTests.Infrastructure;
using Console.Testing.Workflows.Inventory;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.Seeding;
using Console.Workflows.Policy;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Inventory;

/// <summary>The detail page's placement check: where each component actually runs, under the current policy.</summary>
public sealed class MartenInventoryReaderPlacementTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Guid Udm = InventorySeed.VnfId("udm-fra-01");
    private static readonly Guid Sidf = InventorySeed.ComponentId("udm-fra-01", "suci-deconcealment (SIDF)");
    private static readonly Guid SbiGateway = InventorySeed.ComponentId("udm-fra-01", "sbi-gateway");
    private static readonly Guid DcA = InventorySeed.EnvironmentId("Frankfurt Core DC A");
    private static readonly Guid Munich = InventorySeed.EnvironmentId("Munich Regional Cluster");

    public async ValueTask InitializeAsync()
    {
        await InventorySeed.EnsureSeededAsync(database.Store, new FakeTimeProvider(Scenarios.Now), Ct);
        await using var session = database.Store.LightweightSession();
        session.Events.Append(Udm, new ComponentsMoved(Udm, [Sidf, SbiGateway], DcA, Munich, "test", "system:execution", Scenarios.Now));
        await session.SaveChangesAsync(Ct);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task GetVnf_WhenComponentsRunApartAndPolicyTightens_JudgesEachWhereItRunsUnderThePolicy()
    {
        await using (var session = database.Store.QuerySession())
        {
            var details = (await new MartenInventoryReader(session).GetVnfAsync(Udm, Ct)).ShouldNotBeNull();
            var sidf = details.Components.Single(c => c.Component.Id == Sidf);
            sidf.PlacedIn.ShouldNotBeNull().Name.ShouldBe("Munich Regional Cluster");
            sidf.PlacementSatisfied.ShouldBeFalse();
            details.Components.Single(c => c.Component.Id == SbiGateway).PlacementSatisfied.ShouldBeTrue();
            details.Components.Single(c => c.Component.Name == "subscription-data-api").PlacedIn!.Id.ShouldBe(DcA);
        }

        // Internal components now need High trust: the same placement no longer holds.
        var strict = DefaultPolicy.Document with
        {
            Sensitivities = [.. DefaultPolicy.Document.Sensitivities.Select(r =>
                r.Sensitivity is Sensitivity.Internal or Sensitivity.Sensitive ? r with { RequiredTrustLevel = TrustLevel.High } : r)],
        };
        await using (var write = database.Store.LightweightSession())
        {
            write.Events.Append(ApprovalPolicy.StreamId, new PolicyRevised(ApprovalPolicy.StreamId, 1, strict, "stricter", "admin-1", Scenarios.Now));
            await write.SaveChangesAsync(Ct);
        }

        await using (var session = database.Store.QuerySession())
        {
            var details = (await new MartenInventoryReader(session).GetVnfAsync(Udm, Ct)).ShouldNotBeNull();
            var gateway = details.Components.Single(c => c.Component.Id == SbiGateway);
            gateway.RequiredTrustLevel.ShouldBe(TrustLevel.High);
            gateway.PlacementSatisfied.ShouldBeFalse();
        }
    }
}

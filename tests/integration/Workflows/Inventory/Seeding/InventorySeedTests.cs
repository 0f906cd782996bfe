using Console.IntegrationTests.Infrastructure;
using Console.Testing.Workflows.Inventory;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.Seeding;
using Marten;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Inventory.Seeding;

public sealed class InventorySeedTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EnsureSeeded_CalledTwice_SeedsOnceWithSeedActorEvents()
    {
        var time = new FakeTimeProvider(Scenarios.Now);

        var first = await InventorySeed.EnsureSeededAsync(database.Store, time, Ct);
        var second = await InventorySeed.EnsureSeededAsync(database.Store, time, Ct);

        first.ShouldBeTrue();
        second.ShouldBeFalse();
        await using var session = database.Store.QuerySession();
        (await session.Query<TrustDomain>().CountAsync(Ct)).ShouldBe(InventorySeed.TrustDomains.Count);
        (await session.Query<ExecutionEnvironment>().CountAsync(Ct)).ShouldBe(InventorySeed.Environments.Count);
        (await session.Query<Vnf>().CountAsync(Ct)).ShouldBe(InventorySeed.Vnfs.Count);
        var amf = await session.Events.FetchStreamAsync(InventorySeed.VnfId("amf-fra-01"), token: Ct);
        amf.Select(e => e.Data).OfType<VnfRegistered>().Single().By.ShouldBe(InventorySeed.ActorId);
        amf.Select(e => e.Data).OfType<VnfComponentAdded>().ShouldAllBe(e => e.By == InventorySeed.ActorId);
    }

}

public sealed class InventorySeedPlacementTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EnsureSeeded_EveryComponentSatisfiesPlacementInItsEnvironment()
    {
        await InventorySeed.EnsureSeededAsync(database.Store, new FakeTimeProvider(Scenarios.Now), Ct);

        await using var session = database.Store.QuerySession();
        var environments = (await session.Query<ExecutionEnvironment>().ToListAsync(Ct)).ToDictionary(e => e.Id);
        var vnfs = await session.Query<Vnf>().ToListAsync(Ct);

        vnfs.Count.ShouldBeGreaterThanOrEqualTo(24);
        vnfs.SelectMany(v => v.Components.Select(c => (v.Name, c.Name, Ok: Placement.Satisfied(c, environments[v.EnvironmentId]))))
            .Where(x => !x.Ok).ShouldBeEmpty();
    }
}

/// <summary>The seed's shape, checked without a database.</summary>
public sealed class InventorySeedDataTests
{
    [Fact]
    public void SeedData_LooksLikeAnOperatorsCore()
    {
        InventorySeed.TrustDomains.Count.ShouldBeGreaterThanOrEqualTo(3);
        InventorySeed.Environments.Count.ShouldBeGreaterThanOrEqualTo(5);
        InventorySeed.Environments.Select(e => e.Trust).Distinct().Count().ShouldBe(4);
        InventorySeed.Environments.ShouldContain(e => e.Kind == EnvironmentKind.PublicCloud && e.Trust == TrustLevel.Untrusted);
        InventorySeed.Vnfs.Count.ShouldBeGreaterThanOrEqualTo(24);
        InventorySeed.Vnfs.Select(v => v.Type).Distinct().Count().ShouldBe(Enum.GetValues<VnfType>().Length);
        InventorySeed.Vnfs.ShouldAllBe(v => v.Components.Length >= 2 && v.Components.Length <= 5);
        InventorySeed.Vnfs.SelectMany(v => v.Components.Select(c => c.Sensitivity)).Distinct().Count().ShouldBe(4);
    }

    [Fact]
    public void SeedIds_AreTheSameOnEveryRun()
    {
        InventorySeed.VnfId("amf-fra-01").ShouldBe(InventorySeed.VnfId("amf-fra-01"));
        InventorySeed.VnfId("amf-fra-01").ShouldNotBe(InventorySeed.VnfId("amf-fra-02"));
        InventorySeed.ComponentId("amf-fra-01", "n2-termination").ShouldNotBe(InventorySeed.ComponentId("amf-fra-02", "n2-termination"));
    }
}

/// <summary>The seed gives the approval workflow its demo cases.</summary>
public sealed class InventorySeedDomainTests
{
    [Fact]
    public void SeedData_EveryEnvironmentHasAnOperatingDomainThatExists()
    {
        var domains = InventorySeed.TrustDomains.Select(t => t.Name).ToHashSet();
        InventorySeed.Environments.ShouldAllBe(e => domains.Contains(InventorySeed.EnvironmentOperators[e.Name]));
        InventorySeed.EnvironmentOperators["Frankfurt Core DC A"].ShouldBe("Operator Core");
        InventorySeed.EnvironmentOperators["Frankfurt Core DC B"].ShouldBe("Subscriber Data");
    }

    [Fact]
    public void SeedData_HasACrossDomainCriticalCaseAndAPublicOnlyVnf()
    {
        var dcB = InventorySeed.Vnfs.Where(v => v.Environment == "Frankfurt Core DC B");
        dcB.ShouldContain(v => v.Components.Any(c => c.Sensitivity == Sensitivity.Critical && c.TrustDomain == "Subscriber Data"));
        InventorySeed.Vnfs.ShouldContain(v => v.Components.All(c => c.Sensitivity == Sensitivity.Public));
    }
}

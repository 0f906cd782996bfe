using Console.IntegrationTests.Infrastructure;
using Console.Testing.Workflows.Inventory;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.Seeding;
using Marten;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Inventory;

/// <summary>Search, filter, sort and paging against the seeded demo inventory on real PostgreSQL.</summary>
public sealed class MartenInventoryReaderTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly IReadOnlyList<(string Name, VnfType Type, string Vendor, string Environment, Sensitivity Highest, string[] TrustDomains, Sensitivity[] Sensitivities)> Seeded =
        [.. InventorySeed.Vnfs.Select(v => (v.Name, v.Type, v.Vendor, v.Environment, v.Components.Max(c => c.Sensitivity),
            v.Components.Select(c => c.TrustDomain).ToArray(), v.Components.Select(c => c.Sensitivity).ToArray()))];

    public async ValueTask InitializeAsync() =>
        await InventorySeed.EnsureSeededAsync(database.Store, new FakeTimeProvider(Scenarios.Now), Ct);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<PagedResult<VnfListItem>> Search(VnfSearch search)
    {
        await using var session = database.Store.QuerySession();
        return await new MartenInventoryReader(session).SearchVnfsAsync(search, Ct);
    }

    private async Task<IReadOnlyList<string>> AllNames(VnfSearch search)
    {
        var result = await Search(search with { Page = 0, PageSize = 200 });
        result.TotalCount.ShouldBe(result.Items.Count);
        return [.. result.Items.Select(i => i.Name)];
    }

    private static string[] SortedByName(IEnumerable<string> names) => [.. names.Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Search_WithoutFilter_ReturnsFirstPageByNameAndTheTotal()
    {
        var result = await Search(new VnfSearch(PageSize: 10));

        result.TotalCount.ShouldBe(Seeded.Count);
        result.Page.ShouldBe(0);
        result.PageSize.ShouldBe(10);
        result.Items.Select(i => i.Name).ShouldBe(SortedByName(Seeded.Select(v => v.Name)).Take(10));
    }

    [Fact]
    public async Task Search_PagedThroughEveryPage_ReturnsEachVnfOnceWithTheSameTotal()
    {
        var seen = new List<string>();
        for (var page = 0; page < 4; page++)
        {
            var result = await Search(new VnfSearch(Page: page, PageSize: 8));
            result.TotalCount.ShouldBe(Seeded.Count);
            result.Items.Count.ShouldBe(Math.Clamp(Seeded.Count - (page * 8), 0, 8));
            seen.AddRange(result.Items.Select(i => i.Name));
        }

        seen.ShouldBe(SortedByName(Seeded.Select(v => v.Name)));
    }

    [Fact]
    public async Task Search_ByTextInAnyCase_MatchesNameVendorAndType()
    {
        (await AllNames(new VnfSearch(Text: "FRA-0"))).ShouldBe(
            SortedByName(Seeded.Where(v => v.Name.Contains("fra-0", StringComparison.Ordinal)).Select(v => v.Name)));
        (await AllNames(new VnfSearch(Text: "open5gs"))).ShouldBe(
            SortedByName(Seeded.Where(v => v.Vendor == "Open5GS").Select(v => v.Name)));
        (await AllNames(new VnfSearch(Text: "sepp"))).ShouldBe(
            SortedByName(Seeded.Where(v => v.Type == VnfType.SEPP).Select(v => v.Name)));
        (await AllNames(new VnfSearch(Text: "no such thing"))).ShouldBeEmpty();
    }

    [Fact]
    public async Task Search_ByType_ReturnsOnlyThatType()
    {
        (await AllNames(new VnfSearch(Type: VnfType.UPF))).ShouldBe(
            SortedByName(Seeded.Where(v => v.Type == VnfType.UPF).Select(v => v.Name)));
    }

    [Fact]
    public async Task Search_ByEnvironment_ReturnsOnlyVnfsThereWithEnvironmentNameAndTrust()
    {
        var munich = InventorySeed.EnvironmentId("Munich Regional Cluster");

        var result = await Search(new VnfSearch(EnvironmentId: munich, PageSize: 200));

        result.Items.Select(i => i.Name).ShouldBe(
            SortedByName(Seeded.Where(v => v.Environment == "Munich Regional Cluster").Select(v => v.Name)));
        result.Items.ShouldAllBe(i => i.EnvironmentId == munich && i.EnvironmentName == "Munich Regional Cluster"
            && i.EnvironmentTrustLevel == TrustLevel.Medium);
    }

    [Fact]
    public async Task Search_ByTrustDomain_ReturnsVnfsWithAnyComponentInIt()
    {
        var intercept = InventorySeed.TrustDomainId("Lawful Intercept");

        var result = await Search(new VnfSearch(TrustDomainId: intercept, PageSize: 200));

        var expected = SortedByName(Seeded.Where(v => v.TrustDomains.Contains("Lawful Intercept")).Select(v => v.Name));
        expected.Length.ShouldBeGreaterThan(1);
        result.Items.Select(i => i.Name).ShouldBe(expected);
        result.Items.ShouldAllBe(i => i.TrustDomainNames.Contains("Lawful Intercept"));
    }

    [Theory]
    [InlineData(Sensitivity.Public)]
    [InlineData(Sensitivity.Internal)]
    [InlineData(Sensitivity.Sensitive)]
    [InlineData(Sensitivity.Critical)]
    public async Task Search_BySensitivity_ReturnsVnfsWithAnyComponentAtThatLevel(Sensitivity sensitivity)
    {
        var expected = SortedByName(Seeded.Where(v => v.Sensitivities.Contains(sensitivity)).Select(v => v.Name));

        (await AllNames(new VnfSearch(Sensitivity: sensitivity))).ShouldBe(expected);
    }

    [Fact]
    public async Task Search_WithFiltersCombined_AppliesAllOfThem()
    {
        var subscriber = InventorySeed.TrustDomainId("Subscriber Data");

        var names = await AllNames(new VnfSearch(Text: "fra", TrustDomainId: subscriber, Sensitivity: Sensitivity.Critical, Type: VnfType.UDM));

        names.ShouldBe(["udm-fra-01", "udm-fra-02"]);
    }

    public static TheoryData<VnfSortField, bool> SortFields() =>
        new() { { VnfSortField.Name, false }, { VnfSortField.Name, true }, { VnfSortField.Type, false }, { VnfSortField.Type, true },
            { VnfSortField.Vendor, false }, { VnfSortField.Vendor, true }, { VnfSortField.Environment, false },
            { VnfSortField.Environment, true }, { VnfSortField.HighestSensitivity, false }, { VnfSortField.HighestSensitivity, true } };

    [Theory]
    [MemberData(nameof(SortFields))]
    public async Task Search_SortedByField_OrdersEveryPageLikeTheWholeList(VnfSortField field, bool descending)
    {
        static IOrderedEnumerable<T> By<T, TKey>(IEnumerable<T> items, Func<T, TKey> key, bool desc, IComparer<TKey>? comparer = null) =>
            desc ? items.OrderByDescending(key, comparer) : items.OrderBy(key, comparer);

        var ordered = field switch
        {
            VnfSortField.Type => By(Seeded, v => v.Type.ToString(), descending, StringComparer.Ordinal),
            VnfSortField.Vendor => By(Seeded, v => v.Vendor, descending, StringComparer.Ordinal),
            VnfSortField.Environment => By(Seeded, v => v.Environment, descending, StringComparer.OrdinalIgnoreCase),
            VnfSortField.HighestSensitivity => By(Seeded, v => v.Highest, descending),
            _ => By(Seeded, v => v.Name, descending, StringComparer.Ordinal),
        };
        var expected = field == VnfSortField.Name
            ? ordered.Select(v => v.Name).ToArray()
            : ordered.ThenBy(v => v.Name, StringComparer.Ordinal).Select(v => v.Name).ToArray();

        var pages = new List<string>();
        for (var page = 0; page * 7 < Seeded.Count; page++)
        {
            var result = await Search(new VnfSearch(SortBy: field, Descending: descending, Page: page, PageSize: 7));
            result.TotalCount.ShouldBe(Seeded.Count);
            pages.AddRange(result.Items.Select(i => i.Name));
        }

        pages.ShouldBe(expected);
    }

    [Fact]
    public async Task Search_SortedByEnvironmentWithFilter_PagesAcrossEnvironmentsWithFilteredTotal()
    {
        var core = InventorySeed.TrustDomainId("Operator Core");
        var expected = Seeded.Where(v => v.TrustDomains.Contains("Operator Core"))
            .OrderBy(v => v.Environment, StringComparer.OrdinalIgnoreCase).ThenBy(v => v.Name, StringComparer.Ordinal)
            .Select(v => v.Name).ToArray();

        var second = await Search(new VnfSearch(TrustDomainId: core, SortBy: VnfSortField.Environment, Page: 1, PageSize: 5));

        second.TotalCount.ShouldBe(expected.Length);
        second.Items.Select(i => i.Name).ShouldBe(expected.Skip(5).Take(5));
    }

    [Fact]
    public async Task Search_PageBeyondTheEnd_ReturnsNoItemsButTheTotal()
    {
        var result = await Search(new VnfSearch(Page: 50, PageSize: 25));

        result.Items.ShouldBeEmpty();
        result.TotalCount.ShouldBe(Seeded.Count);
    }

    [Fact]
    public async Task Search_ComponentFilters_AreTranslatedToSql()
    {
        await using var session = database.Store.QuerySession();
        var query = MartenInventoryReader.Filter(
            session.Query<Vnf>(), new VnfSearch(TrustDomainId: Guid.NewGuid(), Sensitivity: Sensitivity.Critical));

        var sql = query.ToCommand().CommandText;
        TestContext.Current.TestOutputHelper?.WriteLine(sql);

        sql.ShouldContain("d.data -> 'Components' @>");
        await using var connection = new Npgsql.NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var indexes = new Npgsql.NpgsqlCommand(
            "select indexdef from pg_indexes where tablename = 'mt_doc_vnf'", connection);
        var definitions = new List<string>();
        await using (var reader = await indexes.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
                definitions.Add(reader.GetString(0));
        }

        definitions.ShouldContain(d => d.Contains("gin", StringComparison.OrdinalIgnoreCase) && d.Contains("Components"));
    }

    [Fact]
    public async Task GetVnf_ResolvesEnvironmentTrustDomainsAndPlacement()
    {
        await using var session = database.Store.QuerySession();
        var details = await new MartenInventoryReader(session).GetVnfAsync(InventorySeed.VnfId("udm-fra-01"), Ct);

        details.ShouldNotBeNull();
        details.Environment.Name.ShouldBe("Frankfurt Core DC A");
        var sidf = details.Components.Single(c => c.Component.Name == "suci-deconcealment (SIDF)");
        sidf.TrustDomain.Name.ShouldBe("Subscriber Data");
        sidf.RequiredTrustLevel.ShouldBe(TrustLevel.High);
        sidf.PlacementSatisfied.ShouldBeTrue();
        (await new MartenInventoryReader(session).GetVnfAsync(Guid.NewGuid(), Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task ListsAndCounts_MatchTheSeed()
    {
        await using var session = database.Store.QuerySession();
        var reader = new MartenInventoryReader(session);

        var environments = await reader.ListEnvironmentsAsync(Ct);
        var trustDomains = await reader.ListTrustDomainsAsync(Ct);
        var counts = await reader.CountByEnvironmentAsync(Ct);

        environments.Select(e => e.Name).ShouldBe(InventorySeed.Environments.Select(e => e.Name).Order(StringComparer.Ordinal));
        trustDomains.Select(t => t.Name).ShouldBe(InventorySeed.TrustDomains.Select(t => t.Name).Order(StringComparer.Ordinal));
        foreach (var environment in InventorySeed.Environments)
        {
            var here = InventorySeed.Vnfs.Where(v => v.Environment == environment.Name).ToList();
            counts[InventorySeed.EnvironmentId(environment.Name)].ShouldBe((here.Count, here.Sum(v => v.Components.Length)));
        }
    }
}

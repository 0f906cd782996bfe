using Console.IntegrationTests.Infrastructure;
using Console.Testing.Workflows.Inventory;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.ChangingEnvironment;
using Console.Workflows.Inventory.ChangingTrustDomain;
using Console.Workflows.Inventory.ChangingVnf;
using Console.Workflows.Inventory.RegisteringEnvironment;
using Console.Workflows.Inventory.RegisteringTrustDomain;
using Console.Workflows.Inventory.RegisteringVnf;
using Console.Workflows.Requests;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Inventory;

/// <summary>A workflow host on its own database whose clock stands at <see cref="Scenarios.Now"/>.</summary>
public sealed class InventoryWorkflowFixture : WorkflowFixture
{
    public FakeTimeProvider Clock { get; } = new(Scenarios.Now);

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
}

/// <summary>Register and change through <see cref="IConsoleCommandBus"/> (and the handlers behind it) on real PostgreSQL, then read back.</summary>
public sealed class InventoryCommandsOnPostgresTests(InventoryWorkflowFixture fixture) : IClassFixture<InventoryWorkflowFixture>
{
    private PostgresDatabase Database => fixture.Database;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<T> WithCommands<T>(Func<IConsoleCommandBus, Task<T>> act) => fixture.Host.With(act);

    private async Task<T> WithReader<T>(Func<IInventoryReader, Task<T>> read)
    {
        await using var session = Database.Store.QuerySession();
        return await read(new MartenInventoryReader(session));
    }

    private async Task<(Guid Domain, Guid Environment)> RegisterDomainAndEnvironment(string suffix)
    {
        var domain = await WithCommands(c => c.IssueAsync(
            new RegisterTrustDomain($"Domain {suffix}", "noc-core", "test"), Scenarios.Administrator, Ct));
        var environment = await WithCommands(c => c.IssueAsync(
            new RegisterEnvironment($"Environment {suffix}", EnvironmentKind.CoreDataCentre, "Frankfurt", TrustLevel.High,
                AttestationStatus.Attested), Scenarios.Administrator, Ct));
        domain.Succeeded.ShouldBeTrue();
        environment.Succeeded.ShouldBeTrue();
        return (domain.Id, environment.Id);
    }

    [Fact]
    public async Task RegisterVnf_ThenChangeIt_ReadsBackEveryChangeWithVersions()
    {
        var (domain, environment) = await RegisterDomainAndEnvironment("rw");
        var (_, edge) = await RegisterDomainAndEnvironment("rw-2");

        var registered = await WithCommands(c => c.IssueAsync(
            new RegisterVnf("  amf-test-01 ", VnfType.AMF, "Ericsson", "1.0", environment,
            [
                new ComponentDraft(null, "n2-termination", Sensitivity.Internal, domain),
                new ComponentDraft(null, "ue-context-store", Sensitivity.Sensitive, domain),
            ]), Scenarios.Administrator, Ct));
        registered.Succeeded.ShouldBeTrue(registered.Refusal?.Message);

        var details = (await WithReader(r => r.GetVnfAsync(registered.Id, Ct))).ShouldNotBeNull();
        details.Vnf.Name.ShouldBe("amf-test-01");
        details.Vnf.Version.ShouldBe(3);
        details.Environment.Id.ShouldBe(environment);
        details.Components.Select(c => c.Component.Name).ShouldBe(["n2-termination", "ue-context-store"]);
        details.Components.ShouldAllBe(c => c.PlacementSatisfied && c.TrustDomain.Id == domain);

        // Details, a component raised to Critical and one added: stricter, so in force at once.
        var stricter = ChangeVnf.From(details.Vnf) with
        {
            Name = "amf-test-02",
            SoftwareVersion = "1.1",
            Components =
            [
                new ComponentDraft(details.Vnf.Components[0].Id, "n2-termination", Sensitivity.Critical, domain),
                new ComponentDraft(details.Vnf.Components[1].Id, "ue-context-store", Sensitivity.Sensitive, domain),
                new ComponentDraft(null, "nas-security", Sensitivity.Critical, domain),
            ],
        };
        var changed = await WithCommands(c => c.IssueAsync(stricter, Scenarios.Administrator, Ct));
        changed.Succeeded.ShouldBeTrue(changed.Refusal?.Message);
        changed.PendingRequestId.ShouldBeNull();

        var after = (await WithReader(r => r.GetVnfAsync(registered.Id, Ct))).ShouldNotBeNull();
        after.Vnf.Name.ShouldBe("amf-test-02");
        after.Vnf.SoftwareVersion.ShouldBe("1.1");
        after.Vnf.HighestSensitivity.ShouldBe(Sensitivity.Critical);
        after.Components.Select(c => (c.Component.Name, c.Component.Sensitivity))
            .ShouldBe([("n2-termination", Sensitivity.Critical), ("ue-context-store", Sensitivity.Sensitive), ("nas-security", Sensitivity.Critical)]);
        after.Vnf.Components[0].Id.ShouldBe(details.Vnf.Components[0].Id);
        // details, one component changed, one added
        after.Vnf.Version.ShouldBe(6);

        // Removing a component and moving the VNF by correction weaken protection: submitted for approval, not applied.
        var weaker = ChangeVnf.From(after.Vnf) with
        {
            EnvironmentId = edge,
            Components = [.. ChangeVnf.From(after.Vnf).Components.Where(c => c.Name != "ue-context-store")],
        };
        var held = await WithCommands(c => c.IssueAsync(weaker, Scenarios.Administrator, Ct));
        var requestId = held.PendingRequestId.ShouldNotBeNull(held.Refusal?.Message);
        ChangeRequest? request;
        await using (var query = Database.Store.QuerySession())
            request = await query.LoadAsync<ChangeRequest>(requestId, Ct);
        var submitted = request.ShouldNotBeNull().Content.Guard.ShouldNotBeNull();
        var carried = submitted.Vnf.ShouldNotBeNull();
        (carried.ExpectedVersion, carried.EnvironmentId).ShouldBe((6, edge));
        carried.Components.Select(c => c.Name).ShouldBe(["n2-termination", "nas-security"]);
        submitted.Differences.Where(d => d.Weakens).Select(d => d.What)
            .ShouldBe(["Component ue-context-store", "Runs in (inventory correction, no migration checks)"]);
        var unchanged = (await WithReader(r => r.GetVnfAsync(registered.Id, Ct))).ShouldNotBeNull();
        (unchanged.Vnf.Version, unchanged.Vnf.EnvironmentId, unchanged.Components.Count).ShouldBe((6, environment, 3));

        await using var session = Database.Store.QuerySession();
        var events = await session.Events.FetchStreamAsync(registered.Id, token: Ct);
        events.Select(e => e.Data.GetType()).ShouldBe(
        [
            typeof(VnfRegistered), typeof(VnfComponentAdded), typeof(VnfComponentAdded), typeof(VnfDetailsChanged),
            typeof(VnfComponentChanged), typeof(VnfComponentAdded),
        ]);
    }

    [Fact]
    public async Task ChangeVnf_WithStaleExpectedVersion_RefusesAsConflictAndChangesNothing()
    {
        var (domain, environment) = await RegisterDomainAndEnvironment("stale");
        var registered = await WithCommands(c => c.IssueAsync(
            new RegisterVnf("smf-stale-01", VnfType.SMF, "Nokia", "2.0", environment,
                [new ComponentDraft(null, "pdu-session-manager", Sensitivity.Internal, domain)]), Scenarios.Administrator, Ct));
        var original = (await WithReader(r => r.GetVnfAsync(registered.Id, Ct))).ShouldNotBeNull().Vnf;

        // Two people opened the same version; the first saves, the second must not overwrite it.
        var first = await WithCommands(c => c.IssueAsync(
            ChangeVnf.From(original) with { Vendor = "Samsung" }, Scenarios.Administrator, Ct));
        var second = await WithCommands(c => c.IssueAsync(
            ChangeVnf.From(original) with { Vendor = "Mavenir", SoftwareVersion = "9.9" }, Scenarios.Administrator, Ct));

        first.Succeeded.ShouldBeTrue();
        second.Refusal.ShouldBeRefusal(RefusalKind.Conflict, "Someone else changed this VNF since you opened it. Reload it and apply your change again.");
        var current = (await WithReader(r => r.GetVnfAsync(registered.Id, Ct))).ShouldNotBeNull().Vnf;
        current.Vendor.ShouldBe("Samsung");
        current.SoftwareVersion.ShouldBe("2.0");
        current.Version.ShouldBe(original.Version + 1);
    }

    [Fact]
    public async Task ChangeTrustDomainAndEnvironment_ReadBackWithNewVersion_AndStaleVersionIsConflict()
    {
        var (domain, environment) = await RegisterDomainAndEnvironment("td");
        var domainDoc = (await WithReader(r => r.ListTrustDomainsAsync(Ct))).Single(t => t.Id == domain);
        var environmentDoc = (await WithReader(r => r.ListEnvironmentsAsync(Ct))).Single(e => e.Id == environment);
        domainDoc.Version.ShouldBe(1);
        environmentDoc.Version.ShouldBe(2);
        environmentDoc.LastAttestedAt.ShouldBe(Scenarios.Now);

        var changedDomain = await WithCommands(c => c.IssueAsync(
            new ChangeTrustDomain(domain, 1, "Domain td renamed", "noc-core", "moved"), Scenarios.Administrator, Ct));
        var changedEnvironment = await WithCommands(c => c.IssueAsync(
            new ChangeEnvironment(environment, 2, environmentDoc.Name, EnvironmentKind.CoreDataCentre, "Frankfurt",
                TrustLevel.Medium, AttestationStatus.Failed), Scenarios.Administrator, Ct));
        var staleDomain = await WithCommands(c => c.IssueAsync(
            new ChangeTrustDomain(domain, 1, "Lost update", "noc-core", ""), Scenarios.Administrator, Ct));

        changedDomain.Succeeded.ShouldBeTrue();
        changedEnvironment.Succeeded.ShouldBeTrue();
        staleDomain.Refusal.ShouldBeRefusal(RefusalKind.Conflict, "Someone else changed this trust domain since you opened it. Reload it and apply your change again.");
        var domainAfter = (await WithReader(r => r.ListTrustDomainsAsync(Ct))).Single(t => t.Id == domain);
        domainAfter.ShouldBe(new TrustDomain(domain, "Domain td renamed", "noc-core", "moved") { Version = 2 });
        var environmentAfter = (await WithReader(r => r.ListEnvironmentsAsync(Ct))).Single(e => e.Id == environment);
        environmentAfter.TrustLevel.ShouldBe(TrustLevel.Medium);
        environmentAfter.AttestationStatus.ShouldBe(AttestationStatus.Failed);
        environmentAfter.Version.ShouldBe(4);
    }

    [Fact]
    public async Task RegisterTrustDomain_WhenNameTakenInOtherCase_RefusesWithFieldMessageAndSavesNothing()
    {
        await RegisterDomainAndEnvironment("dup");
        var before = (await WithReader(r => r.ListTrustDomainsAsync(Ct))).Count;

        var outcome = await WithCommands(c => c.IssueAsync(
            new RegisterTrustDomain("DOMAIN DUP", "noc-core"), Scenarios.Administrator, Ct));

        outcome.Refusal.ShouldBeFieldRefusal(("Name", "Another trust domain already has this name."));
        (await WithReader(r => r.ListTrustDomainsAsync(Ct))).Count.ShouldBe(before);
    }

    [Fact]
    public async Task RegisterVnf_WhenNotAdministrator_IsForbiddenAndSavesNothing()
    {
        var (domain, environment) = await RegisterDomainAndEnvironment("forbidden");

        var outcome = await WithCommands(c => c.IssueAsync(
            new RegisterVnf("upf-forbidden-01", VnfType.UPF, "Nokia", "1", environment,
                [new ComponentDraft(null, "pfcp-agent", Sensitivity.Internal, domain)]), Scenarios.Operator, Ct));

        outcome.Refusal.ShouldBeRefusal(RefusalKind.Forbidden, CommandRoles.RefusalMessage(ConsoleCommand.RegisterVnf));
        var found = await WithReader(r => r.SearchVnfsAsync(new VnfSearch(Text: "upf-forbidden"), Ct));
        found.TotalCount.ShouldBe(0);
    }

    [Fact]
    public async Task ChangeVnf_WhenStreamDoesNotExist_RefusesAsNotFound()
    {
        var (domain, environment) = await RegisterDomainAndEnvironment("missing");

        var outcome = await WithCommands(c => c.IssueAsync(
            new ChangeVnf(Guid.NewGuid(), 3, "ghost", VnfType.AMF, "x", "1", environment,
                [new ComponentDraft(null, "n2", Sensitivity.Public, domain)]), Scenarios.Administrator, Ct));

        outcome.Refusal.ShouldBeRefusal(RefusalKind.NotFound, "This VNF does not exist (any more).");
    }

    [Fact]
    public async Task WorkflowHost_ResolvesTheInventoryReaderAndTheCommandBusInAScope()
    {
        await using var scope = fixture.Host.Services.CreateAsyncScope();

        scope.ServiceProvider.GetRequiredService<IConsoleCommandBus>().ShouldBeOfType<CommandBus>();
        var reader = scope.ServiceProvider.GetRequiredService<IInventoryReader>();
        (await reader.ListEnvironmentsAsync(Ct)).ShouldNotBeNull();
    }
}

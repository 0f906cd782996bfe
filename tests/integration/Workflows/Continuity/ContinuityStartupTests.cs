using Console.IntegrationTests.Infrastructure;
using Console.Workflows.Attestation;
using Console.Workflows.Attestation.Enrolling;
using Console.Workflows.Continuity;
using Console.Workflows.Continuity.Seeding;
using Console.Workflows.Continuity.Tracking;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.Seeding;
using Console.Workflows.Nfv;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Continuity;

/// <summary>What start-up does on the demo inventory: environments enrolled, every VNF's continuity established, KI#13 relationships declared; all once.</summary>
public sealed class ContinuityStartupTests(WorkflowFixture fixture) : IClassFixture<WorkflowFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StartUp_OnTheDemoInventory_EnrolsEstablishesAndDeclaresOnce_AndRelationshipsReadBothWays()
    {
        var host = fixture.Host;
        var store = host.Store;
        var time = host.Services.GetRequiredService<TimeProvider>();
        var infrastructure = host.Services.GetRequiredService<INfvInfrastructure>();
        var continuity = host.Services.GetRequiredService<IContinuityService>();
        (await InventorySeed.EnsureSeededAsync(store, time, Ct)).ShouldBeTrue();

        // The host's own start-up (ContinuityStartup, a hosted service) runs the same three steps in the background; on a
        // busy machine it may still be running them after the seeding above (CI once saw it establish one VNF first), so
        // the test and the start-up share the work: each step's count is at most the whole, and together it is done once.
        (await DemoEnrolment.EnrolAllAsync(store, infrastructure, host.Services.GetRequiredService<EnrolmentOptions>(), time, Ct))
            .ShouldBeInRange(0, InventorySeed.Environments.Count);
        (await ContinuityEstablishment.EstablishAllAsync(store, continuity, Ct)).ShouldBeInRange(0, InventorySeed.Vnfs.Count);
        (await TrustRelationshipSeed.EnsureDeclaredAsync(store, continuity, Ct)).ShouldBeInRange(0, TrustRelationshipSeed.Relationships.Count);

        (await DemoEnrolment.EnrolAllAsync(store, infrastructure, host.Services.GetRequiredService<EnrolmentOptions>(), time, Ct)).ShouldBe(0);
        (await ContinuityEstablishment.EstablishAllAsync(store, continuity, Ct)).ShouldBe(0);
        (await TrustRelationshipSeed.EnsureDeclaredAsync(store, continuity, Ct)).ShouldBe(0);

        await using (var session = store.QuerySession())
        {
            // Once each, whoever did it.
            (await session.Events.QueryRawEventDataOnly<ContinuityEstablished>().CountAsync(Ct)).ShouldBe(InventorySeed.Vnfs.Count);
            (await session.Query<VnfContinuity>().CountAsync(Ct)).ShouldBe(InventorySeed.Vnfs.Count);
            (await session.Events.QueryRawEventDataOnly<TrustRelationshipDeclared>().CountAsync(Ct)).ShouldBe(TrustRelationshipSeed.Relationships.Count);
            (await session.Query<AttestationSubject>().Where(a => a.KeyId != null).CountAsync(Ct)).ShouldBe(InventorySeed.Environments.Count);

            var dcA = (await session.LoadAsync<AttestationSubject>(InventorySeed.EnvironmentId("Frankfurt Core DC A"), Ct)).ShouldNotBeNull();
            dcA.KeyId.ShouldNotBeNull().ShouldStartWith("ak-");
            dcA.ReferenceValues.Select(r => r.Register).ShouldContain(SealingMeasurement.Register);
        }

        var amf = InventorySeed.VnfId("amf-fra-01");
        var view = (await host.With<IContinuityReader, VnfContinuityView?>(r => r.GetAsync(amf, Ct))).ShouldNotBeNull();
        view.Epoch.ShouldBe(1);
        view.Relationships.Select(r => (r.VerifierName, r.SubjectName)).ShouldBe(
            [("amf-fra-01", "ausf-fra-01"), ("amf-fra-01", "smf-fra-01"), ("nrf-fra-01", "amf-fra-01")], ignoreOrder: true);
        view.Relationships.ShouldAllBe(r => r.Established);
        view.History.ShouldContain(h => h.EventType == nameof(TrustRelationshipDeclared) && h.Summary.Contains("UE authentication"));
    }
}

using Console.UnitTests.Infrastructure;
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

namespace Console.UnitTests.Workflows.Continuity;

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

        (await SubjectEnrolment.EnrolEnvironmentsAsync(store, infrastructure, time, Ct)).ShouldBe(InventorySeed.Environments.Count);
        (await ContinuityEstablishment.EstablishAllAsync(store, continuity, Ct)).ShouldBe(InventorySeed.Vnfs.Count);
        (await TrustRelationshipSeed.EnsureDeclaredAsync(store, continuity, Ct)).ShouldBe(TrustRelationshipSeed.Relationships.Count);

        (await SubjectEnrolment.EnrolEnvironmentsAsync(store, infrastructure, time, Ct)).ShouldBe(0);
        (await ContinuityEstablishment.EstablishAllAsync(store, continuity, Ct)).ShouldBe(0);
        (await TrustRelationshipSeed.EnsureDeclaredAsync(store, continuity, Ct)).ShouldBe(0);

        await using (var session = store.QuerySession())
        {
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

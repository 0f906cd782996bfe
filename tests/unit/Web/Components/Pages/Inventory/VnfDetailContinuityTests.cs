using Bunit;
using Console.UnitTests.Web.Components.Pages.Requests;
using Console.Web.Components.Pages.Inventory;
using Console.Workflows.Attestation;
using Console.Workflows.Continuity;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.Inventory;

/// <summary>The VNF page's state continuity: epoch, lease, trust, attestation, relationships and the epoch history.</summary>
public sealed class VnfDetailContinuityTests : RequestPageTest
{
    private static readonly Guid Instance = Guid.Parse("1a5e0000-0000-4000-8000-000000000003");
    private static readonly Guid Amf = Guid.Parse("a3f00000-0000-4000-8000-000000000001");

    private readonly RequestScenarios.World _world;

    public VnfDetailContinuityTests() => _world = RequestScenarios.WithUdmAndPartnerCloud(Inventory);

    private VnfContinuityView Restarted(bool reattested) => new(
        _world.Udm.Id,
        Epoch: 3,
        CurrentLease: new Lease(Instance, _world.CoreDc.Id, 3, Now.AddHours(-2), Revoked: false),
        AwaitingReattestation: !reattested,
        EpochHistory: [1, 2, 3],
        MigrationInFlight: null,
        Fenced: [Guid.NewGuid()],
        History:
        [
            new(1, nameof(ContinuityEstablished), 1, "Established on the first instance.", null, _world.CoreDc.Id, null, "system:continuity", Now.AddDays(-9)),
            new(2, nameof(MigrationCommitted), 2, "Migrated to Core DC: epoch 1 to 2.", null, _world.CoreDc.Id, Guid.NewGuid(), "system:continuity", Now.AddDays(-3)),
            new(3, nameof(StateRestored), 3, "Rolled back to the state of epoch 1 under the new epoch 3.", Instance, _world.CoreDc.Id, Guid.NewGuid(), "system:continuity", Now.AddHours(-2)),
        ],
        InstanceAttestation: new AttestationSummary(Instance, AttestedSubjectKind.VnfInstance, "ak-0123", 4,
            reattested ? true : false, reattested ? null : EvidenceRefusal.Stale,
            reattested ? "Signature by ak-0123 verified." : "The quote was issued 2026-11-27 07:00:00Z, 2 h ago.", Now.AddMinutes(-5), 6, 1),
        Relationships:
        [
            new(Amf, "amf-fra-01", _world.Udm.Id, _world.Udm.Name, "subscriber authentication", reattested,
                reattested ? "Both attested." : "udm-fra-02 awaits re-attestation after its restart."),
        ]);

    [Fact]
    public void VnfDetail_AfterARestoreAwaitingReattestation_ShowsEpochLeaseAndSuspendedRelationships()
    {
        SignInAsRequester();
        Continuity.Views[_world.Udm.Id] = Restarted(reattested: false);

        var cut = Render<VnfDetail>(p => p.Add(x => x.Id, _world.Udm.Id));

        cut.WaitForAssertion(() => cut.Find("[data-testid=epoch]").GetAttribute("data-epoch").ShouldBe("3"));
        cut.Find("[data-testid=lease]").TextContent.ShouldContain("holds the lease of epoch 3");
        cut.Find("[data-testid=lease]").TextContent.ShouldContain(_world.CoreDc.Name);
        cut.Find("[data-testid=trust-state]").TextContent.ShouldContain("Awaiting re-attestation");
        cut.Find("[data-testid=fenced]").TextContent.ShouldContain("1");
        cut.Find("[data-testid=attestation]").GetAttribute("data-accepted").ShouldBe("false");
        cut.Find("[data-testid=attestation]").TextContent.ShouldContain("Evidence refused: Stale");
        var relationship = cut.Find("[data-testid=relationship]");
        (relationship.GetAttribute("data-verifier"), relationship.GetAttribute("data-established")).ShouldBe(("amf-fra-01", "false"));
        relationship.TextContent.ShouldContain("awaits re-attestation");
        // Newest first: the restore heads the history.
        var epochs = cut.FindAll("[data-testid=history-epoch]").Select(e => e.TextContent.Trim()).ToList();
        epochs.ShouldBe(["3", "2", "1"]);
        cut.FindAll("[data-testid=history-event]")[0].GetAttribute("data-type").ShouldBe(nameof(StateRestored));
    }

    [Fact]
    public void VnfDetail_ReattestedInstance_IsTrustedAndItsRelationshipsEstablished()
    {
        SignInAsRequester();
        Continuity.Views[_world.Udm.Id] = Restarted(reattested: true);

        var cut = Render<VnfDetail>(p => p.Add(x => x.Id, _world.Udm.Id));

        cut.WaitForAssertion(() => cut.Find("[data-testid=trust-state]").GetAttribute("data-trusted").ShouldBe("true"));
        cut.Find("[data-testid=attestation]").GetAttribute("data-accepted").ShouldBe("true");
        cut.Find("[data-testid=relationship]").GetAttribute("data-established").ShouldBe("true");
    }

    [Fact]
    public void VnfDetail_WithoutContinuity_SaysItIsNotEstablished()
    {
        SignInAsRequester();

        var cut = Render<VnfDetail>(p => p.Add(x => x.Id, _world.Udm.Id));

        cut.WaitForAssertion(() => cut.Find("[data-testid=no-continuity]").TextContent.ShouldContain("not established"));
    }

    [Fact]
    public void VnfDetail_WhenContinuityCannotBeRead_KeepsTheRestOfThePage()
    {
        SignInAsRequester();
        Continuity.Fails = true;

        var cut = Render<VnfDetail>(p => p.Add(x => x.Id, _world.Udm.Id));

        cut.WaitForAssertion(() => cut.Find("[data-testid=continuity-error]"));
        cut.Find("h1").TextContent.ShouldBe(_world.Udm.Name);
        cut.FindAll("[data-testid=load-error]").ShouldBeEmpty();
    }

    [Fact]
    public void VnfDetail_ForOperator_OffersARollBackToEachAvailableSnapshot()
    {
        SignInAsRequester();
        var available = VnfSnapshots.Add(Snapshots, _world, Now.AddDays(-1));

        var cut = Render<VnfDetail>(p => p.Add(x => x.Id, _world.Udm.Id));

        cut.WaitForAssertion(() => cut.Find("[data-testid=request-restore]").GetAttribute("href")
            .ShouldBe($"/requests/new?kind=Restore&vnf={_world.Udm.Id}&snapshot={available.Id}"));
        cut.Find("[data-testid=request-lifecycle]");
    }
}

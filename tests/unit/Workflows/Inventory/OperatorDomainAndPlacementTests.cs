using Console.Workflows.Inventory;
using Console.Workflows.Inventory.ChangingEnvironment;
using Console.Workflows.Inventory.RegisteringEnvironment;
using Console.Workflows.Policy;
using Shouldly;
using Xunit;
using static Console.Testing.Workflows.Inventory.Scenarios;

namespace Console.UnitTests.Workflows.Inventory;

public sealed class OperatorDomainTests
{
    private static readonly IReadOnlySet<Guid> KnownDomains = new HashSet<Guid> { CoreDomainId, SubscriberDomainId };

    private static ChangeEnvironment Unchanged(Guid? operatorDomain) =>
        new(HighEnvironmentId, 2, "Frankfurt Core DC A", EnvironmentKind.CoreDataCentre, "Frankfurt",
            TrustLevel.High, AttestationStatus.Attested, operatorDomain);

    [Fact]
    public void RegisterEnvironment_WithOperatingDomain_EmitsOperatorDomainAssigned()
    {
        var command = new RegisterEnvironment("Berlin Edge 1", EnvironmentKind.EdgeSite, "Berlin", TrustLevel.Low,
            OperatorDomainId: CoreDomainId);

        var decision = RegisterEnvironmentDecider.Decide(command, EdgeEnvironmentId, false, Administrator, Now, KnownDomains);

        decision.Events.ShouldBe([
            new EnvironmentRegistered(EdgeEnvironmentId, "Berlin Edge 1", EnvironmentKind.EdgeSite, "Berlin", TrustLevel.Low, "admin-1", Now),
            new EnvironmentOperatorDomainAssigned(EdgeEnvironmentId, CoreDomainId, "admin-1", Now),
        ]);
    }

    [Fact]
    public void RegisterEnvironment_WithUnknownOperatingDomain_RefusesOnThatField()
    {
        var command = new RegisterEnvironment("Berlin Edge 1", EnvironmentKind.EdgeSite, "Berlin", TrustLevel.Low,
            OperatorDomainId: Guid.NewGuid());

        var refusal = RegisterEnvironmentDecider.Decide(command, EdgeEnvironmentId, false, Administrator, Now, KnownDomains)
            .Refusal;

        refusal.ShouldBeFieldRefusal(("OperatorDomainId", "Choose a trust domain that exists."));
    }

    [Fact]
    public void ChangeEnvironment_WhenOperatingDomainChanges_EmitsOnlyOperatorDomainAssigned()
    {
        var state = HighEnvironmentAtVersion2 with { OperatorDomainId = CoreDomainId };

        var decision = ChangeEnvironmentDecider.Decide(Unchanged(SubscriberDomainId), state, false, Administrator, Now, KnownDomains);

        decision.Events.ShouldBe([new EnvironmentOperatorDomainAssigned(HighEnvironmentId, SubscriberDomainId, "admin-1", Now)]);
    }

    [Fact]
    public void ChangeEnvironment_WhenOperatingDomainSameOrOmitted_EmitsNothing()
    {
        var state = HighEnvironmentAtVersion2 with { OperatorDomainId = CoreDomainId };

        ChangeEnvironmentDecider.Decide(Unchanged(CoreDomainId), state, false, Administrator, Now, KnownDomains).Events.ShouldBeEmpty();
        ChangeEnvironmentDecider.Decide(Unchanged(null), state, false, Administrator, Now, KnownDomains).Events.ShouldBeEmpty();
    }

    [Fact]
    public void Apply_OperatorDomainAssigned_SetsTheOperatingDomain() =>
        HighEnvironmentAtVersion2.Apply(new EnvironmentOperatorDomainAssigned(HighEnvironmentId, CoreDomainId, "admin-1", Now))
            .OperatorDomainId.ShouldBe(CoreDomainId);
}

public sealed class ComponentPlacementTests
{
    [Fact]
    public void Apply_ComponentsMovedForSome_PlacesThemApartAndKeepsTheVnf()
    {
        var vnf = AmfAtVersion3.Apply(new ComponentsMoved(VnfId, [ContextStoreId], HighEnvironmentId, EdgeEnvironmentId, "test", "system:execution", Now));

        vnf.EnvironmentId.ShouldBe(HighEnvironmentId);
        vnf.PlacementOf(vnf.Components.Single(c => c.Id == ContextStoreId)).ShouldBe(EdgeEnvironmentId);
        vnf.PlacementOf(vnf.Components.Single(c => c.Id == N2Id)).ShouldBe(HighEnvironmentId);
    }

    [Fact]
    public void Apply_ComponentsMovedForTheRest_MovesTheVnfAndClearsOverrides()
    {
        var vnf = AmfAtVersion3
            .Apply(new ComponentsMoved(VnfId, [ContextStoreId], HighEnvironmentId, EdgeEnvironmentId, "first", "system:execution", Now))
            .Apply(new ComponentsMoved(VnfId, [N2Id], HighEnvironmentId, EdgeEnvironmentId, "second", "system:execution", Now));

        vnf.EnvironmentId.ShouldBe(EdgeEnvironmentId);
        vnf.Components.ShouldAllBe(c => c.EnvironmentId == null);
    }

    [Fact]
    public void Apply_ComponentChanged_KeepsWhereTheComponentRuns()
    {
        var vnf = AmfAtVersion3
            .Apply(new ComponentsMoved(VnfId, [ContextStoreId], HighEnvironmentId, EdgeEnvironmentId, "first", "system:execution", Now))
            .Apply(new VnfComponentChanged(VnfId, ContextStoreId, "ue-context-store-v2", Sensitivity.Sensitive, SubscriberDomainId, "admin-1", Now));

        var component = vnf.Components.Single(c => c.Id == ContextStoreId);
        component.Name.ShouldBe("ue-context-store-v2");
        component.EnvironmentId.ShouldBe(EdgeEnvironmentId);
    }

    [Fact]
    public void Placement_WithPolicy_UsesThePolicysRequiredTrustLevel()
    {
        var strict = DefaultPolicy.Document with
        {
            Sensitivities = [.. DefaultPolicy.Document.Sensitivities.Select(r =>
                r.Sensitivity == Sensitivity.Internal ? r with { RequiredTrustLevel = TrustLevel.Medium } : r)],
        };

        Placement.RequiredTrustLevel(Sensitivity.Internal, strict).ShouldBe(TrustLevel.Medium);
        Placement.Satisfied(Sensitivity.Internal, TrustLevel.Low, strict).ShouldBeFalse();
        Placement.Satisfied(Sensitivity.Internal, TrustLevel.Low, null).ShouldBeTrue();
    }
}

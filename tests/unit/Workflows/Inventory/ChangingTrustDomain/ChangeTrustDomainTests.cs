using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.ChangingTrustDomain;
using Shouldly;
using Xunit;
using static Console.Testing.Workflows.Inventory.Scenarios;

namespace Console.UnitTests.Workflows.Inventory.ChangingTrustDomain;

public sealed class ChangeTrustDomainTests
{
    private static ChangeTrustDomain Rename(int expectedVersion = 1) =>
        new(CoreDomainId, expectedVersion, "Operator Core Network", "noc-core-2", "Control plane");

    [Fact]
    public void ChangeTrustDomain_WhenValid_EmitsTrustDomainChanged()
    {
        var decision = ChangeTrustDomainDecider.Decide(Rename(), CoreDomainAtVersion1, false, Administrator, Now);

        decision.Events.ShouldBe([
            new TrustDomainChanged(CoreDomainId, "Operator Core Network", "noc-core-2", "Control plane", "admin-1", Now),
        ]);
    }

    [Fact]
    public void ChangeTrustDomain_WhenNothingDiffers_EmitsNothing()
    {
        var same = new ChangeTrustDomain(CoreDomainId, 1, "Operator Core", "noc-core", "Control plane");

        var decision = ChangeTrustDomainDecider.Decide(same, CoreDomainAtVersion1, false, Administrator, Now);

        decision.Refused.ShouldBeFalse();
        decision.Events.ShouldBeEmpty();
    }

    [Fact]
    public void ChangeTrustDomain_WhenExpectedVersionIsStale_RefusesAsConflict()
    {
        var refusal = ChangeTrustDomainDecider.Decide(Rename(expectedVersion: 0), CoreDomainAtVersion1, false, Administrator, Now)
            .Refusal.ShouldNotBeNull();

        refusal.Kind.ShouldBe(RefusalKind.Conflict);
        refusal.Message.ShouldContain("Reload");
    }

    [Fact]
    public void ChangeTrustDomain_WhenNotAdministrator_RefusesAsForbidden() =>
        ChangeTrustDomainDecider.Decide(Rename(), CoreDomainAtVersion1, false, Operator, Now)
            .Refusal.ShouldBeRefusal(RefusalKind.Forbidden, CommandRoles.RefusalMessage(ConsoleCommand.ChangeTrustDomain));

    [Fact]
    public void ChangeTrustDomain_WhenItDoesNotExist_RefusesAsNotFound() =>
        ChangeTrustDomainDecider.Decide(Rename(), null, false, Administrator, Now)
            .Refusal.ShouldBeRefusal(RefusalKind.NotFound, "This trust domain does not exist (any more).");

    [Fact]
    public void ChangeTrustDomain_WhenNameTakenOrMissingOwner_RefusesWithFieldMessages()
    {
        var command = Rename() with { OwnerGroup = "" };

        var refusal = ChangeTrustDomainDecider.Decide(command, CoreDomainAtVersion1, nameTaken: true, Administrator, Now)
            .Refusal;

        refusal.ShouldBeFieldRefusal(("Name", "Another trust domain already has this name."), ("OwnerGroup", "Owner group is required."));
    }
}

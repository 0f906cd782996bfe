using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.RegisteringTrustDomain;
using Shouldly;
using Xunit;
using static Console.Testing.Workflows.Inventory.Scenarios;

namespace Console.UnitTests.Workflows.Inventory.RegisteringTrustDomain;

public sealed class RegisterTrustDomainTests
{
    private static readonly Guid NewId = Guid.Parse("7d000000-0000-4000-8000-000000000001");

    private static readonly RegisterTrustDomain Valid = new(" Subscriber Data ", "sec-subscriber-data", "Keys and profiles");

    [Fact]
    public void RegisterTrustDomain_WhenValid_EmitsTrustDomainRegisteredWithTrimmedNameWhoAndWhen()
    {
        var decision = RegisterTrustDomainDecider.Decide(Valid, NewId, nameTaken: false, Administrator, Now);

        decision.Refusal.ShouldBeNull();
        decision.Events.ShouldBe([
            new TrustDomainRegistered(NewId, "Subscriber Data", "sec-subscriber-data", "Keys and profiles", "admin-1", Now),
        ]);
    }

    [Fact]
    public void RegisterTrustDomain_WhenNotAdministrator_RefusesAsForbidden()
    {
        var decision = RegisterTrustDomainDecider.Decide(Valid, NewId, nameTaken: false, Operator, Now);

        decision.Refusal.ShouldBeRefusal(RefusalKind.Forbidden, CommandRoles.RefusalMessage(ConsoleCommand.RegisterTrustDomain));
        decision.Events.ShouldBeEmpty();
    }

    [Fact]
    public void RegisterTrustDomain_WhenNameAndOwnerMissing_RefusesWithFieldMessages()
    {
        var decision = RegisterTrustDomainDecider.Decide(new RegisterTrustDomain("  ", null!), NewId, false, Administrator, Now);

        var refusal = decision.Refusal.ShouldNotBeNull();
        refusal.Kind.ShouldBe(RefusalKind.Invalid);
        refusal.FieldErrors[nameof(RegisterTrustDomain.Name)].ShouldBe(["Name is required."]);
        refusal.FieldErrors[nameof(RegisterTrustDomain.OwnerGroup)].ShouldBe(["Owner group is required."]);
        decision.Events.ShouldBeEmpty();
    }

    [Fact]
    public void RegisterTrustDomain_WhenTooLong_RefusesWithMaximumInMessage()
    {
        var command = new RegisterTrustDomain(new string('n', 81), new string('o', 121), new string('d', 501));

        var refusal = RegisterTrustDomainDecider.Decide(command, NewId, false, Administrator, Now).Refusal.ShouldNotBeNull();

        refusal.FieldErrors["Name"].ShouldBe(["Name must be at most 80 characters."]);
        refusal.FieldErrors["OwnerGroup"].ShouldBe(["Owner group must be at most 120 characters."]);
        refusal.FieldErrors["Description"].ShouldBe(["Description must be at most 500 characters."]);
    }

    [Fact]
    public void RegisterTrustDomain_AtMaximumLengths_IsAccepted()
    {
        var command = new RegisterTrustDomain(new string('n', 80), new string('o', 120));

        RegisterTrustDomainDecider.Decide(command, NewId, false, Administrator, Now).Refusal.ShouldBeNull();
    }

    [Fact]
    public void RegisterTrustDomain_WhenNameTaken_RefusesWithFieldMessage()
    {
        var refusal = RegisterTrustDomainDecider.Decide(Valid, NewId, nameTaken: true, Administrator, Now).Refusal.ShouldNotBeNull();

        refusal.FieldErrors.Keys.ShouldBe(["Name"]);
        refusal.FieldErrors["Name"].ShouldBe(["Another trust domain already has this name."]);
    }
}

using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;
using Console.Workflows.Policy.Revising;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Policy.Revising;

public sealed class RevisePolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly Actor Administrator = new("admin", "Adam Admin", new HashSet<string> { Roles.Administrator });
    private static readonly Actor Approver = new("approver", "Arjun", new HashSet<string> { Roles.NocApprover });

    private static ApprovalPolicy AtRevision(int revision) =>
        new(ApprovalPolicy.StreamId, revision, DefaultPolicy.Document, "system:seed", Now.AddDays(-1)) { Version = revision };

    private static PolicyDocument ShorterTimeout => DefaultPolicy.Document with { PendingRequestTimeout = TimeSpan.FromHours(8) };

    [Fact]
    public void Revise_ByAdministratorAtCurrentRevision_EmitsPolicyRevisedWithNextRevision()
    {
        var decision = RevisePolicyDecider.Decide(new RevisePolicy(3, ShorterTimeout, "  Night shift needs faster answers. "), AtRevision(3), Administrator, Now);

        var revised = decision.Events.ShouldHaveSingleItem().ShouldBeOfType<PolicyRevised>();
        revised.Revision.ShouldBe(4);
        revised.PolicyId.ShouldBe(ApprovalPolicy.StreamId);
        revised.Document.PendingRequestTimeout.ShouldBe(TimeSpan.FromHours(8));
        revised.Reason.ShouldBe("Night shift needs faster answers.");
        (revised.By, revised.At).ShouldBe(("admin", Now));
    }

    [Fact]
    public void Revise_WhenNoPolicyYetAndExpectedZero_EmitsRevisionOne() =>
        RevisePolicyDecider.Decide(new RevisePolicy(0, DefaultPolicy.Document, "Initial policy"), null, Administrator, Now)
            .Events.ShouldHaveSingleItem().ShouldBeOfType<PolicyRevised>().Revision.ShouldBe(1);

    [Fact]
    public void Revise_ByNonAdministrator_IsForbidden() =>
        RevisePolicyDecider.Decide(new RevisePolicy(3, ShorterTimeout, "Because"), AtRevision(3), Approver, Now)
            .Refusal.ShouldBeRefusal(RefusalKind.Forbidden, CommandRoles.RefusalMessage(ConsoleCommand.RevisePolicy));

    [Fact]
    public void Revise_WhenRevisionStale_IsAConflict()
    {
        var refusal = RevisePolicyDecider.Decide(new RevisePolicy(2, ShorterTimeout, "Because"), AtRevision(3), Administrator, Now)
            .Refusal.ShouldNotBeNull();

        refusal.Kind.ShouldBe(RefusalKind.Conflict);
        refusal.Message.ShouldContain("Someone else acted first");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Revise_WithoutReason_RefusesOnReason(string reason) =>
        RevisePolicyDecider.Decide(new RevisePolicy(3, ShorterTimeout, reason), AtRevision(3), Administrator, Now)
            .Refusal.ShouldBeFieldRefusal(("Reason", "Say why the policy changes."));

    [Fact]
    public void Revise_WithReasonOver500_RefusesOnReason() =>
        RevisePolicyDecider.Decide(new RevisePolicy(3, ShorterTimeout, new string('r', 501)), AtRevision(3), Administrator, Now)
            .Refusal.ShouldBeFieldRefusal(("Reason", "The reason must be at most 500 characters."));

    [Fact]
    public void Revise_WithInvalidDocument_ReturnsItsFieldErrorsAndNoEvent()
    {
        var invalid = DefaultPolicy.Document with
        {
            Sensitivities = [.. DefaultPolicy.Document.Sensitivities.Select(r =>
                r.Sensitivity == Sensitivity.Critical ? r with { RequiredTrustLevel = TrustLevel.Untrusted } : r)],
        };

        var decision = RevisePolicyDecider.Decide(new RevisePolicy(3, invalid, "Cheaper hosting"), AtRevision(3), Administrator, Now);

        decision.Events.ShouldBeEmpty();
        decision.Refusal.ShouldBeFieldRefusal(
            ("Sensitivities[3].RequiredTrustLevel", "Critical components need at least the trust level Sensitive ones need (Medium)."));
    }
}

using Console.Workflows.Policy;
using Console.Workflows.Policy.Seeding;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Policy.Seeding;

public sealed class PolicySeedTests
{
    [Fact]
    public void FirstRevision_IsRevisionOneOfTheDefaultBySeed()
    {
        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var e = PolicySeed.FirstRevision(at);

        e.ShouldBe(new PolicyRevised(ApprovalPolicy.StreamId, 1, DefaultPolicy.Document, PolicySeed.Reason, "system:seed", at));
        ApprovalPolicy.Create(e).Revision.ShouldBe(1);
    }
}

using Console.Web.Api.Policy;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Api;

public sealed class RevisePolicyBodyTests
{
    private static readonly PolicyDocument Document = new(
        [new SensitivityRule(Sensitivity.Public, TrustLevel.Untrusted, [], TimeSpan.FromDays(30))],
        [new ApproverGroup("Target domain owners", ApproverSource.TargetDomainOwners, null, 1)],
        TimeSpan.FromHours(24),
        true);

    [Fact]
    public void Validate_WhenComplete_FindsNothing() =>
        new RevisePolicyBody(Document, "tighten", 1).Validate().Any.ShouldBeFalse();

    [Fact]
    public void Validate_WhenDocumentAndReasonAreMissing_NamesBoth() =>
        new RevisePolicyBody(null, null, 1).Validate().ToDictionary().Keys.Order().ShouldBe(["document", "reason"]);

    [Fact]
    public void Validate_WhenListsAreMissing_NamesThemInsteadOfFailingLater()
    {
        var document = Document with { Sensitivities = null!, CrossDomainApprovals = null! };

        new RevisePolicyBody(document, "why", 1).Validate().ToDictionary().Keys.Order()
            .ShouldBe(["document.crossDomainApprovals", "document.sensitivities"]);
    }

    [Fact]
    public void Validate_WhenAGroupHasNoName_NamesItsPosition()
    {
        var document = Document with { CrossDomainApprovals = [new ApproverGroup("", ApproverSource.Role, "NocApprover", 1)] };

        new RevisePolicyBody(document, "why", 1).Validate().ToDictionary().Keys.ShouldBe(["document.crossDomainApprovals[0].name"]);
    }
}

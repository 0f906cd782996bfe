using Console.Workflows.Inventory;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Inventory;

public sealed class PlacementTests
{
    [Theory]
    [InlineData(Sensitivity.Public, TrustLevel.Untrusted)]
    [InlineData(Sensitivity.Internal, TrustLevel.Low)]
    [InlineData(Sensitivity.Sensitive, TrustLevel.Medium)]
    [InlineData(Sensitivity.Critical, TrustLevel.High)]
    public void RequiredTrustLevel_ForEachSensitivity_IsTheAgreedMinimum(Sensitivity sensitivity, TrustLevel required) =>
        Placement.RequiredTrustLevel(sensitivity).ShouldBe(required);

    [Theory]
    [InlineData(Sensitivity.Critical, TrustLevel.High, true)]
    [InlineData(Sensitivity.Critical, TrustLevel.Medium, false)]
    [InlineData(Sensitivity.Sensitive, TrustLevel.High, true)]
    [InlineData(Sensitivity.Sensitive, TrustLevel.Low, false)]
    [InlineData(Sensitivity.Internal, TrustLevel.Untrusted, false)]
    [InlineData(Sensitivity.Public, TrustLevel.Untrusted, true)]
    public void Satisfied_ComparesEnvironmentTrustWithRequirement(Sensitivity sensitivity, TrustLevel environment, bool satisfied) =>
        Placement.Satisfied(sensitivity, environment).ShouldBe(satisfied);
}

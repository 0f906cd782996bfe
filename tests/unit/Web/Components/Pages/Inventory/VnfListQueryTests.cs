using Console.Web.Components.Pages.Inventory;
using Console.Workflows.Inventory;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.Inventory;

public sealed class VnfListQueryTests
{
    [Fact]
    public void VnfListQuery_WhenWrittenAndRead_RoundTrips()
    {
        var query = new VnfListQuery("amf 1", VnfType.AMF, Guid.NewGuid(), Guid.NewGuid(), Sensitivity.Critical,
            VnfSortField.HighestSensitivity, true, 3, 50);

        VnfListQuery.Parse("http://localhost" + query.ToUri()).ShouldBe(query);
    }

    [Fact]
    public void VnfListQuery_WhenAllDefault_IsThePlainPath() =>
        new VnfListQuery().ToUri().ShouldBe("/inventory");

    [Fact]
    public void VnfListQuery_WhenParsingTheDocumentedExample_ReadsEveryParameter()
    {
        var env = Guid.NewGuid();
        var domain = Guid.NewGuid();

        var query = VnfListQuery.Parse($"/inventory?q=amf&type=AMF&env={env}&domain={domain}&sensitivity=Critical&sort=Name&desc=false&page=0");

        query.ShouldBe(new VnfListQuery("amf", VnfType.AMF, env, domain, Sensitivity.Critical));
    }

    [Theory]
    [InlineData("/inventory?type=amf", VnfType.AMF)]
    [InlineData("/inventory?type=NOPE", null)]
    [InlineData("/inventory?type=", null)]
    [InlineData("/inventory?type=999", null)]
    public void VnfListQuery_WhenTypeIsOddlyWritten_ReadsItOrIgnoresIt(string uri, VnfType? expected) =>
        VnfListQuery.Parse(uri).Type.ShouldBe(expected);
}

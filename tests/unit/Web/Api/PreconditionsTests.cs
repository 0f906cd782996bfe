using Console.Web.Api;
using Shouldly;
using Xunit;
using static Console.UnitTests.Web.Api.Problems;

namespace Console.UnitTests.Web.Api;

public sealed class PreconditionsTests
{
    private const string Path = "/api/requests/1";

    [Theory]
    [InlineData("\"7\"", 7)]
    [InlineData(" \"0\" ", 0)]
    public void Resolve_WhenIfMatchNamesAVersion_UsesIt(string ifMatch, int expected)
    {
        var version = Preconditions.Resolve(ifMatch, null, "expectedVersion", Path);

        version.Problem.ShouldBeNull();
        version.Value.ShouldBe(expected);
    }

    [Fact]
    public void Resolve_WhenOnlyTheBodyNamesAVersion_UsesIt()
    {
        var version = Preconditions.Resolve(null, 4, "expectedVersion", Path);

        version.Problem.ShouldBeNull();
        version.Value.ShouldBe(4);
    }

    [Fact]
    public void Resolve_WhenHeaderAndBodyAgree_UsesTheVersion() =>
        Preconditions.Resolve("\"4\"", 4, "expectedVersion", Path).Value.ShouldBe(4);

    [Fact]
    public void Resolve_WhenHeaderAndBodyDisagree_Returns400NamingTheBodyField()
    {
        var version = Preconditions.Resolve("\"4\"", 5, "expectedVersion", Path);

        Status(version.Problem!).ShouldBe(400);
        Errors(version.Problem!).Keys.ShouldBe(["expectedVersion"]);
    }

    [Fact]
    public void Resolve_WhenNoVersionIsSent_Returns428SayingToSendIfMatch()
    {
        var version = Preconditions.Resolve(null, null, "expectedVersion", Path);

        Status(version.Problem!).ShouldBe(428);
        Problem(version.Problem!).Detail!.ShouldContain("If-Match");
    }

    [Theory]
    [InlineData("*")]
    [InlineData("W/\"3\"")]
    [InlineData("\"3\", \"4\"")]
    [InlineData("3")]
    [InlineData("\"three\"")]
    [InlineData("\"-1\"")]
    public void Resolve_WhenIfMatchIsNotOneStrongVersionTag_Returns400ForTheHeader(string ifMatch)
    {
        var version = Preconditions.Resolve(ifMatch, null, "expectedVersion", Path);

        Status(version.Problem!).ShouldBe(400);
        Errors(version.Problem!).Keys.ShouldBe(["If-Match"]);
    }

    [Fact]
    public void Resolve_WhenTheBodyVersionIsNegative_Returns400() =>
        Status(Preconditions.Resolve(null, -2, "expectedVersion", Path).Problem!).ShouldBe(400);

    [Fact]
    public void ETagFor_AVersion_IsAStrongTagTheParserReadsBack()
    {
        Preconditions.ETagFor(12).ShouldBe("\"12\"");
        Preconditions.TryParseETag(Preconditions.ETagFor(12), out var version).ShouldBeTrue();
        version.ShouldBe(12);
    }
}

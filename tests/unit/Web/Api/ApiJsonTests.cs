using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Console.Web.Api;
using Console.Web.Api.Requests;
using Console.Workflows.Requests;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xunit;
using static Console.UnitTests.Web.Api.Problems;

namespace Console.UnitTests.Web.Api;

public sealed class ApiJsonTests
{
    // As the console configures its JSON: web defaults, enums by name only.
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(allowIntegerValues: false) },
    };

    private static Body<SubmitRequestBody> Parse(string json) => ApiJson.Parse<SubmitRequestBody>(Encoding.UTF8.GetBytes(json), Options);

    [Fact]
    public void Parse_WhenTheBodyIsValid_ReadsEveryField()
    {
        var vnf = Guid.NewGuid();
        var component = Guid.NewGuid();

        var body = Parse($$"""
            {"kind":"Migration","vnfId":"{{vnf}}","componentIds":["{{component}}"],"targetEnvironmentId":"{{vnf}}",
             "justification":"Move off the failing host","window":{"start":"2026-05-01T22:00:00Z","end":"2026-05-02T02:00:00Z"} }
            """);

        body.Problem.ShouldBeNull();
        body.Value!.Kind.ShouldBe(RequestKind.Migration);
        body.Value.ComponentIds.ShouldBe([component]);
        body.Value.Window!.End.ShouldBe(new DateTimeOffset(2026, 5, 2, 2, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void Parse_WhenTheJsonIsMalformed_Returns400ForTheBody()
    {
        var body = Parse("""{"kind":"Snapshot",""");

        Status(body.Problem!).ShouldBe(400);
        Errors(body.Problem!)["body"][0].ShouldStartWith("The body is not valid JSON");
    }

    [Theory]
    [InlineData("\"Snapshott\"")]
    [InlineData("1")]
    [InlineData("\"1\"")]
    public void Parse_WhenTheKindIsNotOneOfTheNames_Returns400NamingKindAndListingTheNames(string kind)
    {
        var body = Parse($$"""{"kind":{{kind}},"justification":"x"}""");

        Status(body.Problem!).ShouldBe(400);
        Errors(body.Problem!)["kind"].ShouldBe(["Use one of: Snapshot, Migration, SnapshotDeletion, Restore, Pause, Resume, Stop, Start, Restart, GuardChange."]);
    }

    [Fact]
    public void Parse_WhenAComponentIdIsNotAGuid_Returns400NamingTheListEntry()
    {
        var body = Parse("""{"kind":"Snapshot","componentIds":["not-a-guid"]}""");

        Errors(body.Problem!).Keys.ShouldBe(["componentIds[0]"]);
        Errors(body.Problem!)["componentIds[0]"][0].ShouldContain("GUID");
    }

    [Fact]
    public void Parse_WhenANestedDateIsWrong_Returns400NamingTheNestedField()
    {
        var body = Parse("""{"kind":"Snapshot","window":{"start":"tomorrow"}}""");

        Errors(body.Problem!).Keys.ShouldBe(["window.start"]);
        Errors(body.Problem!)["window.start"][0].ShouldContain("ISO 8601");
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("\"text\"")]
    public void Parse_WhenTheBodyIsNotAnObject_Returns400ForTheBody(string json) =>
        Errors(Parse(json).Problem!).Keys.ShouldBe(["body"]);

    [Fact]
    public void Parse_WhenEmptyAndOptional_GivesNoValueAndNoProblem()
    {
        var body = ApiJson.Parse<RetryBody>([], Options, optional: true);

        body.Problem.ShouldBeNull();
        body.Value.ShouldBeNull();
    }

    [Fact]
    public void Parse_WhenEmptyAndRequired_Returns400ForTheBody() =>
        Errors(ApiJson.Parse<SubmitRequestBody>([], Options).Problem!).Keys.ShouldBe(["body"]);

    [Fact]
    public async Task ReadAsync_WhenTheContentTypeIsNotJson_Returns415()
    {
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().BuildServiceProvider() };
        http.Request.ContentType = "text/plain";
        http.Request.Body = new MemoryStream("""{"kind":"Snapshot"}"""u8.ToArray());

        var body = await ApiJson.ReadAsync<SubmitRequestBody>(http.Request, ct: TestContext.Current.CancellationToken);

        Status(body.Problem!).ShouldBe(415);
    }

    [Theory]
    [InlineData("$.kind", "kind")]
    [InlineData("$.window.end", "window.end")]
    [InlineData("$", "body")]
    [InlineData(null, "body")]
    public void FieldOf_AJsonPath_IsTheFieldName(string? path, string field) => ApiJson.FieldOf(path).ShouldBe(field);
}

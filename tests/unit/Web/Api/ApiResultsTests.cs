using Console.Web.Api;
using Console.Workflows.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xunit;
using static Console.UnitTests.Web.Api.Problems;

namespace Console.UnitTests.Web.Api;

public sealed class ApiResultsTests
{
    [Fact]
    public void Refused_WhenInvalidWithFieldErrors_Returns400ValidationProblemNamingTheJsonFields()
    {
        var refusal = Refusal.ForFields(new Dictionary<string, string[]>
        {
            ["Justification"] = ["Say why this is needed."],
            ["TargetEnvironmentId"] = ["Choose where to move to."],
        });

        var result = ApiResults.Refused(refusal);

        Status(result).ShouldBe(400);
        Errors(result).Keys.Order().ShouldBe(["justification", "targetEnvironmentId"]);
        Errors(result)["justification"].ShouldBe(["Say why this is needed."]);
    }

    [Fact]
    public void Refused_WhenInvalidWithoutFields_Returns400ProblemCarryingTheReason()
    {
        var result = ApiResults.Refused(Refusal.Because("Critical components may not move to a Low trust environment."));

        Status(result).ShouldBe(400);
        Problem(result).Detail.ShouldBe("Critical components may not move to a Low trust environment.");
    }

    [Theory]
    [InlineData(RefusalKind.Forbidden, 403)]
    [InlineData(RefusalKind.NotFound, 404)]
    [InlineData(RefusalKind.Conflict, 412)]
    [InlineData(RefusalKind.Unavailable, 503)]
    public void Refused_ByKind_ReturnsItsStatus(RefusalKind kind, int status)
    {
        var result = ApiResults.Refused(Refusal.Because("Because.", kind));

        Status(result).ShouldBe(status);
        Problem(result).Status.ShouldBe(status);
        Problem(result).Detail!.ShouldStartWith("Because.");
    }

    [Fact]
    public void Refused_WhenStale_Returns412SayingReloadAndRetryWithIfMatch()
    {
        var result = ApiResults.Refused(Refusal.Because("Someone else acted first.", RefusalKind.Conflict));

        Problem(result).Detail!.ShouldContain("Reload and retry");
        Problem(result).Detail!.ShouldContain("If-Match");
    }

    [Fact]
    public void From_WhenSucceeded_AnswersWithTheSuccessForTheId()
    {
        var id = Guid.NewGuid();

        var result = ApiResults.From(Outcome.Done(id), created => TypedResults.Created($"/api/requests/{created}", created));

        Status(result).ShouldBe(201);
        ((IValueHttpResult)result).Value.ShouldBe(id);
    }

    [Fact]
    public void From_WhenRefused_NeverCallsTheSuccess()
    {
        var result = ApiResults.From(Outcome.Refused(Refusal.Because("No.", RefusalKind.Forbidden)),
            _ => throw new InvalidOperationException("success must not run"));

        Status(result).ShouldBe(403);
    }

    [Fact]
    public async Task WithETag_WhenExecuted_SendsTheVersionAsStrongETagAndTheBody()
    {
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        http.Response.Body = new MemoryStream();

        await ApiResults.WithETag(new { name = "amf-fra-01" }, 7).ExecuteAsync(http);

        http.Response.StatusCode.ShouldBe(200);
        http.Response.Headers.ETag.ToString().ShouldBe("\"7\"");
        http.Response.Body.Position = 0;
        (await new StreamReader(http.Response.Body).ReadToEndAsync(TestContext.Current.CancellationToken)).ShouldContain("amf-fra-01");
    }

    [Fact]
    public async Task Problem_WhenExecuted_WritesProblemJsonWithTraceId()
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var http = new DefaultHttpContext { RequestServices = services, TraceIdentifier = "trace-42" };
        http.Response.Body = new MemoryStream();

        await ApiResults.Problem(412, "Someone else acted first", "Reload and retry.").ExecuteAsync(http);

        http.Response.StatusCode.ShouldBe(412);
        http.Response.ContentType.ShouldBe("application/problem+json");
        http.Response.Body.Position = 0;
        (await new StreamReader(http.Response.Body).ReadToEndAsync(TestContext.Current.CancellationToken)).ShouldContain("\"traceId\":\"trace-42\"");
    }

    [Theory]
    [InlineData("Justification", "justification")]
    [InlineData("Window.End", "window.end")]
    [InlineData("componentIds[0]", "componentIds[0]")]
    public void CamelCase_FieldNames_MatchTheJsonTheClientSent(string name, string expected) =>
        ApiResults.CamelCase(name).ShouldBe(expected);
}

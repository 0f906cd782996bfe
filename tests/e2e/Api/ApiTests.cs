using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Console.E2ETests.Infrastructure;
using Shouldly;

namespace Console.E2ETests.Api;

/// <summary>
/// The REST API against the real console, with tokens obtained as a CLI would (vnf-cli, code + PKCE, the real sign-in
/// page). Asserts what a script author would check: status, problem details, Location and ETag.
/// </summary>
public sealed class ApiTests(ConsoleApp app)
{
    private const string ProblemJson = "application/problem+json";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NoToken_Returns401ProblemWithBearerChallenge()
    {
        using var api = ApiClient.Anonymous(app);

        using var response = await api.GetAsync("/api/requests", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType?.MediaType.ShouldBe(ProblemJson);
        response.Headers.WwwAuthenticate.ShouldContain(h => h.Scheme == "Bearer");
        (await ProblemAsync(response)).GetProperty("status").GetInt32().ShouldBe(401);
    }

    [Fact]
    public async Task AuditorToken_SubmitRequest_Returns403ProblemNamingTheRoleNeeded()
    {
        using var auditor = await ApiClient.ForAsync(app, "auditor", Ct);
        var vnf = await auditor.FirstVnfAsync("size=1", Ct);

        using var response = await auditor.SubmitAsync(SnapshotOf(vnf, "auditor tries"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        response.Content.Headers.ContentType?.MediaType.ShouldBe(ProblemJson);
        (await ProblemAsync(response)).GetProperty("detail").GetString()!.ShouldContain("NocOperator");
    }

    [Fact]
    public async Task OperatorSubmitsSnapshot_ViaApi_Returns201AndItAppearsInTheList()
    {
        using var operatorApi = await ApiClient.ForAsync(app, "operator", Ct);
        var vnf = await operatorApi.FirstVnfAsync("q=upf&size=1", Ct);

        using var response = await operatorApi.SubmitAsync(SnapshotOf(vnf, "Before the UPF software upgrade"), Ct);

        await ApiClient.EnsureAsync(response, HttpStatusCode.Created, Ct);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        response.Headers.Location!.ToString().ShouldBe($"/api/requests/{id}");

        using var list = await operatorApi.GetAsync($"/api/requests?vnf={vnf.GetProperty("id").GetGuid()}&kind=Snapshot", Ct);
        await ApiClient.EnsureAsync(list, HttpStatusCode.OK, Ct);
        var items = (await list.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("items").EnumerateArray();
        items.Select(i => i.GetProperty("id").GetGuid()).ShouldContain(id);

        var (details, etag) = await operatorApi.GetRequestAsync(id, Ct);
        details.GetProperty("request").GetProperty("justification").GetString().ShouldBe("Before the UPF software upgrade");
        etag.ShouldMatch("^\"[0-9]+\"$");
    }

    [Fact]
    public async Task InvalidBody_Returns400ValidationProblemNamingTheField()
    {
        using var operatorApi = await ApiClient.ForAsync(app, "operator", Ct);
        var vnf = await operatorApi.FirstVnfAsync("size=1", Ct);

        using var badKind = await operatorApi.SendRawAsync(HttpMethod.Post, "/api/requests",
            $$"""{"kind":"Snapshott","vnfId":"{{vnf.GetProperty("id").GetGuid()}}","justification":"x"}""", null, Ct);
        using var noJustification = await operatorApi.SendRawAsync(HttpMethod.Post, "/api/requests",
            $$"""{"kind":"Snapshot","vnfId":"{{vnf.GetProperty("id").GetGuid()}}"}""", null, Ct);
        using var malformed = await operatorApi.SendRawAsync(HttpMethod.Post, "/api/requests", """{"kind":""", null, Ct);

        badKind.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        badKind.Content.Headers.ContentType?.MediaType.ShouldBe(ProblemJson);
        (await ErrorsAsync(badKind)).ShouldContainKey("kind");
        (await ErrorsAsync(noJustification)).ShouldContainKey("justification");
        malformed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ErrorsAsync(malformed)).ShouldContainKey("body");
    }

    [Fact]
    public async Task StaleIfMatch_Returns412AndTheLaterApprovalDoesNotCount()
    {
        using var operatorApi = await ApiClient.ForAsync(app, "operator", Ct);
        using var approver = await ApiClient.ForAsync(app, "approver", Ct);
        using var security = await ApiClient.ForAsync(app, "security", Ct);
        var id = await SubmitCriticalSnapshotAsync(operatorApi);
        var (details, etagSeenByBoth) = await approver.GetRequestAsync(id, Ct);
        var digest = details.GetProperty("request").GetProperty("contentDigest").GetString()!;

        using var first = await approver.ApproveAsync(id, digest, etagSeenByBoth, Ct);
        await ApiClient.EnsureAsync(first, HttpStatusCode.Accepted, Ct);
        using var stale = await security.ApproveAsync(id, digest, etagSeenByBoth, Ct);

        stale.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
        stale.Content.Headers.ContentType?.MediaType.ShouldBe(ProblemJson);
        (await ProblemAsync(stale)).GetProperty("detail").GetString()!.ShouldContain("Reload and retry");
        var (after, _) = await security.GetRequestAsync(id, Ct);
        after.GetProperty("request").GetProperty("approvals").GetArrayLength().ShouldBe(1);
        after.GetProperty("request").GetProperty("status").GetString().ShouldBe("PendingApproval");
    }

    [Fact]
    public async Task StepUp_ApproveCriticalWorkViaApiWithoutACode_Returns403AndCountsNothing()
    {
        using var operatorApi = await ApiClient.ForAsync(app, "operator", Ct);
        using var approver = await ApiClient.ForAsync(app, "approver2", Ct);
        var id = await SubmitCriticalSnapshotAsync(operatorApi);
        var (details, etag) = await approver.GetRequestAsync(id, Ct);

        using var response = await approver.ApproveWithoutCodeAsync(id, details.GetProperty("request").GetProperty("contentDigest").GetString()!, etag, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await ProblemAsync(response)).GetProperty("detail").GetString()!.ShouldContain("authenticator app");
        var (after, _) = await approver.GetRequestAsync(id, Ct);
        after.GetProperty("request").GetProperty("approvals").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task SelfApprovalRefused_ViaApi_Returns403()
    {
        using var operatorApi = await ApiClient.ForAsync(app, "operator", Ct);
        var id = await SubmitCriticalSnapshotAsync(operatorApi);
        var (details, etag) = await operatorApi.GetRequestAsync(id, Ct);

        using var response = await operatorApi.ApproveAsync(
            id, details.GetProperty("request").GetProperty("contentDigest").GetString()!, etag, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        response.Content.Headers.ContentType?.MediaType.ShouldBe(ProblemJson);
        var (after, _) = await operatorApi.GetRequestAsync(id, Ct);
        after.GetProperty("request").GetProperty("approvals").GetArrayLength().ShouldBe(0);
        after.GetProperty("request").GetProperty("status").GetString().ShouldBe("PendingApproval");
    }

    [Fact]
    public async Task OpenApiDocument_ListsTheRequestsEndpointAndTheBearerScheme()
    {
        using var api = ApiClient.Anonymous(app);

        using var response = await api.GetAsync("/openapi/v1.json", Ct);

        await ApiClient.EnsureAsync(response, HttpStatusCode.OK, Ct);
        var document = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        document.GetProperty("paths").TryGetProperty("/api/requests", out var requests).ShouldBeTrue();
        requests.TryGetProperty("post", out _).ShouldBeTrue();
        var flow = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("oauth2")
            .GetProperty("flows").GetProperty("authorizationCode");
        flow.GetProperty("authorizationUrl").GetString().ShouldBe(app.BaseUrl + "/connect/authorize");
        flow.GetProperty("scopes").TryGetProperty("console-api", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task ApiDocsPage_Answers200WithoutSignIn()
    {
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };

        using var response = await http.GetAsync("/api/docs", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("VNF Mobility Console API");
    }

    private static object SnapshotOf(JsonElement vnf, string justification) =>
        new { kind = "Snapshot", vnfId = vnf.GetProperty("id").GetGuid(), justification };

    /// <summary>A snapshot of a VNF with Critical components: needs a NOC approver and a security officer.</summary>
    private static async Task<Guid> SubmitCriticalSnapshotAsync(ApiClient operatorApi)
    {
        var vnf = await operatorApi.FirstVnfAsync("sensitivity=Critical&size=1", Ct);
        using var response = await operatorApi.SubmitAsync(SnapshotOf(vnf, "Before patching the subscriber data path"), Ct);
        await ApiClient.EnsureAsync(response, HttpStatusCode.Created, Ct);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    private static async Task<Dictionary<string, JsonElement>> ErrorsAsync(HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        return (await ProblemAsync(response)).GetProperty("errors").EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
    }
}

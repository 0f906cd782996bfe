using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Console.Nfv.Simulator;
using Console.Workflows.Requests;
using Marten;
using Shouldly;

namespace Console.IntegrationTests.Infrastructure;

/// <summary>
/// The demo people acting on a console node's request API with their own access tokens (the vnf-cli code flow), as the
/// tests of several nodes drive a node that runs as a process of its own; and what those tests read back from the
/// shared database.
/// </summary>
public sealed class NodeRequestApi : IDisposable
{
    private readonly HttpClient _http;
    private readonly Dictionary<string, string> _tokens = [];

    private NodeRequestApi(string baseAddress) => _http = new HttpClient { BaseAddress = new Uri(baseAddress) };

    /// <summary>Signs each of these demo people in on the node at <paramref name="baseAddress"/>.</summary>
    public static async Task<NodeRequestApi> SignInAsync(string baseAddress, params (string User, string Password)[] people)
    {
        ArgumentNullException.ThrowIfNull(people);
        var api = new NodeRequestApi(baseAddress);
        foreach (var (user, password) in people)
        {
            // A browser of each person's own (cookies).
            using var own = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
                { BaseAddress = api._http.BaseAddress };
            api._tokens[user] = await SignInFlow.AccessTokenAsync(own, user, password);
        }

        return api;
    }

    /// <summary>The operator asks for a snapshot of these components; returns the request's id.</summary>
    public async Task<Guid> SubmitSnapshotAsync(Guid vnf, Guid component, string justification, CancellationToken ct)
    {
        using var submit = Authorized(HttpMethod.Post, "/api/requests", "operator");
        submit.Content = JsonContent.Create(new { kind = "Snapshot", vnfId = vnf, componentIds = new[] { component }, justification });
        using var created = await _http.SendAsync(submit, ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(ct));
        return (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid();
    }

    /// <summary>The approver reads the request (its ETag and digest) and approves it, with a step-up code where one is asked for.</summary>
    public async Task ApproveAsync(Guid id, string approver, string? stepUpCode, CancellationToken ct)
    {
        using var read = Authorized(HttpMethod.Get, $"/api/requests/{id}", approver);
        using var details = await _http.SendAsync(read, ct);
        var digest = (await details.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("request").GetProperty("contentDigest").GetString();
        using var approve = Authorized(HttpMethod.Post, $"/api/requests/{id}/approve", approver);
        approve.Content = JsonContent.Create(new { contentDigest = digest, stepUpCode });
        approve.Headers.IfMatch.Add(details.Headers.ETag!);
        using var approved = await _http.SendAsync(approve, ct);
        approved.StatusCode.ShouldBe(HttpStatusCode.Accepted, await approved.Content.ReadAsStringAsync(ct));
    }

    private HttpRequestMessage Authorized(HttpMethod method, string path, string user)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _tokens[user]);
        return request;
    }

    /// <summary>The simulator's journal of operation starts and performances, of every node.</summary>
    public static async Task<IReadOnlyList<SimulatedOperationLogEntry>> JournalAsync(PostgresDatabase database, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var query = database.Store.QuerySession();
        return await query.Query<SimulatedOperationLogEntry>().ToListAsync(ct);
    }

    public static async Task<ChangeRequest?> RequestAsync(PostgresDatabase database, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var query = database.Store.QuerySession();
        return await query.LoadAsync<ChangeRequest>(id, ct);
    }

    public void Dispose() => _http.Dispose();
}

using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Requests;
using Console.Workflows.Snapshots;
using FsCheck;
using FsCheck.Fluent;
using Marten;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Web.Api.Fuzzing;

/// <summary>
/// Property-based fuzzing of every API endpoint: whatever arrives, the console answers without a server error, and
/// input it refuses changes nothing. CONSOLE_FUZZ_CASES sets the number of cases (500 here; scripts/bench --fuzz runs
/// 10,000), CONSOLE_FUZZ_SEED replays a run, CONSOLE_FUZZ_HISTOGRAM names a file for the status-code histogram.
/// </summary>
public sealed class ApiFuzzTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IReadOnlyList<ApiEndpoint> Endpoints => ApiEndpoint.All(host.Services.GetRequiredService<EndpointDataSource>());

    private HttpClient Client() => host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    [Fact]
    public void Fuzz_EndpointsComeFromTheApp_EveryCapabilityIncluded()
    {
        var patterns = Endpoints.Select(e => e.ToString()).ToList();

        patterns.ShouldContain("GET /api/requests/");
        patterns.ShouldContain("POST /api/requests/");
        patterns.ShouldContain("POST /api/requests/{id:guid}/approve");
        patterns.ShouldContain("GET /api/inventory/vnfs");
        patterns.Count(p => p.Contains("/api/policy", StringComparison.Ordinal)).ShouldBeGreaterThan(0);
        patterns.Count(p => p.Contains("/api/snapshots", StringComparison.Ordinal)).ShouldBeGreaterThan(0);
        patterns.Count(p => p.Contains("/api/history", StringComparison.Ordinal)).ShouldBeGreaterThan(0);
        patterns.Count.ShouldBeGreaterThan(25);
    }

    [Theory]
    [InlineData("/api/requests")]
    [InlineData("/api/inventory/vnfs")]
    public async Task Fuzz_PagingFarOutOfRange_Is400NamingThePage(string list)
    {
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, list + "?page=2147483647&size=100");
        request.Headers.Add(FuzzAuthentication.UserHeader, "1");

        using var response = await client.SendAsync(request, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        problem.RootElement.GetProperty("errors").GetProperty("page")[0].GetString().ShouldBe("Use a whole number from 0 to 9999.");
    }

    [Fact]
    public async Task Fuzz_EveryApiEndpoint_NeverAnswers5xx_AndRefusedInputChangesNothing()
    {
        var cases = Environment.GetEnvironmentVariable("CONSOLE_FUZZ_CASES") is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : 500;
        var seed = Environment.GetEnvironmentVariable("CONSOLE_FUZZ_SEED") is { } s ? ulong.Parse(s, CultureInfo.InvariantCulture) : (ulong)Random.Shared.NextInt64();
        var generated = ApiFuzzer.Cases(Endpoints, await KnownIdsAsync()).Sample(cases, new Rnd(seed), 30);

        var histogram = new SortedDictionary<int, int>();
        var perEndpoint = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        var failures = new List<string>();
        using var client = Client();
        var started = DateTime.UtcNow;
        foreach (var fuzz in generated)
        {
            var before = await ApiFuzzer.EventsByCallerAsync(host.Database.ConnectionString, Ct);
            using var request = ApiFuzzer.Request(fuzz);
            HttpResponseMessage response;
            try
            {
                response = await client.SendAsync(request, Ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The in-memory server hands an exception nothing answered to the caller: a server error.
                histogram[0] = histogram.GetValueOrDefault(0) + 1;
                failures.Add($"unanswered exception for {fuzz}: {Truncate(ex.ToString())}");
                continue;
            }

            using var _ = response;
            var status = (int)response.StatusCode;
            histogram[status] = histogram.GetValueOrDefault(status) + 1;
            (perEndpoint.TryGetValue(fuzz.Endpoint, out var seen) ? seen : perEndpoint[fuzz.Endpoint] = []).Add(status);
            if (status >= 500)
            {
                failures.Add($"{status} for {fuzz}: {Truncate(await response.Content.ReadAsStringAsync(Ct))}");
                continue;
            }

            if (status >= 400 && await ApiFuzzer.EventsByCallerAsync(host.Database.ConnectionString, Ct) is var after && after != before)
                failures.Add($"{status} refused, yet {after - before} event(s) appended for {fuzz}");
        }

        var report = Report(cases, seed, DateTime.UtcNow - started, histogram, perEndpoint);
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        if (Environment.GetEnvironmentVariable("CONSOLE_FUZZ_HISTOGRAM") is { Length: > 0 } file)
            await File.WriteAllTextAsync(file, report, Ct);
        failures.ShouldBeEmpty($"seed {seed}:\n" + string.Join("\n", failures.Take(20)));
        // Every endpoint was reached, not only its refusals at the door.
        Endpoints.Select(e => e.ToString()).Where(e => !perEndpoint.ContainsKey(e)).ShouldBeEmpty("every endpoint gets cases");
    }

    private async Task<IReadOnlyList<Guid>> KnownIdsAsync()
    {
        var store = host.Services.GetRequiredService<IDocumentStore>();
        await using var query = store.QuerySession();
        var vnfs = await query.Query<Vnf>().Select(v => v.Id).ToListAsync(Ct);
        var environments = await query.Query<ExecutionEnvironment>().Select(e => e.Id).ToListAsync(Ct);
        var domains = await query.Query<TrustDomain>().Select(d => d.Id).ToListAsync(Ct);
        var snapshots = await query.Query<Snapshot>().Select(s => s.Id).Take(20).ToListAsync(Ct);

        // A request waiting for approval, raised by someone else, so approve, reject, amend and cancel meet a real one.
        var vnf = await query.Query<Vnf>().FirstAsync(v => v.Components.Any(c => c.Sensitivity == Sensitivity.Critical), Ct);
        await using var scope = host.Services.CreateAsyncScope();
        var submitted = await scope.ServiceProvider.GetRequiredService<IConsoleCommandBus>().IssueAsync(
            new SubmitRequest(RequestKind.Snapshot, vnf.Id, [], null, null, "Snapshot before the fuzzing run.", null),
            new Actor("operator", "Olivia Operator (NOC)", new HashSet<string> { Roles.NocOperator }), Ct);
        submitted.Succeeded.ShouldBeTrue(submitted.Refusal?.Message);
        var requests = await query.Query<ChangeRequest>().Select(r => r.Id).ToListAsync(Ct);
        return [.. vnfs, .. environments, .. domains, .. snapshots, .. requests, submitted.Id];
    }

    private static string Report(
        int cases, ulong seed, TimeSpan took, SortedDictionary<int, int> histogram, Dictionary<string, HashSet<int>> perEndpoint)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"API fuzz: {cases} cases over {perEndpoint.Count} endpoints in {took.TotalSeconds:0.0} s (seed {seed})");
        text.AppendLine("status  cases");
        foreach (var (status, count) in histogram)
            text.AppendLine(CultureInfo.InvariantCulture, $"{(status == 0 ? "thrown" : status.ToString(CultureInfo.InvariantCulture)),6}  {count,5}");
        text.AppendLine("per endpoint (status codes seen):");
        foreach (var (endpoint, statuses) in perEndpoint.OrderBy(e => e.Key, StringComparer.Ordinal))
            text.AppendLine(CultureInfo.InvariantCulture, $"  {endpoint,-50} {string.Join(' ', statuses.Order())}");
        return text.ToString();
    }

    private static string Truncate(string text) => text.Length > 400 ? text[..400] + "…" : text;
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Console.E2ETests.Infrastructure;
using Npgsql;

namespace Console.E2ETests.Accessibility;

/// <summary>Items the detail pages show: seeded ones, plus a request waiting for approval and a finished snapshot.</summary>
public sealed record DemoItems(Guid Vnf, Guid Environment, Guid TrustDomain, Guid PendingRequest, Guid Snapshot, long HistoryEvent);

/// <summary>
/// Every page of the console by the role that may open it, written out here (not read from the app's policies) so a
/// page a role should see but cannot is a failure, not a silent skip. The walk follows in-app links and waits for each
/// page's own heading, so two pages of one component (whose heading Blazor keeps) are never neighbours.
/// </summary>
public static class PagesByRole
{
    private static readonly Lock Gate = new();
    private static Task<DemoItems>? _items;

    public static IReadOnlyList<(string Name, string Path)> For(string userName, DemoItems items)
    {
        List<(string, string)> pages =
        [
            ("overview", "/"),
            ("vnfs", "/inventory"),
            ("vnf", $"/inventory/vnfs/{items.Vnf}"),
            ("environments", "/inventory/environments"),
            ("environment", $"/inventory/environments/{items.Environment}"),
            ("trust-domains", "/inventory/trust-domains"),
            ("requests", "/requests"),
            ("request", $"/requests/{items.PendingRequest}"),
            ("snapshot", $"/snapshots/{items.Snapshot}"),
            ("policy", "/policy"),
            ("profile", "/profile"),
        ];
        List<(string, string)> history =
        [
            ("history", "/history"),
            ("history-event", $"/history/events/{items.HistoryEvent}"),
            ("history-request", $"/history/requests/{items.PendingRequest}"),
            ("history-vnf", $"/history/vnfs/{items.Vnf}"),
            ("log-integrity", "/audit/integrity"),
            ("security-alerts", "/security/alerts"),
        ];
        List<(string, string)> dashboards =
        [
            ("dashboards", "/dashboards"),
            ("dashboard-snapshots", "/dashboards/snapshots"),
            ("dashboard-violations", "/dashboards/violations"),
        ];
        var role = TestEnvironment.Account(userName).Role;
        switch (role)
        {
            case "NocOperator":
                pages.Add(("new-request", "/requests/new"));
                break;
            case "NocApprover":
                pages.Add(("approvals", "/approvals"));
                break;
            case "SecurityOfficer":
                pages.AddRange([("approvals", "/approvals"), .. history, .. dashboards]);
                break;
            case "Auditor":
                pages.AddRange(history);
                break;
            case "Manager":
                pages.AddRange(dashboards);
                break;
            case "Administrator":
                pages.AddRange(
                [
                    .. dashboards,
                    // A "new" and an "edit" page are one component: never next to each other (see the remark above).
                    ("vnf-edit", $"/inventory/vnfs/{items.Vnf}/edit"),
                    ("environment-edit", $"/inventory/environments/{items.Environment}/edit"),
                    ("trust-domain-edit", $"/inventory/trust-domains/{items.TrustDomain}/edit"),
                    ("users", "/admin/users"),
                    ("policy-edit", "/policy/edit"),
                    ("vnf-new", "/inventory/vnfs/new"),
                    ("environment-new", "/inventory/environments/new"),
                    ("trust-domain-new", "/inventory/trust-domains/new"),
                ]);
                break;
            default:
                throw new InvalidOperationException($"No page list for the role {role}.");
        }

        return pages;
    }

    /// <summary>Made once per console: a request of upf-ham-07 waiting for a NOC approver, and a snapshot of a Public
    /// component of nrf-ber-12, which needs no approval and so is taken at once.
    /// A failure is kept too: every role's test reports it at once instead of trying again.</summary>
    public static Task<DemoItems> ItemsAsync(ConsoleApp app)
    {
        lock (Gate)
            return _items ??= MakeAsync(app, CancellationToken.None);
    }

    private static async Task<DemoItems> MakeAsync(ConsoleApp app, CancellationToken ct)
    {
        var upf = await SeededInventory.VnfAsync(app, "upf-ham-07");
        var nrf = await SeededInventory.VnfAsync(app, "nrf-ber-12");
        using var api = await ApiClient.ForAsync(app, "operator", ct);
        var pending = await SubmitAsync(api, new
        {
            kind = "Snapshot", vnfId = upf.Id, componentIds = new[] { upf.Components["n3-gtpu-forwarder"] },
            justification = "Snapshot of the GTP-U forwarder before the kernel update.",
        }, ct);
        var taken = await SubmitAsync(api, new
        {
            kind = "Snapshot", vnfId = nrf.Id, componentIds = new[] { nrf.Components["health-probe"] },
            justification = "Snapshot of the health probe before its rewrite.",
        }, ct);

        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync(ct);
        async Task<T?> ScalarAsync<T>(string sql, Guid? id = null)
        {
            await using var command = new NpgsqlCommand(sql, conn);
            if (id is { } value)
                command.Parameters.AddWithValue("id", value.ToString());
            return await command.ExecuteScalarAsync(ct) is T result ? result : default;
        }

        var snapshot = await Eventually.Until(
            () => ScalarAsync<Guid?>("select id from mt_doc_snapshot where data->>'RequestId' = @id", taken),
            id => id is not null, "the snapshot of nrf-ber-12's health probe", TimeSpan.FromSeconds(90));
        return new DemoItems(
            upf.Id,
            await SeededInventory.EnvironmentAsync(app, "Frankfurt Core DC A"),
            await ScalarAsync<Guid?>("select id from mt_doc_trustdomain order by data->>'Name' limit 1") ?? throw new InvalidOperationException("No trust domain."),
            pending,
            snapshot!.Value,
            await ScalarAsync<long?>("select max(seq_id) from mt_events") ?? throw new InvalidOperationException("No event."));
    }

    private static async Task<Guid> SubmitAsync(ApiClient api, object body, CancellationToken ct)
    {
        using var response = await api.SubmitAsync(body, ct);
        await ApiClient.EnsureAsync(response, HttpStatusCode.Created, ct);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid();
    }
}

using System.Globalization;
using Console.E2ETests.Infrastructure;
using Console.Workflows.Dashboards;
using Console.Workflows.Inventory;
using Microsoft.Playwright;
using Npgsql;
using Shouldly;

namespace Console.E2ETests.Dashboards;

/// <summary>
/// The manager's dashboards against the real console: figures computed here from the raw events and documents must be
/// the ones on the page; drill-downs list exactly the snapshots or components behind a figure; a policy revision shows
/// its placement violations.
/// </summary>
public sealed class DashboardTests(ConsoleApp app, Browser browser) : ConsoleTest(app, browser)
{
    // VNFs the demo snapshot history leaves alone.
    private const string Nssf = "nssf-muc-01";
    private const string Nef = "nef-muc-01";
    private const string EdgeUpf = "upf-ber-12";

    [Fact]
    public async Task DashboardFigures_ManagerSeesTheFiguresTheEventsAndDocumentsGive()
    {
        var now = DateTimeOffset.UtcNow;
        // Placed well inside their buckets and windows, so a few minutes of test time move nothing across a boundary. The
        // expiry is the demo policy's maximum age after completion: 14 days for the Internal NSSF and edge UPF, 7 for
        // the NEF with a Sensitive component.
        await SnapshotHistory.SeedAsync(App,
        [
            new(Guid.NewGuid(), Nssf, now.AddHours(-36)), // expires in 12.5 days
            new(Guid.NewGuid(), Nef, now.AddDays(-5)), // in 2 days
            new(Guid.NewGuid(), Nef, now.AddDays(-10), LegalHold: true), // 3 days ago, kept by the hold
            new(Guid.NewGuid(), EdgeUpf, now.AddDays(-10)), // in 4 days
        ]);

        var page = await SignInAsync("manager", "/dashboards");
        await Assertions.Expect(page.GetByTestId("updated-at")).ToBeVisibleAsync();

        var snapshots = await SnapshotHistory.ReadAsync(App);
        var facts = SnapshotHistory.Facts(snapshots);
        var at = await ShownAtAsync(page);
        var keepLastGood = true; // the demo policy's setting; PlacementViolation changes only trust levels
        var sweep = TimeSpan.FromMinutes(10);

        // Cards.
        (await CardAsync(page, "expiring-24h")).ShouldBe(facts.Values.Count(f => DashboardRules.ExpiresWithin(f, ExpiryWindow.Within24Hours, at)));
        (await CardAsync(page, "expiring-7d")).ShouldBe(facts.Values.Count(f => DashboardRules.ExpiresWithin(f, ExpiryWindow.Within7Days, at)));
        (await CardAsync(page, "overdue")).ShouldBe(facts.Values.Count(f => DashboardRules.IsOverdue(f, at, keepLastGood, sweep)));
        (await CardAsync(page, "protected")).ShouldBe(facts.Values.Count(f => DashboardRules.IsProtectedPastExpiry(f, at, keepLastGood)));
        (await CardAsync(page, "protected")).ShouldBeGreaterThanOrEqualTo(1, "the held snapshot seeded here");
        (await CardAsync(page, "pending")).ShouldBe((await SnapshotHistory.PendingSubmissionsAsync(App)).Count);
        await Assertions.Expect(page.GetByTestId("overdue")).ToHaveAttributeAsync("data-alarm", "false");

        // Age distribution: every cell of the table behind the chart.
        foreach (var sensitivity in DashboardRules.Sensitivities)
        {
            foreach (var bucket in DashboardRules.AgeBuckets)
            {
                var expected = snapshots.Count(s => !s.Deleted && s.Governing == sensitivity && DashboardRules.AgeBucketOf(s.CompletedAt, at) == bucket);
                var cell = page.Locator($"[data-testid=age-table] tr[data-sensitivity={sensitivity}] td[data-age={bucket}]");
                (await cell.GetAttributeAsync("data-count")).ShouldBe(expected.ToString(CultureInfo.InvariantCulture), $"{sensitivity} {bucket}");
            }
        }

        // Counts by trust domain and sensitivity.
        foreach (var (name, id) in await TrustDomainsAsync())
        {
            var row = page.Locator($"[data-testid=domain-counts] tr[data-domain='{name}']");
            foreach (var sensitivity in DashboardRules.Sensitivities)
            {
                var expected = snapshots.Count(s => !s.Deleted && s.Parts.Contains((id, sensitivity)));
                (await row.Locator($"[data-sensitivity={sensitivity}]").GetAttributeAsync("data-count"))
                    .ShouldBe(expected.ToString(CultureInfo.InvariantCulture), $"{name} {sensitivity}");
            }
        }

        // artifacts/screenshots/dashboard.png; the README's docs/dashboard.png is a copy of one, committed by hand,
        // so that a test run never changes a tracked file.
        await Screenshots.SaveAsync(page, "dashboard");
    }

    [Fact]
    public async Task ExpiringDrillDown_ListsExactlyTheSnapshotsExpiringWithinSevenDays()
    {
        var now = DateTimeOffset.UtcNow;
        // Expiries from the demo policy: the Internal NSSF is kept 14 days, the NEF (one Sensitive component) 7.
        var soon = new SnapshotHistory.Seeded(Guid.NewGuid(), Nssf, now.AddDays(-13.5)); // expires in 12 hours
        var thisWeek = new SnapshotHistory.Seeded(Guid.NewGuid(), Nssf, now.AddDays(-8.5)); // in 5.5 days
        var nextWeek = new SnapshotHistory.Seeded(Guid.NewGuid(), Nssf, now.AddDays(-6)); // in 8 days
        var expired = new SnapshotHistory.Seeded(Guid.NewGuid(), Nef, now.AddDays(-9), LegalHold: true); // 2 days ago, held
        await SnapshotHistory.SeedAsync(App, [soon, thisWeek, nextWeek, expired]);

        var page = await SignInAsync("manager", "/dashboards");
        await page.GetByTestId("expiring-7d-link").ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/dashboards/snapshots?window=7d", StringComparison.Ordinal));
        await WaitForCircuitAsync(page);
        await Assertions.Expect(page.GetByTestId("list-title")).ToHaveTextAsync("Snapshots expiring within 7 days");
        await Assertions.Expect(page.Locator("[data-snapshot]").First).ToBeVisibleAsync();

        var facts = SnapshotHistory.Facts(await SnapshotHistory.ReadAsync(App));
        var expected = facts.Where(f => DashboardRules.ExpiresWithin(f.Value, ExpiryWindow.Within7Days, now)).Select(f => f.Key).ToList();
        expected.ShouldContain(soon.Id);
        expected.ShouldContain(thisWeek.Id);
        (await page.GetByTestId("pager-info").GetAttributeAsync("data-total")).ShouldBe(expected.Count.ToString(CultureInfo.InvariantCulture));

        // Every row on one page, in expiry order.
        await page.GotoAsync("/dashboards/snapshots?window=7d&size=100");
        await WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator("[data-snapshot]")).ToHaveCountAsync(expected.Count);
        var listed = (await page.Locator("[data-snapshot]").EvaluateAllAsync<string[]>("cells => cells.map(c => c.getAttribute('data-snapshot'))"))
            .Select(Guid.Parse).ToList();
        listed.ShouldBe(expected, ignoreOrder: true);
        listed.ShouldNotContain(nextWeek.Id);
        listed.ShouldNotContain(expired.Id);
        var expiries = await page.Locator("[data-expires]").EvaluateAllAsync<string[]>("cells => cells.map(c => c.getAttribute('data-expires'))");
        expiries.Select(e => DateTimeOffset.Parse(e, CultureInfo.InvariantCulture)).ShouldBeInOrder(SortDirection.Ascending);

        // The 24-hour window holds the one expiring in 12 hours, not the one expiring this week.
        await page.GetByTestId("windows").Locator("[data-window='24h']").ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/dashboards/snapshots?window=24h", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator($"[data-snapshot='{soon.Id}']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator($"[data-snapshot='{thisWeek.Id}']")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task PlacementViolation_AfterThePolicyRaisesInternalToMedium_ManagerSeesTheEdgeComponents()
    {
        var admin = await SignInAsync("admin", "/policy/edit");
        try
        {
            await SetRequiredTrustAsync(admin, "Internal", "Medium", "Edge sites are not attested to Medium; Internal needs Medium now.");

            var expected = await ExpectedViolationsAsync();
            expected.Count.ShouldBeGreaterThan(0);

            var page = await SignInAsync("manager", "/dashboards");
            await Assertions.Expect(page.GetByTestId("violations-value")).ToHaveTextAsync(expected.Count.ToString(CultureInfo.InvariantCulture));
            await Assertions.Expect(page.GetByTestId("violations")).ToHaveAttributeAsync("data-alarm", "true");

            await page.GetByTestId("violations-link").ClickAsync();
            await page.WaitForURLAsync(url => url.EndsWith("/dashboards/violations", StringComparison.Ordinal));
            await WaitForCircuitAsync(page);
            await Assertions.Expect(page.GetByTestId("list-title")).ToHaveTextAsync("Placement violations");
            await Assertions.Expect(page.GetByTestId("pager-info")).ToHaveAttributeAsync("data-total", expected.Count.ToString(CultureInfo.InvariantCulture));
            await Assertions.Expect(page.GetByTestId("components")).ToContainTextAsync("Berlin Edge Site 12");
            await Screenshots.SaveAsync(page, "placement-violations");

            await page.GotoAsync("/dashboards/violations?size=100");
            await WaitForCircuitAsync(page);
            await Assertions.Expect(page.Locator("[data-component]")).ToHaveCountAsync(expected.Count);
            var listed = (await page.Locator("[data-component]").EvaluateAllAsync<string[]>("cells => cells.map(c => c.getAttribute('data-component'))"))
                .Select(Guid.Parse).ToList();
            listed.ShouldBe(expected, ignoreOrder: true);
        }
        finally
        {
            // Other tests share this console: put the policy back. Lowering a required trust level weakens the policy, so
            // it waits for a security officer other than the administrator, and is in force once they approve it.
            await admin.GotoAsync("/policy/edit");
            await WaitForCircuitAsync(admin);
            await SetRequiredTrustAsync(admin, "Internal", "Low", "Back to the default after the placement test.", weakens: true);
            var requestUrl = await admin.GetByTestId("guard-request-link").GetAttributeAsync("href");
            var security = await ApproveRequestAsync("security", requestUrl.ShouldNotBeNull());
            await ExpectRequestStatusAsync(security, "Completed");
        }
    }

    private static async Task SetRequiredTrustAsync(IPage admin, string sensitivity, string level, string reason, bool weakens = false)
    {
        var rule = admin.Locator($"[data-rule={sensitivity}]");
        await rule.Locator(".mud-select").First.ClickAsync();
        await admin.GetByRole(AriaRole.Option, new() { Name = level, Exact = true }).ClickAsync();
        await Assertions.Expect(rule.Locator(".mud-select input").First).ToHaveValueAsync(level);
        await admin.Locator("[data-testid=reason] textarea, textarea[data-testid=reason]").First.FillAsync(reason);
        await admin.GetByTestId("save").ClickAsync();
        await Assertions.Expect(admin.GetByTestId(weakens ? "submitted-for-approval" : "saved")).ToBeVisibleAsync();
    }

    private static async Task<int> CardAsync(IPage page, string card) =>
        int.Parse((await page.GetByTestId($"{card}-value").InnerTextAsync()).Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);

    // The moment the page's figures are for, as it says ("Updated at HH:mm:ss UTC"), on today's date.
    private static async Task<DateTimeOffset> ShownAtAsync(IPage page)
    {
        var text = (await page.GetByTestId("updated-at").InnerTextAsync()).Trim();
        var time = TimeOnly.ParseExact(text.Replace("Updated at ", "", StringComparison.Ordinal).Replace(" UTC", "", StringComparison.Ordinal),
            "HH:mm:ss", CultureInfo.InvariantCulture);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var at = new DateTimeOffset(today.ToDateTime(time), TimeSpan.Zero);
        return at > DateTimeOffset.UtcNow.AddMinutes(1) ? at.AddDays(-1) : at;
    }

    private async Task<IReadOnlyList<(string Name, Guid Id)>> TrustDomainsAsync()
    {
        await using var conn = new NpgsqlConnection(App.ConnectionString);
        await conn.OpenAsync();
        await using var command = new NpgsqlCommand("select data ->> 'Name', id from mt_doc_trustdomain", conn);
        var result = new List<(string, Guid)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            result.Add((reader.GetString(0), reader.GetGuid(1)));
        return result;
    }

    /// <summary>Components below the policy's required trust, from the VNF, environment and policy documents, in the list's order.</summary>
    private async Task<List<Guid>> ExpectedViolationsAsync()
    {
        await using var conn = new NpgsqlConnection(App.ConnectionString);
        await conn.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            with rules as (
              select r ->> 'Sensitivity' as sensitivity, r ->> 'RequiredTrustLevel' as required
              from mt_doc_approvalpolicy p, jsonb_array_elements(p.data -> 'Document' -> 'Sensitivities') r),
            levels(name, rank) as (values ('Untrusted', 0), ('Low', 1), ('Medium', 2), ('High', 3))
            select (c ->> 'Id')::uuid
            from mt_doc_vnf v, jsonb_array_elements(v.data -> 'Components') c, mt_doc_executionenvironment e, rules, levels have, levels need
            where e.id = coalesce((c ->> 'EnvironmentId')::uuid, (v.data ->> 'EnvironmentId')::uuid)
              and rules.sensitivity = c ->> 'Sensitivity' and have.name = e.data ->> 'TrustLevel' and need.name = rules.required
              and have.rank < need.rank
            order by v.data ->> 'Name', (c ->> 'Id')::uuid
            """, conn);
        var result = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            result.Add(reader.GetGuid(0));
        return result;
    }
}

using Console.E2ETests.Infrastructure;
using Console.Testing;
using Microsoft.Playwright;
using Npgsql;
using Shouldly;

namespace Console.E2ETests.Audit;

/// <summary>
/// The tamper-evident log as the security team meets it: someone with database access changes a stored event, the
/// security officer verifies from the integrity page and the alert banner names the event; it follows them across
/// pages until the log verifies again. The test restores the event, so the shared console stays intact for others.
/// </summary>
public sealed class TamperAlertTests(ConsoleApp app, Browser browser) : ConsoleTest(app, browser)
{
    [Fact]
    public async Task TamperAlert_EventChangedInTheDatabase_SecurityOfficerVerifiesAndSeesTheBrokenPosition()
    {
        // The console chains events a few seconds after they commit; take one of the seeded ones once it is chained.
        var (seq, position, original) = await ChainedEventAsync(position: 10);
        await AsDatabaseAdministratorAsync($"update mt_events set data = jsonb_set(data, '{{By}}', '\"mallory\"') where seq_id = {seq}");
        IPage officer;
        try
        {
            officer = await SignInAsync("security", "/audit/integrity");
            await officer.GetByTestId("verify-now").ClickAsync();

            var banner = officer.GetByTestId("integrity-alert");
            await Assertions.Expect(banner).ToBeVisibleAsync();
            await Assertions.Expect(officer.GetByTestId("integrity-alert-where")).ToContainTextAsync($"seq {seq}, chain position {position}");
            await Assertions.Expect(banner).ToContainTextAsync("Event changed");
            await Assertions.Expect(officer.GetByTestId("verify-result")).ToHaveAttributeAsync("data-intact", "false");
            await Assertions.Expect(officer.GetByTestId("first-break-where")).ToContainTextAsync($"seq {seq}");
            await Screenshots.SaveAsync(officer, "integrity-tamper-alert");

            // The banner stays with the officer on every page until acknowledged or a later verification passes.
            await officer.GotoAsync("/requests");
            await WaitForCircuitAsync(officer);
            await Assertions.Expect(officer.GetByTestId("integrity-alert-where")).ToContainTextAsync($"seq {seq}");

            // An auditor sees the failed run on the integrity page, but no banner and nothing to acknowledge.
            var auditor = await SignInAsync("auditor", "/audit/integrity");
            await Assertions.Expect(auditor.GetByTestId("open-alert")).ToContainTextAsync($"seq {seq}");
            await Assertions.Expect(auditor.GetByTestId("runs").GetByTestId("run-result").First).ToContainTextAsync("broken");
            await Assertions.Expect(auditor.GetByTestId("integrity-alert")).ToHaveCountAsync(0);
            await Assertions.Expect(auditor.GetByTestId("acknowledge")).ToHaveCountAsync(0);
        }
        finally
        {
            await AsDatabaseAdministratorAsync($"update mt_events set data = '{original.Replace("'", "''", StringComparison.Ordinal)}'::jsonb where seq_id = {seq}");
        }

        // With the event restored the log verifies again, and that closes the alert.
        await officer.GotoAsync("/audit/integrity");
        await WaitForCircuitAsync(officer);
        await officer.GetByTestId("verify-now").ClickAsync();
        await Assertions.Expect(officer.GetByTestId("verify-result")).ToHaveAttributeAsync("data-intact", "true");
        await Assertions.Expect(officer.GetByTestId("integrity-alert")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task IntegrityForbidden_OperatorOpensTheIntegrityPage_Gets403()
    {
        var page = await SignInAsync("operator");

        var response = await page.GotoAsync("/audit/integrity");

        response.ShouldNotBeNull().Status.ShouldBe(403);
        await Assertions.Expect(page.GetByTestId("forbidden")).ToBeVisibleAsync();
        var key = await page.APIRequest.GetAsync("/audit/integrity/public-key.pem", new() { MaxRedirects = 0 });
        key.Ok.ShouldBeFalse();
    }

    private async Task<(long Seq, long Position, string Data)> ChainedEventAsync(long position)
    {
        var found = await Eventually.Until(
            async () =>
            {
                await using var connection = new NpgsqlConnection(App.ConnectionString);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand(
                    $"select e.seq_id, c.position, e.data::text from audit_chain c join mt_events e on e.seq_id = c.seq_id where c.position = {position}",
                    connection);
                await using var reader = await command.ExecuteReaderAsync();
                return await reader.ReadAsync()
                    ? ((long Seq, long Position, string Data)?)(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2))
                    : null;
            },
            chained => chained is not null,
            $"the console to chain {position} events",
            Patience);
        return found!.Value;
    }

    /// <summary>What a database administrator could do: switch triggers (the console's rewrite guard) off for the session.</summary>
    private async Task AsDatabaseAdministratorAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(App.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"set session_replication_role = replica; {sql}", connection);
        (await command.ExecuteNonQueryAsync()).ShouldBe(1);
    }
}

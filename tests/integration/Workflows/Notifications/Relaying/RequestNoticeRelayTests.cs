using Console.IntegrationTests.Infrastructure;
using Console.Workflows.Notifications.Relaying;
using Npgsql;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Notifications.Relaying;

/// <summary>
/// The upgrade to the page relay: it goes on where the relay that carried request events until 2026-12-05 stopped, so
/// the events that relay had not taken yet are told rather than skipped by "from the present". Each test on a database
/// of its own (a fresh one per class; the tests set and read only the two relays' rows).
/// </summary>
public sealed class RequestNoticeRelayTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private const string Old = RequestNoticeRelay.OldRelay + ":All";
    private const string New = RequestNoticeRelay.Name + ":All";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Upgrade_TheNewRelayStartsAtTheOldRelaysPosition_Once_AndAFreshInstallationIsLeftToStartFromThePresent()
    {
        await ExecuteAsync($"delete from mt_event_progression where name in ('{Old}', '{New}')");

        // A fresh installation: no old relay, nothing to take over.
        (await RequestNoticeRelay.ContinueWhereTheOldRelayStoppedAsync(database.Store, Ct)).ShouldBeFalse();
        (await PositionAsync(New)).ShouldBeNull();

        // An upgraded one: the old relay had reached event 42.
        await ExecuteAsync($"insert into mt_event_progression (name, last_seq_id) values ('{Old}', 42)");
        (await RequestNoticeRelay.ContinueWhereTheOldRelayStoppedAsync(database.Store, Ct)).ShouldBeTrue();
        (await PositionAsync(New)).ShouldBe(42);

        // Later starts leave the new relay's own position alone, wherever the alert relay has gone since.
        await ExecuteAsync($"update mt_event_progression set last_seq_id = 50 where name = '{Old}'");
        await ExecuteAsync($"update mt_event_progression set last_seq_id = 47 where name = '{New}'");
        (await RequestNoticeRelay.ContinueWhereTheOldRelayStoppedAsync(database.Store, Ct)).ShouldBeFalse();
        (await PositionAsync(New)).ShouldBe(47);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private async Task<long?> PositionAsync(string name)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("select last_seq_id from mt_event_progression where name = @name", connection);
        command.Parameters.AddWithValue("name", name);
        return await command.ExecuteScalarAsync(Ct) is long position ? position : null;
    }
}

using Console.IntegrationTests.Infrastructure;
using Console.Workflows.Dashboards.Projections;
using Console.Workflows.Inventory;
using Console.Workflows.Snapshots;
using Npgsql;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Dashboards;

/// <summary>The clock step on the workflow host: Wolverine's recurring schedule runs it without anyone asking.</summary>
public sealed class RetentionClockScheduleTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ClockStep_OnItsRecurringSchedule_CountsADueLastGoodSnapshotInItsBucket()
    {
        await using var host = await WorkflowHost.StartAsync(database, new Dictionary<string, string?> { ["Dashboards:ClockInterval"] = "00:00:01" });
        var tables = new DashboardTables(database.Store.Options.DatabaseSchemaName);
        var id = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        await using (var session = database.Store.LightweightSession())
        {
            session.Events.StartStream<Snapshot>(id,
                new SnapshotTaken(id, Guid.NewGuid(), "vnf-clock", [new SnapshotComponent(Guid.NewGuid(), "c0", Sensitivity.Internal, Guid.NewGuid())],
                    Guid.NewGuid(), Guid.NewGuid(), $"sim://x/{id:N}", "sha256:00", 1024, "olli.operator", ["anna.approver"], "system:execution",
                    now.AddDays(-20)),
                new RetentionAssigned(id, now.AddDays(-6), Sensitivity.Internal, 1, "system:retention", now.AddDays(-20)));
            await session.SaveChangesAsync(Ct);
        }

        // Appended unclassified; the step judges it: due, and kept as the VNF's last good snapshot (bucket 3).
        var judged = await Eventually.Until(
            () => ScalarAsync($"select count(*) from {tables.Snapshot} where id = '{id}' and ret_keep = 3 and reclassify_at = 'infinity'"),
            n => n == 1, "the clock step to judge the new snapshot");
        judged.ShouldBe(1);
        (await ScalarAsync($"select coalesce(sum(n), 0)::bigint from {tables.Retention} where keep_last_good and bucket = 3")).ShouldBe(1);
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(database.ConnectionString);
        await conn.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, conn);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}

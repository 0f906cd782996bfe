using Console.Workflows.Dashboards;
using Console.Workflows.Dashboards.Reading;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Dashboards.Reading;

/// <summary>
/// The dashboard reads on connections of its own: JIT off from the connection's start (no settings statement in each
/// batch), and the pool does not reset a connection between reads, so a read must hand its connection back in
/// PostgreSQL's own plan mode whatever it switched, and whether it succeeded or failed.
/// </summary>
public sealed class DashboardDatabaseTests(DashboardProjectionTests.WithRandomHistory fixture)
    : IClassFixture<DashboardProjectionTests.WithRandomHistory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Read_PlannedEachCall_HandsTheConnectionBackInPostgresPlanMode_WithJitOff()
    {
        await using var readers = new DashboardReaders(fixture.Database.Store, new DashboardOptions(), new FakeTimeProvider(SnapshotScenario.Now));
        var during = await SessionAsync(readers.Database, planEachCall: true);
        during.PlanMode.ShouldBe("force_custom_plan", "the statement asked to be planned for its values");

        var after = await SessionAsync(readers.Database, planEachCall: false);

        after.Backend.ShouldBe(during.Backend, "the second read must reuse the pooled connection, or this test proves nothing");
        after.PlanMode.ShouldBe("auto");
        after.Jit.ShouldBe("off");
        during.Jit.ShouldBe("off");
    }

    [Fact]
    public async Task Read_ThatFailsAfterSwitchingThePlanMode_LeavesNoPlanModeBehind()
    {
        await using var readers = new DashboardReaders(fixture.Database.Store, new DashboardOptions(), new FakeTimeProvider(SnapshotScenario.Now));
        var before = await SessionAsync(readers.Database, planEachCall: false);

        var failed = await Should.ThrowAsync<PostgresException>(() => readers.Database.ReadAsync<int>(batch =>
        {
            batch.Add("select 1", [], _ => { }, planEachCall: true);
            batch.Add("select 1 / (select count(*) from pg_class where false)::int", [], _ => { });
            return () => 0;
        }, Ct));
        failed.SqlState.ShouldBe(PostgresErrorCodes.DivisionByZero);

        var after = await SessionAsync(readers.Database, planEachCall: false);
        after.Backend.ShouldBe(before.Backend, "the failed read's connection must be the one read again, or this test proves nothing");
        after.PlanMode.ShouldBe("auto");
    }

    [Fact]
    public void ReadingSettings_KeepTheStoresOptions_AndAddJitOffWithoutReset()
    {
        var settings = DashboardDatabase.ReadingSettings("Host=db;Username=u;Password=p;Options=-c search_path=s");

        settings.Options.ShouldBe("-c search_path=s -c jit=off");
        settings.NoResetOnClose.ShouldBeTrue();
        settings.Password.ShouldBe("p");
        DashboardDatabase.ReadingSettings("Host=db").Options.ShouldBe("-c jit=off");
    }

    private static Task<(int Backend, string PlanMode, string Jit)> SessionAsync(DashboardDatabase db, bool planEachCall) =>
        db.ReadAsync<(int Backend, string PlanMode, string Jit)>(batch =>
        {
            (int, string, string) seen = default;
            batch.Add(
                "select pg_backend_pid(), current_setting('plan_cache_mode'), current_setting('jit')",
                [],
                reader => seen = (reader.GetInt32(0), reader.GetString(1), reader.GetString(2)),
                planEachCall);
            return () => seen;
        }, Ct);
}

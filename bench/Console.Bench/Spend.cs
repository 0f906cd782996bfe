using System.Globalization;
using Npgsql;

namespace Console.Bench;

/// <summary>
/// What a stretch of a bench run cost: CPU seconds of the bench process (the console's workflow runs in it) and of the
/// PostgreSQL server, and the transactions PostgreSQL committed in the bench's database. On a shared machine the wall
/// time says as much about the neighbours as about the code; these say where the work went.
/// </summary>
public sealed record Spend(double ClientCpu, double ServerCpu, long Commits)
{
    public static async Task<Spend> NowAsync(CpuMeter cpu, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        // The statistics of other sessions reach pg_stat_database within a second; a stretch of thousands of
        // transactions is not thrown off by that.
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select xact_commit from pg_stat_database where datname = current_database()", connection);
        var commits = (long)(await command.ExecuteScalarAsync())!;
        var (client, server) = cpu.Now();
        return new Spend(client, server, commits);
    }

    public Spend Since(Spend start)
    {
        ArgumentNullException.ThrowIfNull(start);
        return new Spend(ClientCpu - start.ClientCpu, ServerCpu - start.ServerCpu, Commits - start.Commits);
    }

    /// <summary>Per unit (approval, request): CPU milliseconds of each side and commits.</summary>
    public string Per(int units) => units <= 0
        ? "-"
        : string.Create(CultureInfo.InvariantCulture,
            $"bench process {ClientCpu * 1000 / units:F1} ms CPU, PostgreSQL {ServerCpu * 1000 / units:F1} ms CPU, {(double)Commits / units:F1} transactions (read-only statements and connection resets count as one each)");
}

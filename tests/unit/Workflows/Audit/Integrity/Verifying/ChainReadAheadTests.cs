using System.Security.Cryptography;
using System.Text;
using Console.UnitTests.Infrastructure;
using Console.Workflows.Audit.Integrity.Verifying;
using Npgsql;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Audit.Integrity.Verifying;

/// <summary>
/// The chain entries verification parses on a second thread: every row arrives once, in order, across many batches,
/// with malformed hashes marked as such, and a failing query fails the walk instead of ending the chain early.
/// </summary>
public sealed class ChainReadAheadTests : IAsyncLifetime
{
    private const int Rows = 5000; // more than two read-ahead batches

    private readonly PostgresDatabase _database = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _database.InitializeAsync();

    // Chain-shaped rows: seq_id, event_id, position, entry_hash, prev_hash, leaf_hash; in generate_series's order (no
    // sort, so a failing row fails halfway through the stream, not before the first row).
    private static string ChainLike(string position) =>
        "select g::bigint, ('00000000-0000-0000-0000-' || lpad(g::text, 12, '0'))::uuid, " + position + ", sha256(g::text::bytea), " +
        "case when g = 4100 then null else sha256(('p' || g)::text::bytea) end, " +
        "case when g = 4200 then substring(sha256(('l' || g)::text::bytea) from 2) else sha256(('l' || g)::text::bytea) end " +
        $"from generate_series(1, {Rows}) g";

    [Fact]
    public async Task ReadAhead_ManyBatches_GivesEveryRowOnceInOrder_WithMalformedHashesMarked()
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(ChainLike("g::bigint"), connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        await using var chain = new ChainReadAhead(reader, Ct);

        var seen = 0L;
        while (await chain.ReadAsync(Ct))
        {
            seen++;
            var row = chain.Current;
            row.Sequence.ShouldBe(seen);
            row.Position.ShouldBe(seen);
            row.EventId.ShouldBe(Guid.Parse($"00000000-0000-0000-0000-{seen:D12}"));
            row.EntryWellFormed.ShouldBeTrue();
            row.EntryHash.ShouldBe(SHA256.HashData(Encoding.UTF8.GetBytes(seen.ToString())));
            row.PrevWellFormed.ShouldBe(seen != 4100);
            row.LeafStored.ShouldBe(seen != 4200);
            if (seen == 4100)
                row.PrevHash.ShouldBe(new byte[32]);
        }

        seen.ShouldBe(Rows);
    }

    [Fact]
    public async Task ReadAhead_QueryFailingHalfway_FailsTheWalk_InsteadOfEndingTheChainThere()
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(ChainLike("(g / (g - 3000))::bigint"), connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        await using var chain = new ChainReadAhead(reader, Ct);

        var seen = 0;
        var failure = await Should.ThrowAsync<PostgresException>(async () =>
        {
            while (await chain.ReadAsync(Ct))
                seen++;
        });

        failure.SqlState.ShouldBe(PostgresErrorCodes.DivisionByZero);
        seen.ShouldBeLessThan(3000);
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}

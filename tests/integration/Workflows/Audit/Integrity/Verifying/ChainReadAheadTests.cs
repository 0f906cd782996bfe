using System.Security.Cryptography;
using System.Text;
using Console.IntegrationTests.Infrastructure;
using Console.Workflows.Audit.Integrity.Verifying;
using Npgsql;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Audit.Integrity.Verifying;

/// <summary>
/// The chain entries verification reads by binary COPY and parses on a second thread: every row arrives once, in order, across many batches,
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
        var seen = 0L;
        await ReadAsync("g::bigint", row =>
        {
            seen++;
            row.Sequence.ShouldBe(seen);
            row.Position.ShouldBe(seen);
            row.EventId.ShouldBe(Guid.Parse($"00000000-0000-0000-0000-{seen:D12}"));
            row.EntryWellFormed.ShouldBeTrue();
            row.EntryHash.ShouldBe(SHA256.HashData(Encoding.UTF8.GetBytes(seen.ToString())));
            row.PrevWellFormed.ShouldBe(seen != 4100);
            row.LeafStored.ShouldBe(seen != 4200);
            if (seen == 4100)
                row.PrevHash.ShouldBe(new byte[32]);
        });

        seen.ShouldBe(Rows);
    }

    [Fact]
    public async Task ReadAhead_QueryFailingHalfway_FailsTheWalk_InsteadOfEndingTheChainThere()
    {
        var seen = 0;
        var failure = await Should.ThrowAsync<PostgresException>(() => ReadAsync("(g / (g - 3000))::bigint", _ => seen++));

        failure.SqlState.ShouldBe(PostgresErrorCodes.DivisionByZero);
        seen.ShouldBeLessThan(3000);
    }

    [Fact]
    public async Task ReadAhead_ColumnOfAnotherType_FailsWithWhatIsWrong_InsteadOfReadingOtherBytes()
    {
        var failure = await Should.ThrowAsync<InvalidOperationException>(() => ReadAsync("g::integer", _ => { }));

        failure.Message.ShouldBe("The chain entries could not be read for verification: column position has 4 bytes, not 8 (null, or not " +
            "the type the chain encodes). Check that audit_chain has the columns the console creates.");
    }

    /// <summary>Reads the chain-shaped rows (with <paramref name="position"/> as their position) by binary COPY, as verification does.</summary>
    private async Task ReadAsync(string position, Action<ChainRow> each)
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var copy = await connection.BeginRawBinaryCopyAsync($"copy ({ChainLike(position)}) to stdout (format binary)", Ct);
        await using var chain = ChainReadAhead.Open(copy, Ct);
        while (await chain.ReadAsync(Ct))
            each(chain.Current);
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}

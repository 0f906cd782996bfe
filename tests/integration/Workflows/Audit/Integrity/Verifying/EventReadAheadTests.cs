using Console.IntegrationTests.Infrastructure;
using Console.Workflows.Audit.Integrity.Chaining;
using Console.Workflows.Audit.Integrity.Tree;
using Console.Workflows.Audit.Integrity.Verifying;
using Console.Workflows.Audit.Integrity.Verifying.Documents;
using Marten;
using Npgsql;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Audit.Integrity.Verifying;

/// <summary>
/// Verification reads the events with binary COPY and builds each entry's content from the row's bytes; the chain
/// writer encodes the same rows through Npgsql's values. Both must give the same bytes for every kind of row (nulls,
/// -infinity tombstones, non-ASCII and large data, rows split across reads), or verification would report a clean log
/// as changed.
/// </summary>
public sealed class EventReadAheadTests : IAsyncLifetime
{
    private const int Rows = 2600; // more than two batches
    private const string CreatingType = "Console.Workflows.Tests.Created, Console.Workflows";

    private readonly PostgresDatabase _database = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _database.InitializeAsync();

    public ValueTask DisposeAsync() => _database.DisposeAsync();

    // Event-shaped rows: every 7th without a stream, every 11th without a tenant, every 13th a -infinity tombstone, every
    // 500th with data far larger than the reader's first buffer, every 3rd with non-ASCII text, every 5th a creating event.
    private const string EventsLike =
        "create temp table ev as select g::bigint as seq_id, ('00000000-0000-0000-0000-' || lpad(g::text, 12, '0'))::uuid as id, " +
        "case when g % 7 = 0 then null else ('10000000-0000-0000-0000-' || lpad((g / 10)::text, 12, '0'))::uuid end as stream_id, " +
        "(g % 10 + 1)::bigint as version, ('event_' || (g % 4))::varchar as type, " +
        "case when g % 13 = 0 then '-infinity'::timestamptz else timestamptz '1999-12-31 23:59:59.999999+00' + g * interval '1 second 7 microseconds' end as timestamp, " +
        "case when g % 11 = 0 then null else '*DEFAULT*' end::varchar as tenant_id, " +
        "case when g % 5 = 0 then '" + CreatingType + "' else 'Other' || (g % 3) end::varchar as mt_dotnet_type, " +
        "jsonb_build_object('n', g, 'who', case when g % 3 = 0 then 'Zoë Ångström 操作员' else 'ops' end, " +
        "'pad', case when g % 500 = 0 then repeat('x', 150000) else '' end) as data " +
        "from generate_series(1, 2600) g";

    [Fact]
    public async Task ReadAhead_EveryKindOfRow_GivesTheChainWritersContentAndLeaf_InOrder_AndNotesCreatedStreams()
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync(Ct);
        await Execute(connection, EventsLike);
        var expected = await ChainWriterContents(connection);

        var creator = new CreatedBy(CreatingType);
        var created = new CreatedStreams([creator]);
        var seen = 0;
        await using (var copy = await connection.BeginRawBinaryCopyAsync(EventReadAhead.CopySql("ev", long.MaxValue), Ct))
        await using (var events = EventReadAhead.Open(copy, created, Ct))
        {
            while (await events.ReadAsync(Ct))
            {
                var row = events.Current;
                var (sequence, stream, content) = expected[seen++];
                row.Sequence.ShouldBe(sequence);
                row.StreamId.ShouldBe(stream);
                row.EventId.ShouldBe(Guid.Parse($"00000000-0000-0000-0000-{sequence:D12}"));
                row.Version.ShouldBe((sequence % 10) + 1);
                Convert.ToHexString(row.Content).ShouldBe(Convert.ToHexString(content), $"content of seq {sequence}");
                row.Leaf.ShouldBe(MerkleHash.Leaf(content), $"leaf of seq {sequence}");
            }
        }

        seen.ShouldBe(Rows);
        // The connection is free again once the COPY was read to its end.
        (await Scalar(connection, "select count(*) from ev")).ShouldBe(Rows);
        var createdStreams = created.Of(creator).ToHashSet();
        createdStreams.ShouldBe(expected.Where(e => e.Sequence % 5 == 0 && e.Stream is not null).Select(e => e.Stream!.Value).ToHashSet(), ignoreOrder: true);
    }

    [Fact]
    public async Task ReadAhead_ColumnOfAnotherType_FailsWithWhatIsWrong_InsteadOfHashingOtherBytes()
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync(Ct);
        await Execute(connection, EventsLike);
        await Execute(connection, "alter table ev alter column version type integer");

        await using var copy = await connection.BeginRawBinaryCopyAsync(EventReadAhead.CopySql("ev", long.MaxValue), Ct);
        await using var events = EventReadAhead.Open(copy, new CreatedStreams([]), Ct);
        var failure = await Should.ThrowAsync<InvalidOperationException>(async () =>
        {
            while (await events.ReadAsync(Ct))
            {
            }
        });

        failure.Message.ShouldBe("The events could not be read for verification: column version has 4 bytes, not 8 (null, or not the type the chain " +
            "encodes). Check that mt_events has the columns the chain encodes.");
    }

    [Fact]
    public void Micros_TakesTimestampsFromPostgresEpochTo1970_AndInfinitiesAsNpgsqlsDateTimeLimits()
    {
        EventReadAhead.Micros(0).ShouldBe(EntryEncoding.ToMicros(new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
        EventReadAhead.Micros(-1).ShouldBe(EntryEncoding.ToMicros(new DateTime(1999, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(9_999_990)));
        EventReadAhead.Micros(long.MinValue).ShouldBe(-62_135_596_800_000_000);
        EventReadAhead.Micros(long.MaxValue).ShouldBe(253_402_300_799_999_999);
    }

    /// <summary>The rows as the chain writer encodes them: a SELECT read through Npgsql's values (<see cref="EventColumns.Write"/>).</summary>
    private static async Task<List<(long Sequence, Guid? Stream, byte[] Content)>> ChainWriterContents(NpgsqlConnection connection)
    {
        var rows = new List<(long, Guid?, byte[])>();
        await using var command = new NpgsqlCommand($"select {EventColumns.Select} from ev e order by e.seq_id", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var builder = new EntryBuilder();
        while (await reader.ReadAsync(Ct))
        {
            builder.Begin(EntryEncoding.Genesis);
            EventColumns.Write(reader, 0, builder);
            rows.Add((reader.GetInt64(0), reader.IsDBNull(2) ? null : reader.GetGuid(2), builder.Content.ToArray()));
        }

        return rows;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static async Task<long> Scalar(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    /// <summary>A document check that only names its creating event (the reader never calls it).</summary>
    private sealed class CreatedBy(string creatingEvent) : IDocumentCheck
    {
        public Type DocumentType => typeof(object);

        public IReadOnlyList<string> CreatingEvents { get; } = [creatingEvent];

        public Task<long> CheckAsync(IDocumentStore store, NpgsqlConnection connection, NpgsqlTransaction transaction, int batchSize,
            CreatedStreams created, Action<DocumentFinding> report, CancellationToken ct) =>
            throw new NotSupportedException("The reader only reads CreatingEvents.");
    }
}

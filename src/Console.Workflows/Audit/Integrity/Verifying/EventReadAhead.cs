using System.Buffers.Binary;
using Console.Workflows.Audit.Integrity.Chaining;
using Console.Workflows.Audit.Integrity.Verifying.Documents;

namespace Console.Workflows.Audit.Integrity.Verifying;

/// <summary>
/// One stored event as verification reads it: its identity, and its canonical content (<see cref="EntryEncoding"/>)
/// in its batch's buffer after 32 bytes of room for the prev_hash, with the Merkle leaf hash already computed.
/// </summary>
internal sealed class EventRow
{
    public long Sequence;
    public Guid EventId;
    public Guid? StreamId;
    public long Version;
    public byte[] Buffer = [];
    public int Start;
    public int ContentLength;
    public readonly byte[] Leaf = new byte[EntryEncoding.HashLength];

    /// <summary>The 32 bytes of room and the content after them.</summary>
    public Span<byte> RoomAndContent => Buffer.AsSpan(Start, EntryEncoding.HashLength + ContentLength);

    public ReadOnlySpan<byte> Content => Buffer.AsSpan(Start + EntryEncoding.HashLength, ContentLength);
}

/// <summary>
/// The events (<see cref="EventColumns"/>, in sequence order) by binary COPY on a thread of their own
/// (<see cref="CopyReadAhead{TRow}"/>): each row becomes its canonical content, its Merkle leaf hash is computed and the
/// streams created are noted; the walk on the caller's thread then links, hashes the chain and compares. A row of binary
/// COPY is the canonical encoding's own field format (32-bit lengths, -1 for null, big-endian integers and uuids), so
/// the content is the tag and the row's bytes, with the timestamp moved from PostgreSQL's epoch (2000) to 1970. Nothing
/// is checked here: every check stays in the walk.
/// </summary>
internal static class EventReadAhead
{
    /// <summary>Microseconds from 1970-01-01 to PostgreSQL's epoch, 2000-01-01.</summary>
    private const long PostgresEpochMicros = 946_684_800_000_000;

    /// <param name="copy">The raw binary COPY of <see cref="CopySql"/>.</param>
    public static CopyReadAhead<EventRow> Open(Stream copy, CreatedStreams created, CancellationToken ct) =>
        new(copy, EventColumns.Count, (row, batch) => Parse(row, batch, created), Malformed, ct);

    /// <summary>A binary COPY of the events up to <paramref name="headSequence"/>, in sequence order.</summary>
    public static string CopySql(string events, long headSequence) =>
        $"copy (select {EventColumns.Select} from {events} e where e.seq_id <= {headSequence} order by e.seq_id) to stdout (format binary)";

    private static void Parse(CopyRow input, CopyBatch<EventRow> batch, CreatedStreams created)
    {
        input.Expect(0, 8, "seq_id", Malformed);
        input.Expect(1, 16, "id", Malformed);
        if (!input.IsNull(2))
            input.Expect(2, 16, "stream_id", Malformed);
        input.Expect(3, 8, "version", Malformed);
        input.Expect(5, 8, "timestamp", Malformed);

        var row = batch.Add();
        row.Sequence = input.Int64(0);
        row.EventId = input.Uuid(1);
        row.StreamId = input.IsNull(2) ? null : input.Uuid(2);
        row.Version = input.Int64(3);

        // The content: the tag field, then the row's fields as they came, with the timestamp's epoch moved.
        var tag = EntryEncoding.TagSpan;
        var fieldBytes = input.Bytes.Length;
        var contentLength = 4 + tag.Length + fieldBytes;
        var room = batch.Reserve(EntryEncoding.HashLength + contentLength);
        row.Buffer = batch.Buffer;
        row.Start = room;
        row.ContentLength = contentLength;
        var content = batch.Buffer.AsSpan(room + EntryEncoding.HashLength, contentLength);
        BinaryPrimitives.WriteUInt32BigEndian(content, (uint)tag.Length);
        tag.CopyTo(content[4..]);
        input.Bytes.CopyTo(content[(4 + tag.Length)..]);
        var timestamp = content.Slice(4 + tag.Length + input.Offsets[5], 8);
        BinaryPrimitives.WriteInt64BigEndian(timestamp, Micros(BinaryPrimitives.ReadInt64BigEndian(timestamp)));

        EntryEncoding.HashLeafInto(row.RoomAndContent, row.Leaf);
        if (!input.IsNull(7))
            created.Observe(input.Field(7), row.StreamId);
    }

    /// <summary>
    /// PostgreSQL's microseconds since 2000 as the encoding's microseconds since 1970, the value the chain writer takes
    /// through Npgsql's DateTime: -infinity and infinity are DateTime.MinValue and MaxValue.
    /// </summary>
    internal static long Micros(long postgres) => postgres switch
    {
        long.MinValue => EntryEncoding.ToMicros(DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc)),
        long.MaxValue => EntryEncoding.ToMicros(DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc)),
        _ => postgres + PostgresEpochMicros,
    };

    private static InvalidOperationException Malformed(string what) =>
        new($"The events could not be read for verification: {what}. Check that mt_events has the columns the chain encodes.");
}

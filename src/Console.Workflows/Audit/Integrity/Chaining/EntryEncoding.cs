using System.Buffers.Binary;
using System.Text;
using Console.Workflows.Audit.Integrity.Hashing;

namespace Console.Workflows.Audit.Integrity.Chaining;

/// <summary>
/// The immutable part of one stored event, exactly as the chain hashes it. Mutable columns (is_archived) are not here.
/// </summary>
/// <param name="Data">The event's jsonb as PostgreSQL renders <c>data::text</c>, UTF-8.</param>
public sealed record ChainedEvent(
    long Sequence,
    Guid EventId,
    Guid? StreamId,
    long Version,
    string Type,
    long TimestampMicros,
    string? TenantId,
    string? DotNetType,
    byte[] Data);

/// <summary>
/// The canonical byte encoding of a chain entry (documented in infra/audit/README.md, "Entry encoding").
/// <code>
/// content    = field(tag) field(seq) field(event id) field(stream id) field(version) field(type)
///              field(timestamp) field(tenant id) field(.NET type) field(data)
/// field(x)   = uint32 big-endian length of x, then x;  a null value is the length 0xFFFFFFFF and no bytes
/// tag        = ASCII "vnf-console/audit-entry/v1"
/// integers   = 8 bytes big-endian two's complement (seq, version, timestamp in microseconds since 1970-01-01 UTC)
/// uuids      = their 16 bytes in RFC 9562 order (the order of the hex digits)
/// text       = UTF-8; data is PostgreSQL's data::text of the jsonb column
/// entry_hash = SHA-256(prev_hash || content), prev_hash of position 1 = 32 zero bytes
/// leaf_hash  = SHA-256(0x00 || content), the entry's leaf in the Merkle tree (Tree/MerkleHash)
/// </code>
/// Every field carries its length, so no two different events encode to the same bytes.
/// </summary>
public static class EntryEncoding
{
    public const string Tag = "vnf-console/audit-entry/v1";

    public const int HashLength = 32;

    private const uint NullLength = uint.MaxValue;

    private static readonly byte[] TagBytes = Encoding.ASCII.GetBytes(Tag);

    /// <summary>The prev_hash of the first entry.</summary>
    public static ReadOnlySpan<byte> Genesis => new byte[HashLength];

    public static long ToMicros(DateTime utc) => (utc.ToUniversalTime().Ticks - DateTime.UnixEpoch.Ticks) / 10;

    public static DateTimeOffset FromMicros(long micros) => new(DateTime.UnixEpoch.Ticks + (micros * 10), TimeSpan.Zero);

    /// <summary>The content bytes of one entry (without prev_hash).</summary>
    public static byte[] Encode(ChainedEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var builder = new EntryBuilder();
        builder.Begin(Genesis);
        builder.Write(e);
        return builder.Content.ToArray();
    }

    /// <summary>SHA-256(prev_hash || content(e)).</summary>
    public static byte[] Hash(ReadOnlySpan<byte> prevHash, ChainedEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var builder = new EntryBuilder();
        builder.Begin(prevHash);
        builder.Write(e);
        var hash = new byte[HashLength];
        builder.HashInto(hash);
        return hash;
    }

    /// <summary>
    /// SHA-256(prev_hash || content) of an entry laid out as 32 bytes of room followed by its content: the room is
    /// overwritten with <paramref name="prevHash"/>.
    /// </summary>
    public static void HashEntryInto(ReadOnlySpan<byte> prevHash, Span<byte> roomAndContent, Span<byte> destination)
    {
        prevHash.CopyTo(roomAndContent);
        Sha256.Hash(roomAndContent, destination);
    }

    /// <summary>
    /// The Merkle leaf hash SHA-256(0x00 || content) (RFC 9162) of an entry laid out as 32 bytes of room followed by its
    /// content; the room is left as it is.
    /// </summary>
    public static void HashLeafInto(ReadOnlySpan<byte> roomAndContent, Span<byte> destination) =>
        Sha256.Hash([0x00], roomAndContent[HashLength..], [], destination);

    /// <summary>
    /// The bytes of content field <paramref name="index"/> (0 is the tag, 5 the type, 8 the .NET type, 9 the data)
    /// without its length prefix; empty for a null or absent field.
    /// </summary>
    public static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> content, int index)
    {
        var at = 0;
        for (var i = 0; at + 4 <= content.Length; i++)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(content[at..]);
            var size = length == NullLength ? 0 : (int)Math.Min(length, (uint)(content.Length - at - 4));
            if (i == index)
                return content.Slice(at + 4, size);
            at += 4 + size;
        }

        return [];
    }

    internal static int TagLength => TagBytes.Length;

    internal static ReadOnlySpan<byte> TagSpan => TagBytes;

    internal static uint NullMarker => NullLength;
}

/// <summary>
/// Builds prev_hash || content in one reusable buffer, so verifying a million events allocates next to nothing.
/// Call <see cref="Begin"/>, then the fields in the documented order, then <see cref="HashInto"/>.
/// </summary>
public sealed class EntryBuilder
{
    private byte[] _buffer = new byte[4096];
    private int _length;

    /// <summary>The content written so far (after the prev_hash).</summary>
    public ReadOnlySpan<byte> Content => _buffer.AsSpan(EntryEncoding.HashLength, _length - EntryEncoding.HashLength);

    /// <summary>The prev_hash (or its room) and the content after it, as <see cref="EntryEncoding.HashLeafInto"/> takes them.</summary>
    public ReadOnlySpan<byte> RoomAndContent => _buffer.AsSpan(0, _length);

    public void Begin(ReadOnlySpan<byte> prevHash)
    {
        if (prevHash.Length != EntryEncoding.HashLength)
            throw new ArgumentException($"prev_hash must be {EntryEncoding.HashLength} bytes.", nameof(prevHash));
        prevHash.CopyTo(_buffer);
        _length = EntryEncoding.HashLength;
        Bytes(EntryEncoding.TagSpan);
    }

    /// <summary>Replaces the prev_hash of the entry being built (content written before the link was known).</summary>
    public void SetPrev(ReadOnlySpan<byte> prevHash)
    {
        if (prevHash.Length != EntryEncoding.HashLength)
            throw new ArgumentException($"prev_hash must be {EntryEncoding.HashLength} bytes.", nameof(prevHash));
        prevHash.CopyTo(_buffer);
    }

    public void Write(ChainedEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        Int64(e.Sequence);
        Uuid(e.EventId);
        Uuid(e.StreamId);
        Int64(e.Version);
        Text(e.Type);
        Int64(e.TimestampMicros);
        Text(e.TenantId);
        Text(e.DotNetType);
        Bytes(e.Data);
    }

    /// <summary>
    /// The bytes of content field <paramref name="index"/> (0 is the tag, 8 the .NET type, 9 the data) without its
    /// length prefix; empty for a null field.
    /// </summary>
    public ReadOnlySpan<byte> Field(int index) => EntryEncoding.Field(Content, index);

    public void Int64(long value)
    {
        var span = Reserve(8);
        BinaryPrimitives.WriteInt64BigEndian(span, value);
    }

    public void Uuid(Guid? value)
    {
        if (value is not { } id)
        {
            Null();
            return;
        }

        var span = Reserve(16);
        id.TryWriteBytes(span, bigEndian: true, out _);
    }

    public void Text(string? value)
    {
        if (value is null)
        {
            Null();
            return;
        }

        var span = Reserve(Encoding.UTF8.GetByteCount(value));
        Encoding.UTF8.GetBytes(value, span);
    }

    public void Bytes(ReadOnlySpan<byte> value) => value.CopyTo(Reserve(value.Length));

    /// <summary>Writes the length prefix of a field of <paramref name="length"/> bytes and returns its space to fill.</summary>
    public Span<byte> Reserve(int length)
    {
        Ensure(4 + length);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(_length), (uint)length);
        var span = _buffer.AsSpan(_length + 4, length);
        _length += 4 + length;
        return span;
    }

    /// <summary>Like <see cref="Reserve"/>, but lets the caller fill the buffer directly (for a reader's GetBytes).</summary>
    public (byte[] Buffer, int Offset) ReserveRaw(int length)
    {
        Ensure(4 + length);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(_length), (uint)length);
        var offset = _length + 4;
        _length += 4 + length;
        return (_buffer, offset);
    }

    public void Null()
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(_length), EntryEncoding.NullMarker);
        _length += 4;
    }

    public void HashInto(Span<byte> destination) => Sha256.Hash(_buffer.AsSpan(0, _length), destination);

    /// <summary>The Merkle leaf hash of the content, SHA-256(0x00 || content) (RFC 9162), hashed in place.</summary>
    public void LeafHashInto(Span<byte> destination) => EntryEncoding.HashLeafInto(_buffer.AsSpan(0, _length), destination);

    private void Ensure(int more)
    {
        if (_length + more <= _buffer.Length)
            return;
        var bigger = new byte[Math.Max(_buffer.Length * 2, _length + more)];
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        _buffer = bigger;
    }
}

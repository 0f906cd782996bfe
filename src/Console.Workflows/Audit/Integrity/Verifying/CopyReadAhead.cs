using System.Buffers.Binary;
using System.Threading.Channels;
using Npgsql;

namespace Console.Workflows.Audit.Integrity.Verifying;

/// <summary>
/// One row of a binary COPY: its fields each with a 32-bit length (-1 for null), integers and uuids big-endian.
/// <see cref="Bytes"/> is the row after its 16-bit field count; offsets are into it.
/// </summary>
internal readonly ref struct CopyRow(ReadOnlySpan<byte> bytes, ReadOnlySpan<int> offsets, ReadOnlySpan<int> lengths)
{
    /// <summary>The fields as they came: each length prefix and its bytes.</summary>
    public ReadOnlySpan<byte> Bytes { get; } = bytes;

    public ReadOnlySpan<int> Offsets { get; } = offsets;

    /// <summary>Each field's length, -1 for null.</summary>
    public ReadOnlySpan<int> Lengths { get; } = lengths;

    public bool IsNull(int field) => Lengths[field] < 0;

    public ReadOnlySpan<byte> Field(int field) => IsNull(field) ? [] : Bytes.Slice(Offsets[field], Lengths[field]);

    public long Int64(int field) => BinaryPrimitives.ReadInt64BigEndian(Field(field));

    public Guid Uuid(int field) => new(Field(field), bigEndian: true);

    /// <summary>Refuses a field of another length than its type's (null included), naming the column.</summary>
    public void Expect(int field, int length, string column, Func<string, Exception> malformed)
    {
        if (Lengths[field] != length)
            throw malformed($"column {column} has {Lengths[field]} bytes, not {length} (null, or not the type the chain encodes)");
    }
}

/// <summary>Up to <see cref="Size"/> parsed rows, and one buffer for whatever bytes they keep.</summary>
internal sealed class CopyBatch<TRow> where TRow : new()
{
    public const int Size = 1024;

    public readonly TRow[] Rows = Enumerable.Range(0, Size).Select(_ => new TRow()).ToArray();
    public byte[] Buffer = [];
    public int Count;
    private int _used;

    public bool Full => Count == Size;

    /// <summary>The next row to fill in.</summary>
    public TRow Add() => Rows[Count++];

    public CopyBatch<TRow> Reset()
    {
        Count = 0;
        _used = 0;
        return this;
    }

    /// <summary>Room for <paramref name="length"/> bytes in <see cref="Buffer"/>; rows already in the batch keep the buffer they point into.</summary>
    public int Reserve(int length)
    {
        if (_used + length > Buffer.Length)
        {
            // A new buffer: earlier rows keep their reference to the old one.
            Buffer = new byte[Math.Max(Math.Max(Buffer.Length, Size * 1024), length * 2)];
            _used = 0;
        }

        var at = _used;
        _used += length;
        return at;
    }
}

/// <summary>Turns one COPY row into a row of the batch (<see cref="CopyBatch{TRow}.Add"/>); throws when the row is not what it reads.</summary>
internal delegate void CopyRowParser<TRow>(CopyRow row, CopyBatch<TRow> batch) where TRow : new();

/// <summary>
/// Streams a binary COPY (to stdout) on a thread of its own, parses each row with a <see cref="CopyRowParser{TRow}"/>
/// and hands the rows over in batches through a small bounded queue, so that reading and parsing overlap the walk on
/// the caller's thread. Batches go back to the reader once the walk has passed them: no allocation per row.
/// </summary>
internal sealed class CopyReadAhead<TRow> : IAsyncDisposable where TRow : new()
{
    /// <summary>"PGCOPY\n\377\r\n\0", the start of every binary COPY.</summary>
    private static readonly byte[] Signature = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', 0x0A, 0xFF, 0x0D, 0x0A, 0x00];

    private readonly Channel<CopyBatch<TRow>> _full =
        Channel.CreateBounded<CopyBatch<TRow>>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
    private readonly Channel<CopyBatch<TRow>> _free = Channel.CreateUnbounded<CopyBatch<TRow>>();
    private readonly int _fields;
    private readonly CopyRowParser<TRow> _parse;
    private readonly Func<string, Exception> _malformed;
    private readonly CancellationTokenSource _stop;
    private readonly Task _reading;
    private CopyBatch<TRow>? _batch;
    private int _index;

    /// <param name="copy">The raw binary COPY out of a query of <paramref name="fields"/> columns.</param>
    /// <param name="malformed">The failure for a stream that is not such a COPY, given what is wrong.</param>
    public CopyReadAhead(Stream copy, int fields, CopyRowParser<TRow> parse, Func<string, Exception> malformed, CancellationToken ct)
    {
        (_fields, _parse, _malformed) = (fields, parse, malformed);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _reading = Task.Run(() => ReadAsync(copy, _stop.Token), _stop.Token);
    }

    /// <summary>The current row, valid until the next <see cref="ReadAsync(CancellationToken)"/>.</summary>
    public TRow Current => _batch!.Rows[_index];

    public async ValueTask<bool> ReadAsync(CancellationToken ct)
    {
        if (_batch is not null && ++_index < _batch.Count)
            return true;
        if (_batch is not null)
            _free.Writer.TryWrite(_batch);
        _batch = null;
        while (await _full.Reader.WaitToReadAsync(ct))
        {
            if (!_full.Reader.TryRead(out var next))
                continue;
            if (next.Count == 0)
            {
                _free.Writer.TryWrite(next);
                continue;
            }

            (_batch, _index) = (next, 0);
            return true;
        }

        // The reader's failure (a broken connection, a failing query, a malformed row, cancellation) surfaces here, not
        // as a short stream.
        await _reading;
        return false;
    }

    private async Task ReadAsync(Stream copy, CancellationToken ct)
    {
        try
        {
            var input = new byte[1 << 16];
            int start = 0, end = 0;
            var header = false;
            var batch = NewBatch();
            while (true)
            {
                var span = input.AsSpan(start, end - start);
                int used;
                if (!header)
                {
                    used = Header(span);
                    header = used > 0;
                }
                else
                {
                    used = Row(span, batch, out var ended);
                    if (ended)
                        break;
                    if (used > 0 && batch.Full)
                    {
                        await _full.Writer.WriteAsync(batch, ct);
                        batch = NewBatch();
                    }
                }

                if (used > 0)
                {
                    start += used;
                    continue;
                }

                // An incomplete row: keep its start, make room, read more.
                if (start > 0)
                {
                    input.AsSpan(start, end - start).CopyTo(input);
                    (end, start) = (end - start, 0);
                }

                if (end == input.Length)
                    Array.Resize(ref input, input.Length * 2);
                var read = await copy.ReadAsync(input.AsMemory(end), ct);
                if (read == 0)
                    throw _malformed("the COPY stream ended inside a row");
                end += read;
            }

            if (batch.Count > 0)
                await _full.Writer.WriteAsync(batch, ct);
            // Read to the end of the COPY, so the connection is free for the next command.
            while (await copy.ReadAsync(input, ct) > 0)
            {
            }

            _full.Writer.Complete();
        }
        catch (Exception ex)
        {
            _full.Writer.TryComplete(ex);
            throw;
        }
    }

    /// <returns>The header's length, or 0 when it is not all there yet.</returns>
    private int Header(ReadOnlySpan<byte> input)
    {
        if (input.Length < Signature.Length + 8)
            return 0;
        if (!input[..Signature.Length].SequenceEqual(Signature))
            throw _malformed("it does not start with the binary COPY signature");
        var extension = BinaryPrimitives.ReadInt32BigEndian(input[(Signature.Length + 4)..]);
        var length = Signature.Length + 8 + extension;
        return input.Length >= length ? length : 0;
    }

    /// <summary>Parses one row into <paramref name="batch"/>.</summary>
    /// <returns>The row's length, or 0 when it is not all there yet (or at the end, <paramref name="ended"/>).</returns>
    private int Row(ReadOnlySpan<byte> input, CopyBatch<TRow> batch, out bool ended)
    {
        ended = false;
        if (input.Length < 2)
            return 0;
        var fields = BinaryPrimitives.ReadInt16BigEndian(input);
        if (fields == -1)
        {
            ended = true;
            return 2;
        }

        if (fields != _fields)
            throw _malformed($"a row has {fields} fields, not {_fields}");

        // The fields' extent first: a row split across reads is parsed again once it is all there.
        Span<int> offsets = stackalloc int[_fields];
        Span<int> lengths = stackalloc int[_fields];
        var at = 2;
        for (var i = 0; i < _fields; i++)
        {
            if (input.Length < at + 4)
                return 0;
            var length = BinaryPrimitives.ReadInt32BigEndian(input[at..]);
            offsets[i] = at + 4 - 2;
            lengths[i] = length;
            at += 4 + Math.Max(length, 0);
            if (input.Length < at)
                return 0;
        }

        _parse(new CopyRow(input[2..at], offsets, lengths), batch);
        return at;
    }

    private CopyBatch<TRow> NewBatch() => _free.Reader.TryRead(out var batch) ? batch.Reset() : new CopyBatch<TRow>();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _reading;
        }
        catch (Exception ex) when (ex is OperationCanceledException or NpgsqlException or ChannelClosedException or InvalidOperationException)
        {
            // Stopped early (a failure of the walk is already on its way); the reading failure adds nothing.
        }

        _stop.Dispose();
    }
}

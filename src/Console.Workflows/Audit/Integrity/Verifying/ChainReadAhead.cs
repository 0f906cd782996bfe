using System.Threading.Channels;
using Console.Workflows.Audit.Integrity.Chaining;
using Npgsql;

namespace Console.Workflows.Audit.Integrity.Verifying;

/// <summary>One stored chain entry as verification reads it; a hash that is null or not 32 bytes is not well formed.</summary>
internal sealed class ChainRow
{
    public long Sequence;
    public Guid EventId;
    public long Position;
    public readonly byte[] EntryHash = new byte[EntryEncoding.HashLength];
    public readonly byte[] PrevHash = new byte[EntryEncoding.HashLength];
    public readonly byte[] LeafHash = new byte[EntryEncoding.HashLength];
    public bool EntryWellFormed;
    public bool PrevWellFormed;
    public bool LeafStored;
}

/// <summary>
/// Reads the chain entries (seq_id, event_id, position, entry_hash, prev_hash, leaf_hash, in sequence order) on a thread of
/// their own, in batches handed over through a small bounded queue, so that parsing them overlaps the walk that parses
/// and hashes the events on the caller's thread. The rows are only copied: every check stays in the walk.
/// </summary>
internal sealed class ChainReadAhead : IAsyncDisposable
{
    private const int BatchSize = 2048;

    private readonly Channel<(ChainRow[] Rows, int Count)> _full =
        Channel.CreateBounded<(ChainRow[] Rows, int Count)>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
    private readonly Channel<ChainRow[]> _free = Channel.CreateUnbounded<ChainRow[]>();
    private readonly CancellationTokenSource _stop;
    private readonly Task _reading;
    private ChainRow[] _batch = [];
    private int _index;
    private int _count;

    public ChainReadAhead(NpgsqlDataReader reader, CancellationToken ct)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _reading = Task.Run(() => ReadAsync(reader, _stop.Token), _stop.Token);
    }

    /// <summary>The current row, valid until the next <see cref="ReadAsync(CancellationToken)"/>.</summary>
    public ChainRow Current => _batch[_index];

    public async ValueTask<bool> ReadAsync(CancellationToken ct)
    {
        if (++_index < _count)
            return true;
        if (_batch.Length > 0)
            _free.Writer.TryWrite(_batch);
        while (await _full.Reader.WaitToReadAsync(ct))
        {
            if (!_full.Reader.TryRead(out var next))
                continue;
            (_batch, _count) = next;
            _index = 0;
            if (_count > 0)
                return true;
        }

        // The reader's failure (a broken connection, cancellation) surfaces here, not as a short chain.
        await _reading;
        return false;
    }

    private async Task ReadAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        try
        {
            var batch = NewBatch();
            var filled = 0;
            while (await reader.ReadAsync(ct))
            {
                var row = batch[filled++];
                row.Sequence = reader.GetInt64(0);
                row.EventId = reader.GetGuid(1);
                row.Position = reader.GetInt64(2);
                row.EntryWellFormed = ReadHash(reader, 3, row.EntryHash);
                row.PrevWellFormed = ReadHash(reader, 4, row.PrevHash);
                row.LeafStored = ReadHash(reader, 5, row.LeafHash);
                if (filled < batch.Length)
                    continue;
                await _full.Writer.WriteAsync((batch, filled), ct);
                batch = NewBatch();
                filled = 0;
            }

            if (filled > 0)
                await _full.Writer.WriteAsync((batch, filled), ct);

            _full.Writer.Complete();
        }
        catch (Exception ex)
        {
            _full.Writer.TryComplete(ex);
            throw;
        }
    }

    /// <summary>A batch the walk has handed back, or a new one.</summary>
    private ChainRow[] NewBatch()
    {
        if (_free.Reader.TryRead(out var batch))
            return batch;
        batch = new ChainRow[BatchSize];
        for (var i = 0; i < batch.Length; i++)
            batch[i] = new ChainRow();
        return batch;
    }

    private static bool ReadHash(NpgsqlDataReader row, int ordinal, byte[] into)
    {
        if (row.IsDBNull(ordinal) || row.GetBytes(ordinal, 0, null, 0, 0) != EntryEncoding.HashLength)
        {
            Array.Clear(into);
            return false;
        }

        row.GetBytes(ordinal, 0, into, 0, EntryEncoding.HashLength);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _reading;
        }
        catch (Exception ex) when (ex is OperationCanceledException or NpgsqlException or ChannelClosedException)
        {
            // Stopped early (a failure of the walk is already on its way); the reading failure adds nothing.
        }

        _stop.Dispose();
    }
}

using Console.Workflows.Audit.Integrity.Chaining;

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
/// The chain entries (seq_id, event_id, position, entry_hash, prev_hash, leaf_hash, in sequence order) by binary COPY on
/// a thread of their own (<see cref="CopyReadAhead{TRow}"/>), so that parsing them overlaps the walk. The rows are only
/// copied: every check stays in the walk.
/// </summary>
internal static class ChainReadAhead
{
    private const int Fields = 6;

    /// <param name="copy">The raw binary COPY of <see cref="CopySql"/> (or of a query of the same columns).</param>
    public static CopyReadAhead<ChainRow> Open(Stream copy, CancellationToken ct) => new(copy, Fields, Parse, Malformed, ct);

    /// <summary>
    /// A binary COPY of every chain entry: in sequence order (an index scan), or with <paramref name="storedOrder"/> in
    /// the order the table stores them (a sequential scan, about a third of the server's work here), which is sequence
    /// order as long as nobody moved a row, since one writer at a time appends entries in position order. The caller
    /// must check that order (<see cref="ChainNotInSequenceOrderException"/>) and the connection must not synchronise
    /// its scan with others (<c>synchronize_seqscans</c> off), which would start it mid-table.
    /// </summary>
    public static string CopySql(string chain, bool storedOrder = false) =>
        $"copy (select c.seq_id, c.event_id, c.position, c.entry_hash, c.prev_hash, c.leaf_hash from {chain} c" +
        (storedOrder ? "" : " order by c.seq_id") + ") to stdout (format binary)";

    private static void Parse(CopyRow input, CopyBatch<ChainRow> batch)
    {
        input.Expect(0, 8, "seq_id", Malformed);
        input.Expect(1, 16, "event_id", Malformed);
        input.Expect(2, 8, "position", Malformed);
        var row = batch.Add();
        row.Sequence = input.Int64(0);
        row.EventId = input.Uuid(1);
        row.Position = input.Int64(2);
        row.EntryWellFormed = Hash(input, 3, row.EntryHash);
        row.PrevWellFormed = Hash(input, 4, row.PrevHash);
        row.LeafStored = Hash(input, 5, row.LeafHash);
    }

    private static bool Hash(CopyRow input, int field, byte[] into)
    {
        if (input.Lengths[field] != EntryEncoding.HashLength)
        {
            Array.Clear(into);
            return false;
        }

        input.Field(field).CopyTo(into);
        return true;
    }

    private static InvalidOperationException Malformed(string what) =>
        new($"The chain entries could not be read for verification: {what}. Check that audit_chain has the columns the console creates.");
}

/// <summary>Chain entries read in stored order came out of sequence order (a row was updated, or the table rewritten): read them again ordered.</summary>
internal sealed class ChainNotInSequenceOrderException(long sequence, long after)
    : Exception($"Chain entry of seq {sequence} is stored after the entry of seq {after}.");

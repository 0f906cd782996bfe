namespace Console.Workflows.Audit.Integrity.Chaining;

/// <summary>
/// The entries of one chaining step laid out as the encoding hashes them (32 bytes of room, then the content), in one
/// buffer reused from step to step, so that their leaves can be hashed after the read without an array per entry.
/// </summary>
internal sealed class StepContents
{
    private byte[] _buffer = new byte[1 << 20];
    private int _used;

    /// <summary>Where one entry's room and content lie in the buffer.</summary>
    public readonly record struct Slice(int Start, int Length);

    public void Clear() => _used = 0;

    public Slice Add(ReadOnlySpan<byte> roomAndContent)
    {
        if (_used + roomAndContent.Length > _buffer.Length)
        {
            // Slices are offsets, so the entries already added move with the buffer.
            var bigger = new byte[Math.Max(_buffer.Length * 2, _used + roomAndContent.Length)];
            _buffer.AsSpan(0, _used).CopyTo(bigger);
            _buffer = bigger;
        }

        roomAndContent.CopyTo(_buffer.AsSpan(_used));
        var slice = new Slice(_used, roomAndContent.Length);
        _used += roomAndContent.Length;
        return slice;
    }

    /// <summary>The room and content of <paramref name="slice"/>; disjoint slices may be hashed on different threads.</summary>
    public Span<byte> Of(Slice slice) => _buffer.AsSpan(slice.Start, slice.Length);
}

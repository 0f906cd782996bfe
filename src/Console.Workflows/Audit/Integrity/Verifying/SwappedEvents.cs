using System.Buffers.Binary;
using System.Text;

namespace Console.Workflows.Audit.Integrity.Verifying;

/// <summary>
/// Two changed events that were swapped: each hashes to the other's chain entry once their type and data (or other
/// fields) are exchanged back. Contents are the canonical encoding (Chaining/EntryEncoding).
/// </summary>
internal static class SwappedEvents
{
    /// <summary>Which fields were exchanged between <paramref name="a"/> and <paramref name="b"/>, or null when they were not swapped.</summary>
    public static string? Swapped(SwapCandidate a, SwapCandidate b)
    {
        // Content fields: 0 tag, 1 seq, 2 id, 3 stream, 4 version, 5 type, 6 timestamp, 7 tenant, 8 .NET type, 9 data.
        (int[] Fields, string Name)[] exchanges =
        [
            ([5, 9], "type and data"),
            ([5, 8, 9], "type, .NET type and data"),
            ([9], "data"),
            ([5, 6, 7, 8, 9], "type, time and data"),
        ];
        foreach (var (fields, name) in exchanges)
        {
            if (HashesTo(a.Prev, Exchange(a.Content, b.Content, fields), a.Entry)
                && HashesTo(b.Prev, Exchange(b.Content, a.Content, fields), b.Entry))
                return name;
        }

        return null;
    }

    private static bool HashesTo(byte[] prev, byte[] content, byte[] expected)
    {
        var input = new byte[prev.Length + content.Length];
        prev.CopyTo(input, 0);
        content.CopyTo(input, prev.Length);
        return System.Security.Cryptography.SHA256.HashData(input).AsSpan().SequenceEqual(expected);
    }

    /// <summary><paramref name="target"/>'s content with the given fields taken from <paramref name="source"/>.</summary>
    private static byte[] Exchange(byte[] target, byte[] source, int[] fields)
    {
        var t = Fields(target);
        var s = Fields(source);
        var result = new List<byte>(target.Length + source.Length);
        for (var i = 0; i < t.Count; i++)
            result.AddRange(fields.Contains(i) && i < s.Count ? s[i] : t[i]);
        return [.. result];
    }

    /// <summary>Splits content into its fields, each with its 4-byte length prefix.</summary>
    private static List<byte[]> Fields(byte[] content)
    {
        var fields = new List<byte[]>();
        var at = 0;
        while (at + 4 <= content.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(content.AsSpan(at));
            var size = length == uint.MaxValue ? 4 : 4 + (int)length;
            fields.Add(content.AsSpan(at, Math.Min(size, content.Length - at)).ToArray());
            at += size;
        }

        return fields;
    }

    /// <summary>The text of content field <paramref name="index"/>, or null when it is null or absent.</summary>
    public static string? FieldText(ReadOnlySpan<byte> content, int index)
    {
        var at = 0;
        for (var i = 0; at + 4 <= content.Length; i++)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(content[at..]);
            if (i == index)
                return length == uint.MaxValue ? null : Encoding.UTF8.GetString(content.Slice(at + 4, (int)Math.Min(length, (uint)(content.Length - at - 4))));
            at += length == uint.MaxValue ? 4 : 4 + (int)length;
        }

        return null;
    }
}

/// <summary>A changed event kept to see whether the next changed one is its swap partner.</summary>
internal sealed record SwapCandidate(int Index, long Position, long Sequence, Guid EventId, byte[] Prev, byte[] Entry, byte[] Content);

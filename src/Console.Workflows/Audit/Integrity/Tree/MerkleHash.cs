using System.Numerics;
using System.Security.Cryptography;
using Console.Workflows.Audit.Integrity.Hashing;

namespace Console.Workflows.Audit.Integrity.Tree;

/// <summary>
/// The hashes of RFC 9162 (section 2.1.1) over the chain's entries: a leaf is SHA-256(0x00 || entry content), an inner
/// node SHA-256(0x01 || left || right), and the root of n leaves splits at the largest power of two below n. The entry
/// content is the canonical encoding of <see cref="Chaining.EntryEncoding"/> (without the chain's prev_hash), so a leaf
/// depends on its event alone.
/// </summary>
public static class MerkleHash
{
    public const int Length = 32;

    /// <summary>SHA-256 of nothing: the root of the empty tree (RFC 9162, MTH({})).</summary>
    public static byte[] Empty { get; } = SHA256.HashData(ReadOnlySpan<byte>.Empty);

    public static byte[] Leaf(ReadOnlySpan<byte> content)
    {
        var leaf = new byte[Length];
        Sha256.Hash([0x00], content, [], leaf);
        return leaf;
    }

    public static byte[] Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var node = new byte[Length];
        NodeInto(left, right, node);
        return node;
    }

    /// <summary>The inner node's hash into <paramref name="destination"/>, which may be <paramref name="left"/> or <paramref name="right"/>.</summary>
    public static void NodeInto(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        Sha256.Hash([0x01], left, right, destination);
    }

    /// <summary>The largest power of two strictly below <paramref name="n"/> (n at least 2): where RFC 9162 splits a tree.</summary>
    public static long SplitOf(long n)
    {
        if (n < 2)
            throw new ArgumentOutOfRangeException(nameof(n), n, "A tree splits only from two leaves on.");
        return 1L << (63 - BitOperations.LeadingZeroCount((ulong)(n - 1)));
    }

    public static bool IsPowerOfTwo(long n) => n > 0 && (n & (n - 1)) == 0;

    /// <summary>The root of the given leaf hashes by the definition (recursively); for small trees and for tests.</summary>
    public static byte[] Root(IReadOnlyList<byte[]> leaves)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        return leaves.Count == 0 ? (byte[])Empty.Clone() : Root(leaves, 0, leaves.Count);
    }

    private static byte[] Root(IReadOnlyList<byte[]> leaves, int start, int count)
    {
        if (count == 1)
            return leaves[start];
        var k = (int)SplitOf(count);
        return Node(Root(leaves, start, k), Root(leaves, start + k, count - k));
    }
}

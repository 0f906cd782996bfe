namespace Console.Workflows.Audit.Integrity.Tree;

/// <summary>A run of leaves [Start, Start + Count) whose subtree hash is one element of a proof.</summary>
public readonly record struct LeafRange(long Start, long Count)
{
    /// <summary>
    /// The complete subtrees whose hashes make this range's hash, left to right. The ranges proofs use start at a
    /// multiple of a power of two at least as large as themselves, so each splits like the tree does.
    /// </summary>
    public IEnumerable<TreeNode> CompleteNodes()
    {
        var start = Start;
        var count = Count;
        while (count > 0)
        {
            var size = MerkleHash.IsPowerOfTwo(count) ? count : MerkleHash.SplitOf(count);
            yield return new TreeNode(System.Numerics.BitOperations.Log2((ulong)size), start / size);
            start += size;
            count -= size;
        }
    }

    /// <summary>The hash of a range from its complete subtrees' hashes (in <see cref="CompleteNodes"/> order).</summary>
    public static byte[] HashFrom(IReadOnlyList<byte[]> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var hash = nodes[^1];
        for (var i = nodes.Count - 2; i >= 0; i--)
            hash = MerkleHash.Node(nodes[i], hash);
        return hash;
    }
}

/// <summary>
/// Inclusion and consistency proofs of RFC 9162 (sections 2.1.3 and 2.1.4): which subtrees a proof is made of
/// (<see cref="InclusionPath"/>, <see cref="ConsistencyPath"/>), and the verification algorithms a client runs
/// (<see cref="VerifyInclusion"/>, <see cref="VerifyConsistency"/>), which infra/audit/verify-proof.py repeats.
/// </summary>
public static class MerkleProofs
{
    /// <summary>PATH(m, D[n]): the subtrees of an inclusion proof of leaf <paramref name="index"/> in a tree of <paramref name="size"/>.</summary>
    public static IReadOnlyList<LeafRange> InclusionPath(long index, long size)
    {
        if (size < 1 || index < 0 || index >= size)
            throw new ArgumentOutOfRangeException(nameof(index), $"Leaf {index} is not in a tree of {size} leaves.");
        var path = new List<LeafRange>();
        Path(index, 0, size, path);
        return path;
    }

    /// <summary>PROOF(m, D[n]): the subtrees of a consistency proof between tree sizes <paramref name="first"/> and <paramref name="second"/>.</summary>
    public static IReadOnlyList<LeafRange> ConsistencyPath(long first, long second)
    {
        if (first < 0 || second < first)
            throw new ArgumentOutOfRangeException(nameof(first), $"No consistency proof from size {first} to size {second}.");
        var path = new List<LeafRange>();
        if (first > 0 && first < second)
            SubProof(first, 0, second, true, path);
        return path;
    }

    private static void Path(long m, long start, long n, List<LeafRange> path)
    {
        if (n == 1)
            return;
        var k = MerkleHash.SplitOf(n);
        if (m < k)
        {
            Path(m, start, k, path);
            path.Add(new LeafRange(start + k, n - k));
        }
        else
        {
            Path(m - k, start + k, n - k, path);
            path.Add(new LeafRange(start, k));
        }
    }

    private static void SubProof(long m, long start, long n, bool whole, List<LeafRange> path)
    {
        if (m == n)
        {
            if (!whole)
                path.Add(new LeafRange(start, n));
            return;
        }

        var k = MerkleHash.SplitOf(n);
        if (m <= k)
        {
            SubProof(m, start, k, whole, path);
            path.Add(new LeafRange(start + k, n - k));
        }
        else
        {
            SubProof(m - k, start + k, n - k, false, path);
            path.Add(new LeafRange(start, k));
        }
    }

    /// <summary>RFC 9162, 2.1.3.2: whether <paramref name="proof"/> proves leaf <paramref name="leafHash"/> at <paramref name="index"/> under <paramref name="root"/>.</summary>
    public static bool VerifyInclusion(long index, long size, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (index < 0 || index >= size)
            return false;
        var fn = index;
        var sn = size - 1;
        var r = leafHash.ToArray();
        foreach (var p in proof)
        {
            if (sn == 0)
                return false;
            if ((fn & 1) == 1 || fn == sn)
            {
                r = MerkleHash.Node(p, r);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                r = MerkleHash.Node(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && r.AsSpan().SequenceEqual(root);
    }

    /// <summary>RFC 9162, 2.1.4.2: whether <paramref name="proof"/> shows the tree of <paramref name="second"/> leaves extends the one of <paramref name="first"/>.</summary>
    public static bool VerifyConsistency(
        long first, long second, ReadOnlySpan<byte> firstRoot, ReadOnlySpan<byte> secondRoot, IReadOnlyList<byte[]> proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (first < 0 || second < first)
            return false;
        if (first == second)
            return proof.Count == 0 && firstRoot.SequenceEqual(secondRoot);
        if (first == 0)
            return proof.Count == 0;
        if (proof.Count == 0)
            return false;
        var path = MerkleHash.IsPowerOfTwo(first) ? [firstRoot.ToArray(), .. proof] : proof.ToList();
        var fn = first - 1;
        var sn = second - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        var fr = path[0];
        var sr = path[0];
        foreach (var c in path.Skip(1))
        {
            if (sn == 0)
                return false;
            if ((fn & 1) == 1 || fn == sn)
            {
                fr = MerkleHash.Node(c, fr);
                sr = MerkleHash.Node(c, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                sr = MerkleHash.Node(sr, c);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && fr.AsSpan().SequenceEqual(firstRoot) && sr.AsSpan().SequenceEqual(secondRoot);
    }
}

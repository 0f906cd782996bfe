namespace Console.Workflows.Audit.Integrity.Tree;

/// <summary>A complete subtree: 2^Level leaves starting at leaf Index * 2^Level.</summary>
public readonly record struct TreeNode(int Level, long Index)
{
    public long FirstLeaf => Index << Level;

    public long Size => 1L << Level;
}

/// <summary>
/// The right edge of a tree of <see cref="Size"/> leaves: one complete subtree per set bit of the size (at most 64
/// hashes), enough to append leaves and to compute the root without the rest of the tree. Appending reports each
/// complete subtree it finishes, which is how the chain writer stores the tree and how verification rebuilds it.
/// </summary>
public sealed class CompactRange
{
    // One hash buffer per level, reused: the subtree of level i is present exactly when bit i of Size is set.
    private readonly byte[][] _nodes = Enumerable.Range(0, 64).Select(_ => new byte[MerkleHash.Length]).ToArray();

    public long Size { get; private set; }

    /// <summary>The subtrees a compact range of <paramref name="size"/> leaves holds, largest (leftmost) first.</summary>
    public static IEnumerable<TreeNode> FrontierOf(long size)
    {
        for (var level = 63; level >= 0; level--)
        {
            if ((size & (1L << level)) != 0)
                yield return new TreeNode(level, (size >> level) - 1);
        }
    }

    /// <summary>A range over a tree of <paramref name="size"/> leaves from its frontier hashes (<see cref="FrontierOf"/> order).</summary>
    public static CompactRange From(long size, IReadOnlyList<byte[]> frontier)
    {
        ArgumentNullException.ThrowIfNull(frontier);
        var nodes = FrontierOf(size).ToList();
        if (nodes.Count != frontier.Count)
            throw new ArgumentException($"A tree of {size} leaves has {nodes.Count} frontier nodes, not {frontier.Count}.", nameof(frontier));
        var range = new CompactRange { Size = size };
        for (var i = 0; i < nodes.Count; i++)
        {
            if (frontier[i].Length != MerkleHash.Length)
                throw new ArgumentException($"Frontier hash {i} has {frontier[i].Length} bytes, not {MerkleHash.Length}.", nameof(frontier));
            frontier[i].CopyTo(range._nodes[nodes[i].Level], 0);
        }

        return range;
    }

    /// <summary>
    /// Appends one leaf hash; <paramref name="completed"/> hears of every complete subtree this finishes (the leaf
    /// included) from level <paramref name="reportFrom"/> up, each with a hash array of its own. Nothing else is allocated.
    /// </summary>
    public void Append(ReadOnlySpan<byte> leaf, Action<TreeNode, byte[]>? completed = null, int reportFrom = 0)
    {
        if (leaf.Length != MerkleHash.Length)
            throw new ArgumentException($"A leaf hash has {MerkleHash.Length} bytes, not {leaf.Length}.", nameof(leaf));
        Span<byte> hash = stackalloc byte[MerkleHash.Length];
        leaf.CopyTo(hash);
        var index = Size;
        var level = 0;
        if (completed is not null && reportFrom <= 0)
            completed(new TreeNode(0, index), hash.ToArray());
        while ((Size & (1L << level)) != 0)
        {
            MerkleHash.NodeInto(_nodes[level], hash, hash);
            level++;
            index >>= 1;
            if (completed is not null && level >= reportFrom)
                completed(new TreeNode(level, index), hash.ToArray());
        }

        hash.CopyTo(_nodes[level]);
        Size++;
    }

    /// <summary>The root hash of the tree so far (RFC 9162's MTH).</summary>
    public byte[] Root()
    {
        if (Size == 0)
            return (byte[])MerkleHash.Empty.Clone();
        var root = new byte[MerkleHash.Length];
        var first = true;
        for (var level = 0; level < 64; level++)
        {
            if ((Size & (1L << level)) == 0)
                continue;
            if (first)
                _nodes[level].CopyTo(root, 0);
            else
                MerkleHash.NodeInto(_nodes[level], root, root);
            first = false;
        }

        return root;
    }

    /// <summary>The frontier hashes, largest subtree first (copies).</summary>
    public IReadOnlyList<byte[]> Frontier() =>
        FrontierOf(Size).Select(n => (byte[])_nodes[n.Level].Clone()).ToList();
}

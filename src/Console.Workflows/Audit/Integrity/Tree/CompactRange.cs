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
    private readonly byte[]?[] _nodes = new byte[64][];

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
            range._nodes[nodes[i].Level] = frontier[i];
        return range;
    }

    /// <summary>Appends one leaf hash; <paramref name="completed"/> hears of every complete subtree this finishes (the leaf included).</summary>
    public void Append(byte[] leaf, Action<TreeNode, byte[]>? completed = null)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        var hash = leaf;
        var index = Size;
        var level = 0;
        completed?.Invoke(new TreeNode(0, index), hash);
        while (_nodes[level] is { } left)
        {
            hash = MerkleHash.Node(left, hash);
            _nodes[level] = null;
            level++;
            index >>= 1;
            completed?.Invoke(new TreeNode(level, index), hash);
        }

        _nodes[level] = hash;
        Size++;
    }

    /// <summary>The root hash of the tree so far (RFC 9162's MTH).</summary>
    public byte[] Root()
    {
        byte[]? root = null;
        for (var level = 0; level < 64; level++)
        {
            if (_nodes[level] is { } node)
                root = root is null ? node : MerkleHash.Node(node, root);
        }

        return root ?? (byte[])MerkleHash.Empty.Clone();
    }

    /// <summary>The frontier hashes, largest subtree first.</summary>
    public IReadOnlyList<byte[]> Frontier() =>
        FrontierOf(Size).Select(n => _nodes[n.Level]!).ToList();
}

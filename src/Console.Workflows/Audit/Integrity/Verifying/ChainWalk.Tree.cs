using Console.Workflows.Audit.Integrity.Chaining;
using Console.Workflows.Audit.Integrity.Checkpoints;
using Console.Workflows.Audit.Integrity.Tree;

namespace Console.Workflows.Audit.Integrity.Verifying;

/// <summary>The Merkle tree rebuilt from the events: stored subtrees compared with it, and heads witnessed outside the database.</summary>
internal sealed partial class ChainWalk
{
    /// <summary>The leaf of an entry with neither a stored leaf nor an event: zeros, so later positions still line up.</summary>
    private static readonly byte[] NoLeaf = new byte[MerkleHash.Length];

    private readonly byte[] _storedLeaf = new byte[MerkleHash.Length];
    private readonly CompactRange _tree = new();
    private readonly Dictionary<TreeNode, byte[]> _subtrees = [];
    private bool _leavesComplete = true;
    private int _treeBreaks;
    private List<(Checkpoint Head, string Source)>? _witnessed;
    private Action<TreeNode, byte[]>? _keepSubtree;
    private int _witnessIndex;
    private long _lastWitnessMatch;
    /// <summary>A stored subtree of the Merkle tree (streamed after the walk), compared with the one rebuilt from the events.</summary>
    public void StoredNode(TreeNode node, byte[] hash)
    {
        if (!_leavesComplete)
            return;
        if (!_subtrees.Remove(node, out var rebuilt))
        {
            // Subtrees of entries above the chain head in this snapshot cannot exist, nor any below the stored level (rows
            // of the old level 4 and 5 were removed when level 6 came into force, all but those that did not match their
            // leaves); one that does was inserted, or altered before the upgrade.
            TreeBreak(node, node.Level < MerkleTreeStore.StoredFromLevel
                ? $"is stored, but the tree keeps no subtrees below level {MerkleTreeStore.StoredFromLevel}: inserted, or altered before that level came into force"
                : "is stored but the chain has no such complete subtree");
        }
        else if (!rebuilt.AsSpan().SequenceEqual(hash))
        {
            TreeBreak(node, "differs from the hash of its events");
        }
    }

    private void KeepSubtree(TreeNode node, byte[] hash)
    {
        if (node.Level >= MerkleTreeStore.StoredFromLevel)
            _subtrees[node] = hash;
    }

    private void TreeBreak(TreeNode node, string what)
    {
        if (++_treeBreaks > 3)
        {
            BreaksFound++;
            return;
        }

        Add(new IntegrityBreak(IntegrityBreakKind.TreeAltered, node.FirstLeaf + 1, null, null, null, null, null, null,
            $"The stored Merkle subtree of chain positions {node.FirstLeaf + 1} to {node.FirstLeaf + node.Size} (level {node.Level}) {what}: " +
            "the tree was altered, so proofs over these entries fail."));
    }

    /// <summary>Compares the rebuilt tree with every head witnessed at this size.</summary>
    private void Witnessed(long position)
    {
        if (_witnessed is null)
        {
            foreach (var (head, source) in witnessed.Where(w => w.Head is null))
            {
                Add(new IntegrityBreak(IntegrityBreakKind.Forked, null, null, null, null, null, null, null,
                    $"The witnessed head in {source} is not a tree head signed by a trusted key: the witness copy was altered."));
            }

            _witnessed = witnessed.Where(w => w.Head is not null).Select(w => (w.Head!, w.Source)).OrderBy(w => w.Item1.TreeSize).ToList();
        }

        while (_witnessIndex < _witnessed.Count && _witnessed[_witnessIndex].Head.TreeSize <= position)
        {
            var (head, source) = _witnessed[_witnessIndex++];
            if (head.TreeSize < position || _tree.Size != position)
                continue;
            if (_tree.Root().AsSpan().SequenceEqual(head.RootHash))
            {
                _lastWitnessMatch = Math.Max(_lastWitnessMatch, position);
                continue;
            }

            Add(new IntegrityBreak(IntegrityBreakKind.Forked, _lastWitnessMatch + 1, null, null, null, null, null, head.Number,
                $"Tree head #{head.Number} was witnessed outside the database ({source}) with {head.TreeSize} entries and root " +
                $"{Convert.ToHexStringLower(head.RootHash!)[..16]}…, but the database's first {head.TreeSize} entries give " +
                $"{Convert.ToHexStringLower(_tree.Root())[..16]}…: the history was rewritten after it was witnessed; the first differing " +
                $"position is after {_lastWitnessMatch} (the last witnessed size that matches) and at most {head.TreeSize}."));
        }
    }
}

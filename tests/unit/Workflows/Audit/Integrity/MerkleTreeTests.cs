using System.Security.Cryptography;
using Console.Workflows.Audit.Integrity.Tree;
using FsCheck.Xunit;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Audit.Integrity;

/// <summary>
/// The Merkle tree's proofs against a naive recomputation: every subtree hash a proof uses is recomputed from the
/// leaves by the recursive definition of RFC 9162, never from the code under test.
/// </summary>
public sealed class MerkleTreeTests
{
    [Fact]
    public void Inclusion_EveryLeafOfEveryTreeUpTo70_VerifiesAgainstTheNaiveRoot()
    {
        for (var size = 1; size <= 70; size++)
        {
            var leaves = Leaves(size);
            var root = MerkleHash.Root(leaves);
            for (var index = 0; index < size; index++)
            {
                var proof = InclusionProof(leaves, index);
                MerkleProofs.VerifyInclusion(index, size, leaves[index], proof, root).ShouldBeTrue($"leaf {index} of {size}");
            }
        }
    }

    [Property(MaxTest = 200)]
    public void Inclusion_RandomTreesAndLeaves_VerifyAndRefuseAnyChange(ushort rawSize, ushort rawIndex, byte flip)
    {
        var size = 1 + (rawSize % 3000);
        var index = rawIndex % size;
        var leaves = Leaves(size);
        var root = MerkleHash.Root(leaves);
        var proof = InclusionProof(leaves, index);

        MerkleProofs.VerifyInclusion(index, size, leaves[index], proof, root).ShouldBeTrue();
        var otherLeaf = (byte[])leaves[index].Clone();
        otherLeaf[flip % 32] ^= 0x01;
        MerkleProofs.VerifyInclusion(index, size, otherLeaf, proof, root).ShouldBeFalse("a changed event");
        if (size > 1)
        {
            MerkleProofs.VerifyInclusion((index + 1) % size, size, leaves[index], proof, root).ShouldBeFalse("another position");
            MerkleProofs.VerifyInclusion(index, size, leaves[index], proof[..^1], root).ShouldBeFalse("a shortened path");
        }

        MerkleProofs.VerifyInclusion(index, size, leaves[index], proof, MerkleHash.Root(leaves[..^1])).ShouldBeFalse("another root");
    }

    [Fact]
    public void Inclusion_PathLength_IsLogarithmic()
    {
        MerkleProofs.InclusionPath(123_456, 1_000_000).Count.ShouldBeLessThanOrEqualTo(20);
        MerkleProofs.ConsistencyPath(654_321, 1_000_000).Count.ShouldBeLessThanOrEqualTo(40);
    }

    [Fact]
    public void Consistency_EveryPairOfSizesUpTo40_Verifies()
    {
        var leaves = Leaves(40);
        for (var second = 1; second <= 40; second++)
        {
            var secondRoot = MerkleHash.Root(leaves[..second]);
            for (var first = 1; first <= second; first++)
            {
                var proof = ConsistencyProof(leaves, first, second);
                MerkleProofs.VerifyConsistency(first, second, MerkleHash.Root(leaves[..first]), secondRoot, proof)
                    .ShouldBeTrue($"{first} -> {second}");
            }
        }
    }

    [Property(MaxTest = 200)]
    public void Consistency_RandomSizes_VerifyAndRefuseAForkedHistory(ushort rawFirst, ushort rawSecond, ushort rawChanged)
    {
        var second = 2 + (rawSecond % 3000);
        var first = 1 + (rawFirst % (second - 1));
        var leaves = Leaves(second);
        var firstRoot = MerkleHash.Root(leaves[..first]);
        var secondRoot = MerkleHash.Root(leaves);
        var proof = ConsistencyProof(leaves, first, second);

        MerkleProofs.VerifyConsistency(first, second, firstRoot, secondRoot, proof).ShouldBeTrue();

        // A fork: the same number of entries, one of the first tree's changed; its proofs cannot join the signed first head.
        var forked = leaves.ToArray();
        var changed = rawChanged % first;
        forked[changed] = SHA256.HashData(forked[changed]);
        var forkedRoot = MerkleHash.Root(forked);
        MerkleProofs.VerifyConsistency(first, second, firstRoot, forkedRoot, ConsistencyProof(forked, first, second)).ShouldBeFalse();
        MerkleProofs.VerifyConsistency(first, second, firstRoot, secondRoot, proof.Skip(1).ToList()).ShouldBeFalse("a shortened proof");
    }

    [Fact]
    public void Consistency_ATruncatedTree_CannotExtendTheLargerHead()
    {
        var leaves = Leaves(100);
        var proof = ConsistencyProof(leaves, 60, 100);

        MerkleProofs.VerifyConsistency(100, 60, MerkleHash.Root(leaves), MerkleHash.Root(leaves[..60]), proof).ShouldBeFalse();
        MerkleProofs.VerifyConsistency(60, 100, MerkleHash.Root(leaves[..59]), MerkleHash.Root(leaves), proof).ShouldBeFalse();
    }

    [Fact]
    public void CompactRange_RootAndCompletedSubtrees_MatchTheNaiveTree()
    {
        var leaves = Leaves(300);
        var range = new CompactRange();
        var completed = new Dictionary<TreeNode, byte[]>();
        for (var i = 0; i < leaves.Length; i++)
        {
            range.Append(leaves[i], (node, hash) => completed.Add(node, hash));
            range.Root().ShouldBe(MerkleHash.Root(leaves[..(i + 1)]), $"root of {i + 1}");
        }

        foreach (var (node, hash) in completed)
            hash.ShouldBe(MerkleHash.Root(leaves[(int)node.FirstLeaf..(int)(node.FirstLeaf + node.Size)]), $"subtree {node}");
        completed.Count.ShouldBe(300 + 150 + 75 + 37 + 18 + 9 + 4 + 2 + 1);

        // Resuming from the frontier alone continues the same tree.
        var resumed = CompactRange.From(range.Size, range.Frontier());
        var more = Leaves(333);
        for (var i = 300; i < 333; i++)
            resumed.Append(more[i]);
        resumed.Root().ShouldBe(MerkleHash.Root([.. leaves, .. more[300..]]));
    }

    [Fact]
    public void CompactRange_ReportingFromTheStoredLevel_ReportsOnlyThoseSubtrees_EachWithItsOwnHash()
    {
        var leaves = Leaves(300);
        var range = new CompactRange();
        var completed = new Dictionary<TreeNode, byte[]>();
        foreach (var leaf in leaves)
            range.Append(leaf, (node, hash) => completed.Add(node, hash), MerkleTreeStore.StoredFromLevel);

        MerkleTreeStore.StoredFromLevel.ShouldBe(6);
        completed.Keys.ShouldBe([new TreeNode(6, 0), new TreeNode(6, 1), new TreeNode(7, 0), new TreeNode(6, 2), new TreeNode(6, 3),
            new TreeNode(7, 1), new TreeNode(8, 0)]);
        foreach (var (node, hash) in completed)
            hash.ShouldBe(MerkleHash.Root(leaves[(int)node.FirstLeaf..(int)(node.FirstLeaf + node.Size)]), $"subtree {node}");
        Should.Throw<ArgumentException>(() => range.Append(new byte[31]));
    }

    [Fact]
    public void Root_OfTheEmptyTree_IsTheHashOfNothing() =>
        MerkleHash.Root([]).ShouldBe(Convert.FromHexString("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));

    [Fact]
    public void LeafAndNode_AreDomainSeparated()
    {
        var a = SHA256.HashData("a"u8);
        var b = SHA256.HashData("b"u8);
        MerkleHash.Node(a, b).ShouldBe(SHA256.HashData([0x01, .. a, .. b]));
        MerkleHash.Leaf([.. a, .. b]).ShouldBe(SHA256.HashData([0x00, .. a, .. b]));
        MerkleHash.Leaf([.. a, .. b]).ShouldNotBe(MerkleHash.Node(a, b));
    }

    /// <summary>Distinct leaf hashes; leaf i is the same in every tree (so prefixes are the smaller trees).</summary>
    private static byte[][] Leaves(int count) =>
        Enumerable.Range(0, count).Select(i => MerkleHash.Leaf(BitConverter.GetBytes(i))).ToArray();

    private static List<byte[]> InclusionProof(byte[][] leaves, int index) =>
        MerkleProofs.InclusionPath(index, leaves.Length).Select(r => RangeHash(leaves, r)).ToList();

    private static List<byte[]> ConsistencyProof(byte[][] leaves, int first, int second) =>
        MerkleProofs.ConsistencyPath(first, second).Select(r => RangeHash(leaves, r)).ToList();

    /// <summary>
    /// A proof element as the store makes it (its complete subtrees, combined), each subtree recomputed naively; and
    /// checked against the naive hash of the whole range.
    /// </summary>
    private static byte[] RangeHash(byte[][] leaves, LeafRange range)
    {
        var nodes = range.CompleteNodes().Select(n => MerkleHash.Root(leaves[(int)n.FirstLeaf..(int)(n.FirstLeaf + n.Size)])).ToList();
        var hash = LeafRange.HashFrom(nodes);
        hash.ShouldBe(MerkleHash.Root(leaves[(int)range.Start..(int)(range.Start + range.Count)]));
        return hash;
    }
}

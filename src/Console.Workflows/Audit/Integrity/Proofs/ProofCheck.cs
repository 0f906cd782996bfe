using Console.Workflows.Audit.Integrity.Chaining;
using Console.Workflows.Audit.Integrity.Checkpoints;
using Console.Workflows.Audit.Integrity.Tree;

namespace Console.Workflows.Audit.Integrity.Proofs;

/// <summary>
/// Checks proofs as a client does, from their signed text and hashes only (the same steps as
/// infra/audit/verify-proof.py): the tree heads' signatures with a trusted key, then the RFC 9162 algorithms.
/// Each check returns null when the proof holds, or why it does not.
/// </summary>
public static class ProofCheck
{
    /// <summary>The tree head its signed text describes, or why it cannot be trusted.</summary>
    public static (Checkpoint? Head, string? Problem) TreeHead(SignedTreeHead head, Func<string, string, byte[], SignatureCheck> verify)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(verify);
        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(head.Signature);
        }
        catch (FormatException)
        {
            return (null, $"Tree head #{head.Number}: the signature is not base64.");
        }

        if (CheckpointText.Parse(head.Text, signature) is not { RootHash: not null } parsed)
            return (null, $"Tree head #{head.Number}: the text is not a v2 signed tree head.");
        var check = verify(parsed.KeyId, head.Text, signature);
        if (check != SignatureCheck.Valid)
        {
            return (null, check == SignatureCheck.UnknownKey
                ? $"Tree head #{parsed.Number} is signed by key {parsed.KeyId[..Math.Min(16, parsed.KeyId.Length)]}…, which is not trusted here."
                : $"Tree head #{parsed.Number}'s signature does not verify: the head or its signature was altered.");
        }

        return (parsed, null);
    }

    public static string? Inclusion(InclusionProof proof, Func<string, string, byte[], SignatureCheck> verify)
    {
        ArgumentNullException.ThrowIfNull(proof);
        var (head, problem) = TreeHead(proof.TreeHead, verify);
        if (head is null)
            return problem;
        var e = proof.Event;
        var leaf = MerkleHash.Leaf(EntryEncoding.Encode(new ChainedEvent(
            e.Seq, e.EventId, e.StreamId, e.Version, e.Type, e.TimestampMicros, e.TenantId, e.DotNetType, System.Text.Encoding.UTF8.GetBytes(e.Data))));
        if (!string.Equals(Convert.ToHexStringLower(leaf), proof.LeafHash, StringComparison.Ordinal))
            return $"The event at seq {e.Seq} hashes to leaf {Convert.ToHexStringLower(leaf)[..16]}…, not to the proof's {Short(proof.LeafHash)}: the event was altered.";
        if (!TryHashes(proof.Path, out var path))
            return "The audit path is not a list of 32-byte hex hashes.";
        return MerkleProofs.VerifyInclusion(proof.LeafIndex, head.TreeSize, leaf, path, head.RootHash)
            ? null
            : $"The audit path does not lead from leaf {proof.LeafIndex} (seq {e.Seq}) to the root signed by tree head #{head.Number}.";
    }

    public static string? Consistency(ConsistencyProof proof, Func<string, string, byte[], SignatureCheck> verify)
    {
        ArgumentNullException.ThrowIfNull(proof);
        var (first, problem) = TreeHead(proof.First, verify);
        if (first is null)
            return problem;
        var (second, secondProblem) = TreeHead(proof.Second, verify);
        if (second is null)
            return secondProblem;
        if (!TryHashes(proof.Path, out var path))
            return "The consistency path is not a list of 32-byte hex hashes.";
        if (second.TreeSize < first.TreeSize)
            return $"Tree head #{second.Number} ({second.TreeSize} entries) is smaller than tree head #{first.Number} ({first.TreeSize}).";
        return MerkleProofs.VerifyConsistency(first.TreeSize, second.TreeSize, first.RootHash, second.RootHash, path)
            ? null
            : $"Tree head #{second.Number} ({second.TreeSize} entries) does not extend tree head #{first.Number} ({first.TreeSize} entries): " +
              "the history was rewritten between them.";
    }

    private static bool TryHashes(IReadOnlyList<string> hex, out List<byte[]> hashes)
    {
        hashes = [];
        foreach (var h in hex)
        {
            if (h.Length != 64)
                return false;
            try
            {
                hashes.Add(Convert.FromHexString(h));
            }
            catch (FormatException)
            {
                return false;
            }
        }

        return true;
    }

    private static string Short(string hex) => hex.Length > 16 ? hex[..16] + "…" : hex;
}

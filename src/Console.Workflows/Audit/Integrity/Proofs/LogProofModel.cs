using System.Text.Json.Serialization;
using Console.Workflows.Audit.Integrity.Checkpoints;
using Console.Workflows.Common;

namespace Console.Workflows.Audit.Integrity.Proofs;

/// <summary>
/// A signed tree head as auditors receive it: the exact signed text (<see cref="Text"/>) and its DER signature in
/// base64; the other fields repeat what the text says, for reading. The offline checker trusts the text only.
/// </summary>
public sealed record SignedTreeHead(
    [property: JsonPropertyName("number")] long Number,
    [property: JsonPropertyName("tree_size")] long TreeSize,
    [property: JsonPropertyName("sequence")] long Sequence,
    [property: JsonPropertyName("root_hash")] string RootHash,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("key_id")] string KeyId,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("signature")] string Signature)
{
    public static SignedTreeHead From(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var root = checkpoint.RootHash ?? throw new ArgumentException($"Checkpoint #{checkpoint.Number} has no Merkle root.", nameof(checkpoint));
        return new SignedTreeHead(checkpoint.Number, checkpoint.TreeSize, checkpoint.Sequence, Convert.ToHexStringLower(root),
            checkpoint.CreatedAt, checkpoint.KeyId, CheckpointText.For(checkpoint), Convert.ToBase64String(checkpoint.Signature));
    }
}

/// <summary>The hashed fields of one event, as in a proof's entries.jsonl line: enough to recompute its leaf hash.</summary>
public sealed record ProvenEvent(
    [property: JsonPropertyName("seq")] long Seq,
    [property: JsonPropertyName("event_id")] Guid EventId,
    [property: JsonPropertyName("stream_id")] Guid? StreamId,
    [property: JsonPropertyName("version")] long Version,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("timestamp_us")] long TimestampMicros,
    [property: JsonPropertyName("tenant_id")] string? TenantId,
    [property: JsonPropertyName("dotnet_type")] string? DotNetType,
    [property: JsonPropertyName("data")] string Data);

/// <summary>
/// RFC 9162 inclusion proof: the event at leaf <see cref="LeafIndex"/> (chain position LeafIndex + 1) is in the tree
/// the signed head describes. <see cref="Path"/> holds the audit path, lowest subtree first, hex.
/// </summary>
public sealed record InclusionProof(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("tree_head")] SignedTreeHead TreeHead,
    [property: JsonPropertyName("leaf_index")] long LeafIndex,
    [property: JsonPropertyName("event")] ProvenEvent Event,
    [property: JsonPropertyName("leaf_hash")] string LeafHash,
    [property: JsonPropertyName("path")] IReadOnlyList<string> Path)
{
    public const string KindName = "vnf-console/inclusion-proof/v1";
}

/// <summary>RFC 9162 consistency proof: the tree of <see cref="Second"/> extends the tree of <see cref="First"/>.</summary>
public sealed record ConsistencyProof(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("first")] SignedTreeHead First,
    [property: JsonPropertyName("second")] SignedTreeHead Second,
    [property: JsonPropertyName("path")] IReadOnlyList<string> Path)
{
    public const string KindName = "vnf-console/consistency-proof/v1";
}

public sealed record InclusionOutcome(InclusionProof? Proof, Refusal? Refusal);

public sealed record ConsistencyOutcome(ConsistencyProof? Proof, Refusal? Refusal);

/// <summary>Proofs over the log for auditors and security officers (the API, the command line and the integrity page).</summary>
public interface ILogProofs
{
    /// <summary>The newest <paramref name="limit"/> signed tree heads, oldest first.</summary>
    Task<(IReadOnlyList<SignedTreeHead>? Heads, Refusal? Refusal)> TreeHeadsAsync(Actor actor, int limit = 100, CancellationToken ct = default);

    /// <summary>
    /// Proves that the event with sequence number <paramref name="sequence"/> (or id <paramref name="eventId"/>) is in the
    /// tree of head <paramref name="treeHead"/> (the latest when null).
    /// </summary>
    Task<InclusionOutcome> InclusionAsync(long? sequence, Guid? eventId, long? treeHead, Actor actor, CancellationToken ct = default);

    /// <summary>Proves that tree head <paramref name="to"/> (the latest when null) extends tree head <paramref name="from"/>.</summary>
    Task<ConsistencyOutcome> ConsistencyAsync(long from, long? to, Actor actor, CancellationToken ct = default);
}

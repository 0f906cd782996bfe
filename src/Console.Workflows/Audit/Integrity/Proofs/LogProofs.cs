using System.Data;
using Console.Workflows.Audit.Integrity.Chaining;
using Console.Workflows.Audit.Integrity.Checkpoints;
using Console.Workflows.Audit.Integrity.Tree;
using Console.Workflows.Audit.Integrity.Verifying;
using Console.Workflows.Common;
using Npgsql;

namespace Console.Workflows.Audit.Integrity.Proofs;

/// <summary>
/// Builds inclusion and consistency proofs from the stored tree (a handful of indexed reads each, on one snapshot)
/// and checks each against its signed head before handing it out, so a tree altered in the database shows as a
/// refusal here rather than as a proof that fails later.
/// </summary>
public sealed class LogProofs(AuditDatabase database, CheckpointKeyring keys) : ILogProofs
{
    private readonly MerkleTreeStore _tree = new(database);

    public async Task<(IReadOnlyList<SignedTreeHead>? Heads, Refusal? Refusal)> TreeHeadsAsync(Actor actor, int limit = 100, CancellationToken ct = default)
    {
        if (IntegrityGuards.MayVerify(actor) is { } refusal)
            return (null, refusal);
        await using var connection = await database.OpenAsync(ct);
        var heads = await IntegrityVerifier.ReadCheckpointsAsync(database, connection, null,
            $"where root_hash is not null and number in (select number from {database.Checkpoints} where root_hash is not null order by number desc limit {Math.Clamp(limit, 1, 10_000)})", ct);
        return (heads.Select(SignedTreeHead.From).ToList(), null);
    }

    public async Task<InclusionOutcome> InclusionAsync(long? sequence, Guid? eventId, long? treeHead, Actor actor, CancellationToken ct = default)
    {
        if (IntegrityGuards.MayVerify(actor) is { } refusal)
            return new InclusionOutcome(null, refusal);
        if (sequence is null == eventId is null)
            return new InclusionOutcome(null, Refusal.Because("Name the event by its sequence number or by its id (one of the two)."));
        await using var connection = await database.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var head = await HeadAsync(connection, transaction, treeHead, ct);
        if (head.Refusal is { } noHead)
            return new InclusionOutcome(null, noHead);

        await using var command = new NpgsqlCommand(
            $"select c.position, c.leaf_hash, {EventColumns.Select} from {database.Chain} c join {database.Events} e on e.seq_id = c.seq_id " +
            (sequence is not null ? "where c.seq_id = @seq" : "where c.event_id = @id"), connection, transaction);
        if (sequence is { } seq)
            command.Parameters.AddWithValue("seq", seq);
        else
            command.Parameters.AddWithValue("id", eventId!.Value);
        long position;
        ChainedEvent chained;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct))
            {
                return new InclusionOutcome(null, Refusal.Because(
                    $"No chained event has {(sequence is not null ? $"sequence number {sequence}" : $"id {eventId}")}: it does not exist, " +
                    "or the chain writer has not reached it yet.", RefusalKind.NotFound));
            }

            position = reader.GetInt64(0);
            chained = EventColumns.Read(reader, 2);
        }

        var cp = head.Checkpoint!;
        if (position > cp.TreeSize)
        {
            return new InclusionOutcome(null, Refusal.Because(
                $"The event at seq {chained.Sequence} is chain entry {position}, after tree head #{cp.Number} ({cp.TreeSize} entries): " +
                "prove it against a later tree head (one is signed every Audit:CheckpointEveryEntries entries or Audit:CheckpointEvery).",
                RefusalKind.Conflict));
        }

        List<byte[]> path;
        try
        {
            path = await _tree.HashesAsync(connection, transaction, MerkleProofs.InclusionPath(position - 1, cp.TreeSize), ct);
        }
        catch (InvalidOperationException ex)
        {
            return new InclusionOutcome(null, Refusal.Because(ex.Message, RefusalKind.Conflict));
        }

        await transaction.CommitAsync(ct);
        var leaf = MerkleHash.Leaf(EntryEncoding.Encode(chained));
        var proof = new InclusionProof(InclusionProof.KindName, SignedTreeHead.From(cp), position - 1,
            new ProvenEvent(chained.Sequence, chained.EventId, chained.StreamId, chained.Version, chained.Type, chained.TimestampMicros,
                chained.TenantId, chained.DotNetType, System.Text.Encoding.UTF8.GetString(chained.Data)),
            Convert.ToHexStringLower(leaf), path.Select(Convert.ToHexStringLower).ToList());
        return ProofCheck.Inclusion(proof, keys.Get().Verify) is { } problem
            ? new InclusionOutcome(null, Refusal.Because($"The stored log does not prove this event: {problem} Run a verification.", RefusalKind.Conflict))
            : new InclusionOutcome(proof, null);
    }

    public async Task<ConsistencyOutcome> ConsistencyAsync(long from, long? to, Actor actor, CancellationToken ct = default)
    {
        if (IntegrityGuards.MayVerify(actor) is { } refusal)
            return new ConsistencyOutcome(null, refusal);
        await using var connection = await database.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var first = await HeadAsync(connection, transaction, from, ct);
        if (first.Refusal is { } noFirst)
            return new ConsistencyOutcome(null, noFirst);
        var second = await HeadAsync(connection, transaction, to, ct);
        if (second.Refusal is { } noSecond)
            return new ConsistencyOutcome(null, noSecond);
        var (a, b) = (first.Checkpoint!, second.Checkpoint!);
        if (b.Number < a.Number)
            return new ConsistencyOutcome(null, Refusal.Because($"Tree head #{b.Number} comes before #{a.Number}: name the older head first."));
        List<byte[]> path;
        try
        {
            path = await _tree.HashesAsync(connection, transaction, MerkleProofs.ConsistencyPath(a.TreeSize, b.TreeSize), ct);
        }
        catch (InvalidOperationException ex)
        {
            return new ConsistencyOutcome(null, Refusal.Because(ex.Message, RefusalKind.Conflict));
        }

        await transaction.CommitAsync(ct);
        var proof = new ConsistencyProof(ConsistencyProof.KindName, SignedTreeHead.From(a), SignedTreeHead.From(b),
            path.Select(Convert.ToHexStringLower).ToList());
        return ProofCheck.Consistency(proof, keys.Get().Verify) is { } problem
            ? new ConsistencyOutcome(null, Refusal.Because($"The stored log does not prove these heads consistent: {problem} Run a verification.", RefusalKind.Conflict))
            : new ConsistencyOutcome(proof, null);
    }

    /// <summary>Tree head <paramref name="number"/>, or the latest when null.</summary>
    internal async Task<(Checkpoint? Checkpoint, Refusal? Refusal)> HeadAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, long? number, CancellationToken ct)
    {
        if (number is < 1)
            return (null, Refusal.Because("A tree head number is 1 or more."));
        var where = number is { } n
            ? $"where number = {n}"
            : $"where number = (select max(number) from {database.Checkpoints} where root_hash is not null)";
        var found = await IntegrityVerifier.ReadCheckpointsAsync(database, connection, transaction, where, ct);
        if (found.Count == 0)
        {
            return (null, Refusal.Because(number is null
                ? "There is no signed tree head yet: the chain writer signs one every Audit:CheckpointEveryEntries entries or Audit:CheckpointEvery."
                : $"There is no tree head #{number}.", RefusalKind.NotFound));
        }

        return found[0].RootHash is null
            ? (null, Refusal.Because($"Checkpoint #{found[0].Number} was signed before the log had a Merkle tree: it has no root to prove against; use a later tree head.", RefusalKind.Conflict))
            : (found[0], null);
    }
}

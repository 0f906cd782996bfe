using System.Text.Json.Serialization;
using Console.Workflows.Accounts;
using Console.Workflows.Audit.Integrity.Chaining;
using Console.Workflows.Common;
using Console.Workflows.Continuity;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Executing;
using Marten;
using Npgsql;

namespace Console.Workflows.Audit.Integrity.Proofs;

/// <summary>
/// The proof of one finished operation in one file: every event of the log that records it (the request with its
/// content digest and each approval, the attestation evidence the target presented, the sealing of the state, the
/// snapshot with its signed manifest and its deletion receipt), each with its RFC 9162 inclusion path under one signed
/// tree head. The head's signature covers every item through its path, so a changed byte anywhere fails the check;
/// infra/audit/verify-proof.py --evidence checks it offline, as it checks any proof of the log. <see cref="Decisions"/>
/// repeats, for reading, who approved or rejected and how each authenticated; the checker compares it with the signed events.
/// </summary>
public sealed record EvidenceBundle(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("request_id")] Guid RequestId,
    [property: JsonPropertyName("request_kind")] string RequestKind,
    [property: JsonPropertyName("request_status")] string RequestStatus,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("created_by")] string CreatedBy,
    [property: JsonPropertyName("tree_head")] SignedTreeHead TreeHead,
    [property: JsonPropertyName("items")] IReadOnlyList<EvidenceItem> Items,
    [property: JsonPropertyName("decisions")] IReadOnlyList<EvidenceDecision> Decisions)
{
    public const string KindName = "vnf-console/evidence-bundle/v1";
}

/// <summary>One event of the bundle: what it stands for, its hashed fields, its leaf and its audit path under the bundle's head.</summary>
public sealed record EvidenceItem(
    [property: JsonPropertyName("part")] string Part,
    [property: JsonPropertyName("leaf_index")] long LeafIndex,
    [property: JsonPropertyName("event")] ProvenEvent Event,
    [property: JsonPropertyName("leaf_hash")] string LeafHash,
    [property: JsonPropertyName("path")] IReadOnlyList<string> Path);

public sealed record EvidenceBundleOutcome(EvidenceBundle? Bundle, Refusal? Refusal);

/// <summary>Evidence bundles for security officers and auditors (the request page's download and the API).</summary>
public interface IEvidenceBundles
{
    Task<EvidenceBundleOutcome> BuildAsync(Guid requestId, Actor actor, CancellationToken ct = default);
}

/// <summary>
/// Finds the operation's events by the streams and ids that tie them to the request, makes sure a signed tree head
/// covers them (signing one at the chain's head when the latest does not), and proves each through
/// <see cref="ILogProofs"/>, which checks every proof against the signed head before handing it out.
/// </summary>
public sealed class EvidenceBundles(IDocumentStore store, AuditDatabase database, EventChainer chainer, ILogProofs proofs, TimeProvider time)
    : IEvidenceBundles
{
    /// <summary>The part of the bundle's items recorded on the request's own stream.</summary>
    public const string RequestPart = "request";

    /// <summary>A bundle is made for a request that has finished: final, or failed (a retry makes a later bundle longer).</summary>
    public static bool IsReady(ChangeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.IsFinal || request.Status == Requests.RequestStatus.Failed;
    }

    public async Task<EvidenceBundleOutcome> BuildAsync(Guid requestId, Actor actor, CancellationToken ct = default)
    {
        if (CommandRoles.Check(ConsoleCommand.ExportIntegrityProof, actor) is { } forbidden)
            return new(null, forbidden);
        ChangeRequest? request;
        await using (var query = store.QuerySession())
        {
            // It may sign a tree head: an old session of a person who lost the role is refused as a command would be.
            if (await AccountStanding.CheckAsync(query, actor, ct) is { } stale)
                return new(null, stale);
            request = await query.LoadAsync<ChangeRequest>(requestId, ct);
        }
        if (request is null)
            return new(null, Refusal.Because("There is no such request.", RefusalKind.NotFound));
        if (!IsReady(request))
            return new(null, Refusal.Because(
                $"The request is still {request.Status}: its evidence bundle can be made once it has finished.", RefusalKind.Conflict));

        var events = await EventsOfAsync(request, ct);
        if (events.FirstOrDefault(e => e.Position is null) is { } unchained)
            return new(null, Refusal.Because(
                $"The chain writer has not reached this request's event seq {unchained.Sequence} yet; try again in a few seconds.", RefusalKind.Conflict));

        var (heads, noHeads) = await proofs.TreeHeadsAsync(actor, 1, ct);
        if (noHeads is not null)
            return new(null, noHeads);
        var last = events.Max(e => e.Position!.Value);
        if (heads is not [var head] || head.TreeSize < last)
        {
            // Sign the chain as it stands: every event of the request is chained, so the new head covers them all.
            try
            {
                await chainer.CheckpointNowAsync(ct);
            }
            catch (InvalidOperationException ex)
            {
                return new(null, Refusal.Because("No signed tree head covers this request's events yet, and none could be signed now: " + ex.Message, RefusalKind.Conflict));
            }

            (heads, noHeads) = await proofs.TreeHeadsAsync(actor, 1, ct);
            if (noHeads is not null)
                return new(null, noHeads);
            if (heads is not [var signed] || signed.TreeSize < last)
                return new(null, Refusal.Because("No signed tree head covers this request's events yet; try again in a minute.", RefusalKind.Conflict));
            head = signed;
        }

        var items = new List<EvidenceItem>(events.Count);
        foreach (var e in events)
        {
            var proven = await proofs.InclusionAsync(e.Sequence, null, head.Number, actor, ct);
            if (proven.Proof is not { } proof)
                return new(null, proven.Refusal);
            items.Add(new EvidenceItem(e.Part, proof.LeafIndex, proof.Event, proof.LeafHash, proof.Path));
        }

        return new(new EvidenceBundle(EvidenceBundle.KindName, request.Id, request.Content.Kind.ToString(), request.Status.ToString(),
            time.GetUtcNow(), actor.UserId, head, items, EvidenceDecision.Of(items)), null);
    }

    private sealed record Found(string Part, long Sequence, long? Position);

    /// <summary>
    /// The request's own stream; the snapshot it took, deleted or restored from; on the attested environment's stream
    /// the evidence whose nonce the request's attestation checks name; on the VNF's continuity stream what its
    /// operations sealed, committed or restored. In log order.
    /// </summary>
    private async Task<List<Found>> EventsOfAsync(ChangeRequest request, CancellationToken ct)
    {
        var content = request.Content;
        Guid? snapshot = content.SnapshotId ?? (content.Kind == Requests.RequestKind.Snapshot ? ExecutionDecider.SnapshotIdFor(request.Id) : null);
        var operations = Enumerable.Range(1, Math.Max(request.ExecutionAttempts, 0))
            .Select(a => ExecutionDecider.OperationId(request.Id, a).ToString("D")).ToArray();
        await using var connection = await database.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"""
            with found as (
              select @requestPart as part, seq_id from {database.Events} where stream_id = @request
              union all select 'snapshot', seq_id from {database.Events} where stream_id = @snapshot
              union all select 'attestation', seq_id from {database.Events}
                where stream_id = @environment and type = 'evidence_verified'
                  and data->>'Nonce' in (select data->>'Nonce' from {database.Events}
                                         where stream_id = @request and type = 'target_attestation_checked' and data ? 'Nonce')
              union all select 'continuity', seq_id from {database.Events}
                where stream_id = @continuity and (data->>'OperationId' = any(@operations) or data->>'RequestId' = @requestText))
            select f.part, f.seq_id, c.position from found f left join {database.Chain} c on c.seq_id = f.seq_id order by f.seq_id
            """, connection);
        command.Parameters.AddWithValue("request", request.Id);
        command.Parameters.AddWithValue("requestPart", RequestPart);
        command.Parameters.AddWithValue("snapshot", snapshot ?? Guid.Empty);
        command.Parameters.AddWithValue("environment", ExecutionDecider.EnvironmentToAttest(request));
        command.Parameters.AddWithValue("continuity", VnfContinuity.StreamIdFor(content.VnfId));
        command.Parameters.AddWithValue("operations", operations);
        command.Parameters.AddWithValue("requestText", request.Id.ToString("D"));
        var found = new List<Found>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            found.Add(new Found(reader.GetString(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetInt64(2)));
        return found;
    }
}

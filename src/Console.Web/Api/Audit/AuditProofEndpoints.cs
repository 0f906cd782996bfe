using Console.Web.Security;
using Console.Workflows.Audit.Integrity.Proofs;
using Microsoft.AspNetCore.Mvc;

namespace Console.Web.Api.Audit;

/// <summary>
/// The log's signed tree heads and RFC 9162 proofs for auditors and security officers: the same JSON that
/// <c>audit prove-inclusion</c> / <c>prove-consistency</c> write, checked offline by infra/audit/verify-proof.py.
/// </summary>
public static class AuditProofEndpoints
{
    public static void MapAuditProofApi(this RouteGroupBuilder api)
    {
        api.MapGet("/audit/tree-heads", ListTreeHeadsAsync)
            .WithTags("Audit")
            .RequireApiPolicy(Policies.VerifyIntegrity)
            .WithName("ListTreeHeads")
            .WithSummary("Signed tree heads of the audit log, oldest first (limit: the newest N, default 100)")
            .Produces<IReadOnlyList<SignedTreeHead>>()
            .ProducesValidationProblem();

        api.MapGet("/audit/proofs/inclusion", InclusionAsync)
            .WithTags("Audit")
            .RequireApiPolicy(Policies.VerifyIntegrity)
            .WithName("ProveInclusion")
            .WithSummary("RFC 9162 inclusion proof of one event (seq or eventId) under a signed tree head (treeHead, default the latest)")
            .Produces<InclusionProof>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        api.MapGet("/audit/proofs/consistency", ConsistencyAsync)
            .WithTags("Audit")
            .RequireApiPolicy(Policies.VerifyIntegrity)
            .WithName("ProveConsistency")
            .WithSummary("RFC 9162 consistency proof that tree head 'to' (default the latest) extends tree head 'from'")
            .Produces<ConsistencyProof>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        api.MapGet("/audit/evidence/{requestId}", EvidenceAsync)
            .WithTags("Audit")
            .RequireApiPolicy(Policies.VerifyIntegrity)
            .WithName("EvidenceBundle")
            .WithSummary("The evidence bundle of a finished request: every event recording it with its inclusion path under one signed tree head")
            .Produces<EvidenceBundle>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    /// <summary>The bundle as a download (the API and the request page's link), or the refusal as a problem.</summary>
    public static async Task<IResult> EvidenceAsync(string requestId, HttpContext http, [FromServices] IEvidenceBundles bundles, CancellationToken ct)
    {
        var errors = new ApiFieldErrors();
        var id = QueryValues.Id(requestId, "requestId", errors);
        if (errors.Any || id is null)
            return errors.Any ? errors.ToProblem() : ApiResults.InvalidField("requestId", "Name the request.");
        var outcome = await bundles.BuildAsync(id.Value, CurrentActor.FromPrincipal(http.User), ct);
        if (outcome.Bundle is not { } bundle)
            return ApiResults.Refused(outcome.Refusal!);
        var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(bundle, EvidenceJson);
        return TypedResults.File(json, "application/json", $"vnf-console-evidence-{bundle.RequestId:D}.json");
    }

    private static readonly System.Text.Json.JsonSerializerOptions EvidenceJson = new() { WriteIndented = true };

    private static async Task<IResult> ListTreeHeadsAsync([FromQuery] string? limit, HttpContext http, [FromServices] ILogProofs proofs, CancellationToken ct)
    {
        var errors = new ApiFieldErrors();
        var newest = QueryValues.Number(limit, "limit", 1, 10_000, errors) ?? 100;
        if (errors.Any)
            return errors.ToProblem();
        var (heads, refusal) = await proofs.TreeHeadsAsync(CurrentActor.FromPrincipal(http.User), newest, ct);
        return heads is null ? ApiResults.Refused(refusal!) : TypedResults.Ok(heads);
    }

    private static async Task<IResult> InclusionAsync(
        [FromQuery] string? seq, [FromQuery] string? eventId, [FromQuery] string? treeHead, HttpContext http,
        [FromServices] ILogProofs proofs, CancellationToken ct)
    {
        var errors = new ApiFieldErrors();
        var sequence = QueryValues.Number(seq, "seq", 1, int.MaxValue, errors);
        var id = QueryValues.Id(eventId, "eventId", errors);
        var head = QueryValues.Number(treeHead, "treeHead", 1, int.MaxValue, errors);
        if (errors.Any)
            return errors.ToProblem();
        var outcome = await proofs.InclusionAsync(sequence, id, head, CurrentActor.FromPrincipal(http.User), ct);
        return outcome.Proof is { } proof ? TypedResults.Ok(proof) : ApiResults.Refused(outcome.Refusal!);
    }

    private static async Task<IResult> ConsistencyAsync(
        [FromQuery] string? from, [FromQuery] string? to, HttpContext http, [FromServices] ILogProofs proofs, CancellationToken ct)
    {
        var errors = new ApiFieldErrors();
        var first = QueryValues.Number(from, "from", 1, int.MaxValue, errors);
        var second = QueryValues.Number(to, "to", 1, int.MaxValue, errors);
        if (first is null && !errors.Any)
            return ApiResults.InvalidField("from", "Name the older tree head: from=N.");
        if (errors.Any)
            return errors.ToProblem();
        var outcome = await proofs.ConsistencyAsync(first!.Value, second, CurrentActor.FromPrincipal(http.User), ct);
        return outcome.Proof is { } proof ? TypedResults.Ok(proof) : ApiResults.Refused(outcome.Refusal!);
    }
}

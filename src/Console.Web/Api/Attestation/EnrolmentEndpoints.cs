using Console.Web.Security;
using Console.Workflows.Attestation.Enrolling;
using Console.Workflows.Common;
using Microsoft.AspNetCore.Mvc;

namespace Console.Web.Api.Attestation;

/// <summary>Propose an environment's attestation key (PEM), its EK (PEM public key or certificate) and reference values (PCR, SHA-256 digest).</summary>
public sealed record ProposeEnrolmentBody(
    string? AkPublicKeyPem = null, string? EkPem = null, IReadOnlyList<ReferenceValueInput>? ReferenceValues = null, string? Reason = null,
    int? ExpectedVersion = null);

/// <summary>Approve or reject the pending enrolment (a reason to reject).</summary>
public sealed record DecideEnrolmentBody(Guid? EnrolmentId = null, string? Reason = null, int? ExpectedVersion = null);

/// <summary>Revoke the enrolled attestation key (its key id) with the reason.</summary>
public sealed record RevokeAttestationKeyBody(string? KeyId = null, string? Reason = null, int? ExpectedVersion = null);

/// <summary>
/// An environment's enrolment: security officers and auditors read it with its last quote; administrators and security
/// officers propose; security officers approve, reject and revoke. Every command carries the attestation record's
/// version (If-Match or expectedVersion) and is judged by the workflow's deciders exactly as from the page.
/// </summary>
public static class EnrolmentEndpoints
{
    public static void MapEnrolmentApi(this RouteGroupBuilder api)
    {
        var enrolment = api.MapGroup("/inventory/environments/{id:guid}/enrolment").WithTags("Attestation");

        enrolment.MapGet("", GetAsync)
            .RequireApiPolicy(Policies.ViewEnrolments)
            .WithName("GetEnrolment")
            .WithSummary("The environment's attestation record: enrolled key, EK, reference values, pending proposal, refused keys, last quote (ETag: its version)")
            .Produces<EnrolmentRecord>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        Command<ProposeEnrolmentBody>(enrolment, "", ConsoleCommand.ProposeEnrolment,
            "Propose the attestation key, EK and reference values for a security officer's approval",
            b => b.ExpectedVersion,
            (id, v, b) => new ProposeEnrolment(id, v, b.AkPublicKeyPem ?? "", b.EkPem ?? "", b.ReferenceValues ?? [], b.Reason ?? ""));
        Command<DecideEnrolmentBody>(enrolment, "/approve", ConsoleCommand.ApproveEnrolment,
            "Approve the pending enrolment (a security officer other than the proposer)",
            b => b.ExpectedVersion,
            (id, v, b) => new ApproveEnrolment(id, b.EnrolmentId ?? Guid.Empty, v));
        Command<DecideEnrolmentBody>(enrolment, "/reject", ConsoleCommand.RejectEnrolment,
            "Reject the pending enrolment (reason)",
            b => b.ExpectedVersion,
            (id, v, b) => new RejectEnrolment(id, b.EnrolmentId ?? Guid.Empty, v, b.Reason ?? ""));
        Command<RevokeAttestationKeyBody>(enrolment, "/revoke", ConsoleCommand.RevokeAttestationKey,
            "Revoke the enrolled attestation key (keyId, reason): its quotes are refused from now on",
            b => b.ExpectedVersion,
            (id, v, b) => new RevokeAttestationKey(id, b.KeyId ?? "", v, b.Reason ?? ""));
    }

    private delegate IConsoleCommand EnrolmentCommand<in TBody>(Guid id, int version, TBody body);

    private static void Command<TBody>(
        RouteGroupBuilder group, string pattern, ConsoleCommand command, string summary, Func<TBody, int?> expectedVersion, EnrolmentCommand<TBody> issue)
        where TBody : class =>
        group.MapPost(pattern, async (Guid id, HttpContext http, [FromServices] IConsoleCommandBus commands, CancellationToken ct) =>
            {
                var body = await ApiJson.ReadAsync<TBody>(http.Request, ct: ct);
                if (body.Problem is { } problem)
                    return problem;
                var version = Preconditions.Resolve(http.Request.Headers.IfMatch.ToString(), expectedVersion(body.Value!), "expectedVersion", LocationOf(id));
                if (version.Problem is { } stale)
                    return stale;
                var outcome = await commands.IssueAsync(issue(id, version.Value, body.Value!), CurrentActor.FromPrincipal(http.User), ct);
                return ApiResults.From(outcome, _ => TypedResults.Ok(new ResourceRef(id, LocationOf(id))));
            })
            .RequireApiPolicy(Policies.For(command))
            .WithName(command.ToString())
            .WithSummary(summary)
            .Accepts<TBody>("application/json")
            .Produces<ResourceRef>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

    private static async Task<IResult> GetAsync(Guid id, [FromServices] IEnrolmentReader reader, CancellationToken ct) =>
        await reader.GetAsync(id, ct) is { } record
            ? ApiResults.WithETag(record, record.Version)
            : ApiResults.NotFound("environment");

    private static string LocationOf(Guid id) => $"/api/inventory/environments/{id:D}/enrolment";
}

using Console.Web.Security;
using Console.Workflows.Common;
using Console.Workflows.Policy;
using Microsoft.AspNetCore.Mvc;

namespace Console.Web.Api.Policy;

/// <summary>The approval policy: readable by everyone, revised by administrators with If-Match on its revision.</summary>
public static class PolicyEndpoints
{
    private const string Location = "/api/policy";

    public static void MapPolicyApi(this RouteGroupBuilder api)
    {
        var policy = api.MapGroup("/policy").WithTags("Policy");

        policy.MapGet("/", async ([FromServices] IPolicyReader policies, CancellationToken ct) =>
            {
                var current = await policies.CurrentAsync(ct);
                return ApiResults.WithETag(current, current.Revision);
            })
            .RequireApiPolicy(Policies.ViewPolicy)
            .WithName("GetPolicy")
            .WithSummary("The approval policy in force (ETag: its revision)")
            .Produces<ApprovalPolicy>();

        policy.MapGet("/history", async ([FromServices] IPolicyReader policies, CancellationToken ct) =>
                TypedResults.Ok(await policies.HistoryAsync(ct)))
            .RequireApiPolicy(Policies.ViewPolicy)
            .WithName("GetPolicyHistory")
            .WithSummary("Every revision of the policy, who made it, when and why")
            .Produces<IReadOnlyList<PolicyRevisionEntry>>();

        policy.MapPut("/", ReviseAsync)
            .RequireApiPolicy(Policies.EditPolicy)
            .WithName("RevisePolicy")
            .WithSummary("Put a new revision of the policy in force (administrators); requests already submitted keep theirs. A revision that weakens protection answers 202 with the request a security officer must approve")
            .AcceptsJson<RevisePolicyBody>()
            .Produces<ApprovalPolicy>()
            .Produces<GuardChangeSubmitted>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
    }

    private static async Task<IResult> ReviseAsync(
        HttpContext http, [FromServices] IConsoleCommandBus commands, [FromServices] IPolicyReader policies, CancellationToken ct)
    {
        var body = await ApiJson.ReadAsync<RevisePolicyBody>(http.Request, ct: ct);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        var errors = body.Value!.Validate();
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var revision = Preconditions.Resolve(http.Request.Headers.IfMatch.ToString(), body.Value.ExpectedRevision, "expectedRevision", Location);
        if (revision.Problem is { } stale)
        {
            return stale;
        }

        var command = new RevisePolicy(revision.Value, body.Value.Document!, body.Value.Reason!.Trim());
        var outcome = await commands.IssueAsync(command, CurrentActor.FromPrincipal(http.User), ct);
        if (outcome.Refusal is { } refusal)
        {
            return ApiResults.Refused(refusal);
        }

        if (outcome.PendingRequestId is { } requestId)
        {
            return GuardChangeSubmitted.Accepted(requestId, "This revision weakens protection");
        }

        var current = await policies.CurrentAsync(ct);
        return ApiResults.WithETag(current, current.Revision);
    }
}

/// <summary>A new revision: the whole document (as GET /api/policy returns it under "document") and why it changes.</summary>
public sealed record RevisePolicyBody(PolicyDocument? Document = null, string? Reason = null, int? ExpectedRevision = null)
{
    /// <summary>Shape only (nothing missing); what the policy may say is the workflow's to judge.</summary>
    public ApiFieldErrors Validate()
    {
        var errors = new ApiFieldErrors()
            .Require(!string.IsNullOrWhiteSpace(Reason), "reason", "Say why the policy changes.");
        if (Document is null)
        {
            return errors.Add("document", "Send the whole policy document.");
        }

        if (Document.Sensitivities is null)
        {
            errors.Add("document.sensitivities", "Give a rule for each sensitivity.");
        }
        else
        {
            for (var i = 0; i < Document.Sensitivities.Count; i++)
            {
                var rule = Document.Sensitivities[i];
                var field = $"document.sensitivities[{i}]";
                if (rule is null)
                {
                    errors.Add(field, "Give a rule here or leave the entry out.");
                }
                else
                {
                    CheckGroups(rule.Approvals, field + ".approvals", errors);
                }
            }
        }

        CheckGroups(Document.CrossDomainApprovals, "document.crossDomainApprovals", errors);
        return errors;
    }

    private static void CheckGroups(IReadOnlyList<ApproverGroup>? groups, string field, ApiFieldErrors errors)
    {
        if (groups is null)
        {
            errors.Add(field, "Give the list of approver groups (empty for none).");
            return;
        }

        for (var i = 0; i < groups.Count; i++)
        {
            if (groups[i] is null || string.IsNullOrWhiteSpace(groups[i].Name))
            {
                errors.Add($"{field}[{i}].name", "Name the approver group.");
            }
        }
    }
}

/// <summary>
/// 202: the change weakens protection, so it is not in force yet but waits in a request for a security officer other
/// than the requester.
/// </summary>
public sealed record GuardChangeSubmitted(Guid RequestId, string Status, string Detail, string Location)
{
    public static IResult Accepted(Guid requestId, string what)
    {
        var location = $"/api/requests/{requestId:D}";
        return TypedResults.Accepted(location, new GuardChangeSubmitted(
            requestId, "PendingApproval",
            $"{what}, so it was submitted for approval and is not in force yet: it takes effect when a security officer other than you approves request {requestId:D}.",
            location));
    }
}

using Console.Web.Security;
using Console.Workflows.Common;
using Console.Workflows.Requests;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Console.Web.Api.Requests;

/// <summary>
/// Snapshot, migration and snapshot-deletion requests: the same commands and queries the pages use. Every command is
/// carried out for the person the bearer token names, with the roles and groups it carries.
/// </summary>
public static class RequestEndpoints
{
    public static void MapRequestsApi(this RouteGroupBuilder api)
    {
        var requests = api.MapGroup("/requests").WithTags("Requests");

        requests.MapPost("/", SubmitAsync)
            .RequireApiPolicy(Policies.CreateRequests)
            .WithName("SubmitRequest")
            .WithSummary("Raise a snapshot, migration or snapshot-deletion request")
            .WithDescription("Requests touching only Public components are approved at once; a migration to a less trustworthy environment is refused (400).")
            .AcceptsJson<SubmitRequestBody>()
            .Produces<ResourceRef>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        requests.MapGet("/", SearchAsync)
            .RequireApiPolicy(Policies.ViewRequests)
            .WithName("SearchRequests")
            .WithSummary("Search, filter, sort and page the requests")
            .Produces<Workflows.Inventory.PagedResult<RequestListItem>>()
            .ProducesValidationProblem();

        requests.MapGet("/{id:guid}", GetAsync)
            .RequireApiPolicy(Policies.ViewRequests)
            .WithName("GetRequest")
            .WithSummary("A request with its approval progress and journal (ETag: its version)")
            .Produces<RequestDetails>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        requests.MapPut("/{id:guid}", AmendAsync)
            .RequireApiPolicy(Policies.For(ConsoleCommand.AmendRequest))
            .WithName("AmendRequest")
            .WithSummary("Change what a pending request asks for (requester); approvals given so far stop counting")
            .AcceptsJson<AmendRequestBody>()
            .ProducesCommand();

        requests.MapPost("/{id:guid}/approve", ApproveAsync)
            .RequireApiPolicy(Policies.For(ConsoleCommand.ApproveRequest))
            .WithName("ApproveRequest")
            .WithSummary("Approve exactly the content with this digest; never your own request")
            .AcceptsJson<ApproveBody>()
            .ProducesCommand(StatusCodes.Status202Accepted);

        requests.MapPost("/{id:guid}/reject", RejectAsync)
            .RequireApiPolicy(Policies.For(ConsoleCommand.RejectRequest))
            .WithName("RejectRequest")
            .WithSummary("Reject a pending request, with the reason")
            .AcceptsJson<RejectBody>()
            .ProducesCommand();

        requests.MapPost("/{id:guid}/cancel", CancelAsync)
            .RequireApiPolicy(Policies.For(ConsoleCommand.CancelRequest))
            .WithName("CancelRequest")
            .WithSummary("Cancel your request before its execution starts")
            .AcceptsJson<ReasonBody>()
            .ProducesCommand();

        requests.MapPost("/{id:guid}/retry", RetryAsync)
            .RequireApiPolicy(Policies.For(ConsoleCommand.RetryExecution))
            .WithName("RetryExecution")
            .WithSummary("Run a failed execution again (requester or one of its approvers, with a reason, within the policy's attempts)")
            .AcceptsJson<RetryBody>(required: false)
            .ProducesCommand(StatusCodes.Status202Accepted);

        api.MapGet("/approvals/inbox", InboxAsync)
            .WithTags("Requests")
            .RequireApiPolicy(Policies.ApproveRequests)
            .WithName("ApprovalInbox")
            .WithSummary("Pending requests you may approve now, with the group your approval would fill")
            .Produces<IReadOnlyList<InboxItem>>();
    }

    public static string LocationOf(Guid id) => $"/api/requests/{id}";

    private static RouteHandlerBuilder ProducesCommand(this RouteHandlerBuilder endpoint, int success = StatusCodes.Status200OK) =>
        endpoint.Produces<ResourceRef>(success)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);

    private static async Task<IResult> SubmitAsync(
        HttpContext http, [FromServices] IConsoleCommandBus commands, [FromServices] TimeProvider time, CancellationToken ct)
    {
        var body = await ApiJson.ReadAsync<SubmitRequestBody>(http.Request, ct: ct);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        var (command, errors) = body.Value!.ToCommand(time.GetUtcNow());
        if (command is null)
        {
            return errors.ToProblem();
        }

        var outcome = await commands.IssueAsync(command, ActorOf(http), ct);
        return ApiResults.From(outcome, id => TypedResults.Created(LocationOf(id), new ResourceRef(id, LocationOf(id))));
    }

    private static async Task<IResult> SearchAsync([AsParameters] RequestQuery query, [FromServices] IRequestReader reader, CancellationToken ct)
    {
        var (search, errors) = query.ToSearch();
        return search is null ? errors.ToProblem() : TypedResults.Ok(await reader.SearchAsync(search, ct));
    }

    private static async Task<IResult> GetAsync(Guid id, [FromServices] IRequestReader reader, CancellationToken ct) =>
        await reader.GetAsync(id, ct) is { } details
            ? ApiResults.WithETag(details, details.Request.Version)
            : ApiResults.NotFound("request");

    private static async Task<IResult> AmendAsync(
        Guid id, HttpContext http, [FromServices] IConsoleCommandBus commands, [FromServices] TimeProvider time, CancellationToken ct)
    {
        var body = await ApiJson.ReadAsync<AmendRequestBody>(http.Request, ct: ct);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        var version = ExpectedVersionOf(http, id, body.Value!.ExpectedVersion);
        if (version.Problem is { } stale)
        {
            return stale;
        }

        var (command, errors) = body.Value.ToCommand(id, version.Value, time.GetUtcNow());
        if (command is null)
        {
            return errors.ToProblem();
        }

        return ApiResults.From(await commands.IssueAsync(command, ActorOf(http), ct), _ => Done(id));
    }

    private static async Task<IResult> ApproveAsync(Guid id, HttpContext http, [FromServices] IConsoleCommandBus commands, CancellationToken ct)
    {
        var body = await ApiJson.ReadAsync<ApproveBody>(http.Request, ct: ct);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        if (string.IsNullOrWhiteSpace(body.Value!.ContentDigest))
        {
            return ApiResults.InvalidField("contentDigest",
                $"Send the contentDigest that GET {LocationOf(id)} shows (request.contentDigest): you approve exactly that content.");
        }

        var version = ExpectedVersionOf(http, id, body.Value.ExpectedVersion);
        if (version.Problem is { } stale)
        {
            return stale;
        }

        var command = new ApproveRequest(id, version.Value, body.Value.ContentDigest.Trim(), Trimmed(body.Value.Comment))
        {
            StepUpCode = Trimmed(body.Value.StepUpCode),
        };
        return ApiResults.From(await commands.IssueAsync(command, ActorOf(http), ct), _ => Accepted(id));
    }

    private static async Task<IResult> RejectAsync(Guid id, HttpContext http, [FromServices] IConsoleCommandBus commands, CancellationToken ct)
    {
        var body = await ApiJson.ReadAsync<RejectBody>(http.Request, ct: ct);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        if (string.IsNullOrWhiteSpace(body.Value!.Reason))
        {
            return ApiResults.InvalidField("reason", "Say why you reject the request; the requester reads it.");
        }

        var version = ExpectedVersionOf(http, id, body.Value.ExpectedVersion);
        if (version.Problem is { } stale)
        {
            return stale;
        }

        var command = new RejectRequest(id, version.Value, body.Value.Reason.Trim()) { StepUpCode = Trimmed(body.Value.StepUpCode) };
        return ApiResults.From(await commands.IssueAsync(command, ActorOf(http), ct), _ => Done(id));
    }

    private static async Task<IResult> CancelAsync(Guid id, HttpContext http, [FromServices] IConsoleCommandBus commands, CancellationToken ct)
    {
        var body = await ApiJson.ReadAsync<ReasonBody>(http.Request, ct: ct);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        var version = ExpectedVersionOf(http, id, body.Value!.ExpectedVersion);
        if (version.Problem is { } stale)
        {
            return stale;
        }

        var command = new CancelRequest(id, version.Value, body.Value.Reason?.Trim() ?? "");
        return ApiResults.From(await commands.IssueAsync(command, ActorOf(http), ct), _ => Done(id));
    }

    private static async Task<IResult> RetryAsync(Guid id, HttpContext http, [FromServices] IConsoleCommandBus commands, CancellationToken ct)
    {
        var body = await ApiJson.ReadAsync<RetryBody>(http.Request, optional: true, ct);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        var version = ExpectedVersionOf(http, id, body.Value?.ExpectedVersion);
        if (version.Problem is { } stale)
        {
            return stale;
        }

        var retry = new RetryExecution(id, version.Value, body.Value?.Reason?.Trim() ?? string.Empty);
        return ApiResults.From(await commands.IssueAsync(retry, ActorOf(http), ct), _ => Accepted(id));
    }

    private static async Task<IResult> InboxAsync(HttpContext http, [FromServices] IRequestReader reader, CancellationToken ct) =>
        TypedResults.Ok(await reader.InboxAsync(ActorOf(http), ct));

    private static ExpectedVersion ExpectedVersionOf(HttpContext http, Guid id, int? fromBody) =>
        Preconditions.Resolve(http.Request.Headers.IfMatch.ToString(), fromBody, "expectedVersion", LocationOf(id));

    private static Actor ActorOf(HttpContext http) => CurrentActor.FromPrincipal(http.User);

    private static Ok<ResourceRef> Done(Guid id) => TypedResults.Ok(new ResourceRef(id, LocationOf(id)));

    /// <summary>Accepted: the workflow carries on by itself (execution after the last approval or a retry).</summary>
    private static Accepted<ResourceRef> Accepted(Guid id) => TypedResults.Accepted(LocationOf(id), new ResourceRef(id, LocationOf(id)));

    private static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

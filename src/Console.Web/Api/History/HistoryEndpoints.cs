using Console.Web.Components.Pages.History;
using Console.Web.Security;
using Console.Workflows.Audit.History;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc;

namespace Console.Web.Api.History;

/// <summary>
/// The security history over HTTP: the page's download (<c>/history/export</c>, session cookie, the page's own
/// address parameters) and the REST API under <c>/api/history</c> (bearer token, strict parameters, problem details).
/// Both need <see cref="Policies.ViewHistory"/>.
/// </summary>
public static class HistoryEndpoints
{
    public static void MapSecurityHistory(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet(HistoryListQuery.ExportPath, ExportForPageAsync)
            .RequireAuthorization(Policies.ViewHistory)
            .ExcludeFromDescription();

        var api = app.MapGroup("/api/history")
            .WithTags("History")
            .WithMetadata(new SkipStatusCodePages())
            .DisableAntiforgery()
            .RequireApiPolicy(Policies.ViewHistory)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        api.MapGet("/", SearchAsync)
            .WithName("SearchHistory")
            .WithSummary("Search the security history: every event, filtered, sorted and paged (newest first)")
            .WithDescription($"totalCount stops at {HistoryLimits.CountCap}; totalIsLowerBound then says there are more.")
            .Produces<HistoryPage>()
            .ProducesValidationProblem();

        api.MapGet("/export", ExportForApiAsync)
            .WithName("ExportHistory")
            .WithSummary($"The filtered history as CSV or JSON (format=csv|json), at most {HistoryLimits.ExportMaxRows} rows, streamed")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesValidationProblem();

        api.MapGet("/events/{seq:long}", GetEventAsync)
            .WithName("GetHistoryEvent")
            .WithSummary("One stored event in full: payload and metadata as the event store holds them")
            .Produces<HistoryEventDetail>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/requests/{id:guid}", async (Guid id, [FromServices] IHistoryReader reader, CancellationToken ct) =>
                TypedResults.Ok(await reader.RequestTimelineAsync(id, ct)))
            .WithName("RequestTimeline")
            .WithSummary("Every event of one request, oldest first (access refusals about it included)")
            .Produces<HistoryTimeline>();

        api.MapGet("/vnfs/{id:guid}", async (Guid id, [FromServices] IHistoryReader reader, CancellationToken ct) =>
                TypedResults.Ok(await reader.VnfTimelineAsync(id, ct)))
            .WithName("VnfTimeline")
            .WithSummary($"The newest {HistoryLimits.TimelineMaxEntries} events concerning one VNF, oldest first")
            .Produces<HistoryTimeline>();
    }

    private static async Task<IResult> SearchAsync([AsParameters] HistoryApiQuery query, [FromServices] IHistoryReader reader, CancellationToken ct)
    {
        var (search, errors) = query.ToQuery();
        return search is null ? errors.ToProblem() : TypedResults.Ok(await reader.SearchAsync(search, ct));
    }

    private static async Task<IResult> GetEventAsync(long seq, [FromServices] IHistoryReader reader, CancellationToken ct) =>
        await reader.GetEventAsync(seq, ct) is { } detail ? TypedResults.Ok(detail) : ApiResults.NotFound("event");

    private static async Task<IResult> ExportForApiAsync(
        HttpContext http, [AsParameters] HistoryApiQuery query, [FromServices] IHistoryReader reader, [FromServices] TimeProvider clock)
    {
        var format = http.Request.Query["format"].ToString() is { Length: > 0 } f ? f.Trim().ToLowerInvariant() : HistoryExport.Csv;
        var (search, errors) = query.ToQuery();
        if (!HistoryExport.IsKnown(format))
            errors.Add("format", "Use csv or json.");
        if (search is null || errors.Any)
            return errors.ToProblem();
        await HistoryExport.WriteAsync(http, reader, search.Filter, search.SortBy, search.Descending, format, clock.GetUtcNow());
        return Results.Empty;
    }

    private static async Task<IResult> ExportForPageAsync(HttpContext http, [FromServices] IHistoryReader reader, [FromServices] TimeProvider clock)
    {
        var format = http.Request.Query["format"].ToString() is { Length: > 0 } f ? f.Trim().ToLowerInvariant() : HistoryExport.Csv;
        if (!HistoryExport.IsKnown(format))
            return Results.Text("Unknown export format: use format=csv or format=json.", statusCode: StatusCodes.Status400BadRequest);
        // The page's own address parameters, read as leniently as the page reads them, so the file holds what the grid shows.
        var query = HistoryListQuery.Parse(http.Request.GetEncodedUrl());
        await HistoryExport.WriteAsync(http, reader, query.ToFilter(), query.SortBy, query.Descending, format, clock.GetUtcNow());
        return Results.Empty;
    }
}

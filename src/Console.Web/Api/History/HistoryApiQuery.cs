using System.ComponentModel;
using Console.Workflows.Audit.History;
using Microsoft.AspNetCore.Mvc;

namespace Console.Web.Api.History;

/// <summary>The history search (<see cref="HistoryQuery"/>) as query parameters, read strictly: a value that cannot be read is a 400.</summary>
public sealed record HistoryApiQuery
{
    [FromQuery(Name = "q"), Description("Words in summaries, justifications and reasons (web search syntax: \"exact phrase\", -excluded, or); an id finds its request or VNF.")]
    public string? Q { get; init; }

    [FromQuery(Name = "from"), Description("At or after (ISO 8601).")]
    public string? From { get; init; }

    [FromQuery(Name = "to"), Description("Before (ISO 8601).")]
    public string? To { get; init; }

    [FromQuery(Name = "vnf"), Description("Id of the VNF the events concern.")]
    public string? Vnf { get; init; }

    [FromQuery(Name = "domain"), Description("Id of a trust domain the events involve.")]
    public string? Domain { get; init; }

    [FromQuery(Name = "env"), Description("Id of an execution environment the events involve.")]
    public string? Env { get; init; }

    [FromQuery(Name = "actor"), Description("User id of who acted (system:... for the workflow itself).")]
    public string? Actor { get; init; }

    [FromQuery(Name = "type"), Description("Event type, e.g. ApprovalGranted, AccessRefused.")]
    public string? Type { get; init; }

    [FromQuery(Name = "category"), Description("Request, Approval, Execution, Snapshot, Inventory, Policy, Access, Integrity or Other.")]
    public string? Category { get; init; }

    [FromQuery(Name = "request"), Description("Id of the request the events belong to.")]
    public string? Request { get; init; }

    [FromQuery(Name = "sort"), Description("Time (default), EventType, Category or Actor.")]
    public string? Sort { get; init; }

    [FromQuery(Name = "desc"), Description("false for oldest first (default: newest first).")]
    public string? Desc { get; init; }

    [FromQuery(Name = "page"), Description("Page number, from 0; pages reach the first 10,000 events of the order.")]
    public string? Page { get; init; }

    [FromQuery(Name = "size"), Description("Page size, 1 to 200 (default 50).")]
    public string? Size { get; init; }

    public (HistoryQuery? Query, ApiFieldErrors Errors) ToQuery()
    {
        var errors = new ApiFieldErrors();
        var from = QueryValues.Instant(From, "from", errors);
        var to = QueryValues.Instant(To, "to", errors);
        if (from is { } f && to is { } t && t <= f)
            errors.Add("to", "Use a time after from.");

        var filter = new HistoryFilter(
            from, to,
            QueryValues.Id(Vnf, "vnf", errors),
            QueryValues.Id(Domain, "domain", errors),
            QueryValues.Id(Env, "env", errors),
            QueryValues.Text(Actor),
            QueryValues.Text(Type),
            QueryValues.Enum<HistoryCategory>(Category, "category", errors),
            QueryValues.Id(Request, "request", errors),
            QueryValues.Text(Q));
        var pageErrors = new ApiFieldErrors();
        var (page, size) = QueryValues.Paging(
            Page, Size, pageErrors, HistoryQuery.DefaultPageSize, HistoryQuery.MaxPageSize, maxRows: HistoryLimits.MaxReachableRows);
        foreach (var (field, messages) in pageErrors.ToDictionary())
            errors.Add(field, field == "page"
                ? messages[0] + $" Pages reach the first {HistoryLimits.MaxReachableRows} events of the order; narrow the filters, "
                    + "reverse the order (desc=false) or use /api/history/export."
                : messages[0]);
        var query = new HistoryQuery(
            filter,
            QueryValues.Enum<HistorySortField>(Sort, "sort", errors) ?? HistorySortField.Time,
            QueryValues.Flag(Desc, "desc", errors) ?? true,
            page,
            size);
        return errors.Any ? (null, errors) : (query, errors);
    }
}

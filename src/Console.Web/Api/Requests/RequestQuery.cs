using System.ComponentModel;
using Console.Workflows.Requests;
using Microsoft.AspNetCore.Mvc;

namespace Console.Web.Api.Requests;

/// <summary>The request search (<see cref="RequestSearch"/>) as query parameters.</summary>
public sealed record RequestQuery
{
    public const int MaxPageSize = 100;

    [FromQuery(Name = "q"), Description("Text in the VNF name, requester or justification.")]
    public string? Q { get; init; }

    [FromQuery(Name = "kind"), Description("Snapshot, Migration or SnapshotDeletion.")]
    public string? Kind { get; init; }

    [FromQuery(Name = "status"), Description("PendingApproval, Approved, Executing, Completed, Failed, Rejected, Expired, Cancelled or WindowMissed.")]
    public string? Status { get; init; }

    [FromQuery(Name = "vnf"), Description("Id of the VNF the requests are about.")]
    public string? Vnf { get; init; }

    [FromQuery(Name = "requester"), Description("User id of the requester.")]
    public string? Requester { get; init; }

    [FromQuery(Name = "from"), Description("Submitted at or after (ISO 8601).")]
    public string? From { get; init; }

    [FromQuery(Name = "to"), Description("Submitted before (ISO 8601).")]
    public string? To { get; init; }

    [FromQuery(Name = "sort"), Description("SubmittedAt (default), LastChangedAt, Status, Kind, Vnf or Requester.")]
    public string? Sort { get; init; }

    [FromQuery(Name = "desc"), Description("false to sort ascending (default: newest first).")]
    public string? Desc { get; init; }

    [FromQuery(Name = "page"), Description("Page number, from 0.")]
    public string? Page { get; init; }

    [FromQuery(Name = "size"), Description("Page size, 1 to 100 (default 25).")]
    public string? Size { get; init; }

    public (RequestSearch? Search, ApiFieldErrors Errors) ToSearch()
    {
        var errors = new ApiFieldErrors();
        var from = QueryValues.Instant(From, "from", errors);
        var to = QueryValues.Instant(To, "to", errors);
        if (from is { } f && to is { } t && t < f)
        {
            errors.Add("to", "Use a time after from.");
        }

        var (page, size) = QueryValues.Paging(Page, Size, errors, defaultSize: 25, MaxPageSize);
        var search = new RequestSearch(
            QueryValues.Text(Q),
            QueryValues.Enum<RequestKind>(Kind, "kind", errors),
            QueryValues.Enum<RequestStatus>(Status, "status", errors),
            QueryValues.Id(Vnf, "vnf", errors),
            QueryValues.Text(Requester),
            from,
            to,
            QueryValues.Enum<RequestSortField>(Sort, "sort", errors) ?? RequestSortField.SubmittedAt,
            QueryValues.Flag(Desc, "desc", errors) ?? true,
            page,
            size);
        return errors.Any ? (null, errors) : (search, errors);
    }
}

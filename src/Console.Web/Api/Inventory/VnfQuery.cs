using System.ComponentModel;
using Console.Workflows.Inventory;
using Microsoft.AspNetCore.Mvc;

namespace Console.Web.Api.Inventory;

/// <summary>The VNF search as query parameters, with the same names as the inventory page's address.</summary>
public sealed record VnfQuery
{
    public const int MaxPageSize = 100;

    [FromQuery(Name = "q"), Description("Text in the name, vendor or software version.")]
    public string? Q { get; init; }

    [FromQuery(Name = "type"), Description("VNF type: AMF, SMF, UPF, UDM, UDR, AUSF, NRF, PCF, NSSF, NEF, SEPP.")]
    public string? Type { get; init; }

    [FromQuery(Name = "env"), Description("Id of the execution environment the VNF runs in.")]
    public string? Env { get; init; }

    [FromQuery(Name = "domain"), Description("Id of a trust domain one of the VNF's components belongs to.")]
    public string? Domain { get; init; }

    [FromQuery(Name = "sensitivity"), Description("Public, Internal, Sensitive or Critical: VNFs with a component of this sensitivity.")]
    public string? Sensitivity { get; init; }

    [FromQuery(Name = "sort"), Description("Name (default), Type, Vendor, Environment or HighestSensitivity.")]
    public string? Sort { get; init; }

    [FromQuery(Name = "desc"), Description("true to sort descending.")]
    public string? Desc { get; init; }

    [FromQuery(Name = "page"), Description("Page number, from 0.")]
    public string? Page { get; init; }

    [FromQuery(Name = "size"), Description("Page size, 1 to 100 (default 25).")]
    public string? Size { get; init; }

    public (VnfSearch? Search, ApiFieldErrors Errors) ToSearch()
    {
        var errors = new ApiFieldErrors();
        var (page, size) = QueryValues.Paging(Page, Size, errors, defaultSize: 25, MaxPageSize);
        var search = new VnfSearch(
            QueryValues.Text(Q),
            QueryValues.Enum<VnfType>(Type, "type", errors),
            QueryValues.Id(Env, "env", errors),
            QueryValues.Id(Domain, "domain", errors),
            QueryValues.Enum<Workflows.Inventory.Sensitivity>(Sensitivity, "sensitivity", errors),
            QueryValues.Enum<VnfSortField>(Sort, "sort", errors) ?? VnfSortField.Name,
            QueryValues.Flag(Desc, "desc", errors) ?? false,
            page,
            size);
        return errors.Any ? (null, errors) : (search, errors);
    }
}

using Console.Web.Security;
using Console.Workflows.Inventory;
using Microsoft.AspNetCore.Mvc;

namespace Console.Web.Api.Inventory;

/// <summary>Read-only inventory: the same search, detail and lists the inventory pages show.</summary>
public static class InventoryEndpoints
{
    public static void MapInventoryApi(this RouteGroupBuilder api)
    {
        var inventory = api.MapGroup("/inventory").WithTags("Inventory").RequireApiPolicy(Policies.ViewInventory);

        inventory.MapGet("/vnfs", SearchVnfsAsync)
            .WithName("SearchVnfs")
            .WithSummary("Search, filter, sort and page the VNFs")
            .Produces<PagedResult<VnfListItem>>()
            .ProducesValidationProblem();

        inventory.MapGet("/vnfs/{id:guid}", GetVnfAsync)
            .WithName("GetVnf")
            .WithSummary("One VNF with its environment and components (ETag: its version)")
            .Produces<VnfDetails>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        inventory.MapGet("/environments", async ([FromServices] IInventoryReader reader, CancellationToken ct) =>
                TypedResults.Ok(await reader.ListEnvironmentsAsync(ct)))
            .WithName("ListEnvironments")
            .WithSummary("Execution environments with trust level and attestation status");

        inventory.MapGet("/trust-domains", async ([FromServices] IInventoryReader reader, CancellationToken ct) =>
                TypedResults.Ok(await reader.ListTrustDomainsAsync(ct)))
            .WithName("ListTrustDomains")
            .WithSummary("Trust domains with their owner groups");
    }

    private static async Task<IResult> SearchVnfsAsync([AsParameters] VnfQuery query, [FromServices] IInventoryReader reader, CancellationToken ct)
    {
        var (search, errors) = query.ToSearch();
        return search is null ? errors.ToProblem() : TypedResults.Ok(await reader.SearchVnfsAsync(search, ct));
    }

    private static async Task<IResult> GetVnfAsync(Guid id, [FromServices] IInventoryReader reader, CancellationToken ct) =>
        await reader.GetVnfAsync(id, ct) is { } vnf ? ApiResults.WithETag(vnf, vnf.Vnf.Version) : ApiResults.NotFound("VNF");
}

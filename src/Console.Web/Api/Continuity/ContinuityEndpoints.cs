using Console.Workflows.Alerts;
using Console.Web.Security;
using Console.Workflows.Continuity;
using Microsoft.AspNetCore.Mvc;

namespace Console.Web.Api.Continuity;

/// <summary>Read-only state continuity: what the VNF page and the security officers' alert list show.</summary>
public static class ContinuityEndpoints
{
    public static void MapContinuityApi(this RouteGroupBuilder api)
    {
        api.MapGet("/inventory/vnfs/{id:guid}/continuity", GetContinuityAsync)
            .WithTags("Inventory")
            .RequireApiPolicy(Policies.ViewInventory)
            .WithName("GetVnfContinuity")
            .WithSummary("A VNF's epoch, live instance and lease, attestation, trust relationships and epoch history")
            .Produces<VnfContinuityView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/security/alerts", ListAlertsAsync)
            .WithTags("Security")
            .RequireApiPolicy(Policies.ViewSecurityAlerts)
            .WithName("ListSecurityAlerts")
            .WithSummary("Fork alerts, refused attestation evidence, hosts differing from the inventory and crashed instances, newest first (kind: ForkDetected, EvidenceRefused, HostDrift or InstanceCrashed; vnfId; page; pageSize)")
            .Produces<SecurityAlertPage>()
            .ProducesValidationProblem();
    }

    private static async Task<IResult> GetContinuityAsync(Guid id, [FromServices] IContinuityReader reader, CancellationToken ct) =>
        await reader.GetAsync(id, ct) is { } view
            ? TypedResults.Ok(view)
            : ApiResults.Problem(StatusCodes.Status404NotFound, "Not found",
                "The console tracks no state continuity for this VNF: it does not exist, or no instance of it was reported yet.");

    private static async Task<IResult> ListAlertsAsync(
        [FromQuery] string? kind, [FromQuery] string? vnfId, [FromQuery] string? page, [FromQuery] string? pageSize,
        [FromQuery] string? state, [FromServices] IContinuityReader reader, CancellationToken ct)
    {
        var errors = new ApiFieldErrors();
        var (number, size) = QueryValues.Paging(page, pageSize, errors, defaultSize: 50, maxSize: 200, firstPage: 1, sizeField: "pageSize");
        var query = new SecurityAlertQuery(
            QueryValues.Enum<SecurityAlertKind>(kind, "kind", errors),
            QueryValues.Id(vnfId, "vnfId", errors),
            number,
            size,
            QueryValues.Enum<AlertState>(state, "state", errors));
        return errors.Any ? errors.ToProblem() : TypedResults.Ok(await reader.AlertsAsync(query, ct));
    }
}

using Console.Web.Security;
using Console.Workflows.Common;
using Console.Workflows.Snapshots;
using Console.Workflows.Snapshots.Holding;
using Console.Workflows.Snapshots.MarkingNotNeeded;
using Console.Workflows.Snapshots.Pinning;
using Console.Workflows.Snapshots.Viewing;
using Microsoft.AspNetCore.Mvc;

namespace Console.Web.Api.Snapshots;

/// <summary>A pin, a legal hold or "no longer needed" with its reason; pins and holds may end at a time (UTC).</summary>
public sealed record RetentionBody(string? Reason = null, DateTimeOffset? Until = null, int? ExpectedVersion = null);

/// <summary>
/// A snapshot as its page shows it (retention and why it is kept, the manifest check, keys per trust domain, history),
/// and the retention commands the page offers. Every command carries the version (If-Match or expectedVersion) and is
/// judged by the workflow exactly as from the page.
/// </summary>
public static class SnapshotEndpoints
{
    public static void MapSnapshotsApi(this RouteGroupBuilder api)
    {
        var snapshots = api.MapGroup("/snapshots").WithTags("Snapshots");

        snapshots.MapGet("/{id:guid}", GetAsync)
            .RequireApiPolicy(Policies.ViewInventory)
            .WithName("GetSnapshot")
            .WithSummary("One snapshot with its retention, manifest check, data keys and history (ETag: its version)")
            .Produces<SnapshotView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        Command(snapshots, "/{id:guid}/pin", "PinSnapshot", "Pin: keep it past its expiry (reason; until optional)",
            Policies.For(ConsoleCommand.PinSnapshot),
            (id, version, body) => new PinSnapshot(id, version, body.Reason!.Trim(), body.Until));
        Command(snapshots, "/{id:guid}/unpin", "UnpinSnapshot", "Remove the pin (reason)",
            Policies.For(ConsoleCommand.UnpinSnapshot),
            (id, version, body) => new UnpinSnapshot(id, version, body.Reason!.Trim()));
        Command(snapshots, "/{id:guid}/legal-hold", "PlaceLegalHold", "Place a legal hold: nothing deletes it while held (reason; until optional)",
            Policies.For(ConsoleCommand.PlaceLegalHold),
            (id, version, body) => new PlaceLegalHold(id, version, body.Reason!.Trim(), body.Until));
        Command(snapshots, "/{id:guid}/release-hold", "ReleaseLegalHold", "Release the legal hold (reason)",
            Policies.For(ConsoleCommand.ReleaseLegalHold),
            (id, version, body) => new ReleaseLegalHold(id, version, body.Reason!.Trim()));
        Command(snapshots, "/{id:guid}/not-needed", "MarkSnapshotNotNeeded",
            "Mark it no longer needed: deleted at the next sweep (Sensitive and Critical ones through an approved deletion request instead)",
            Policies.For(ConsoleCommand.MarkSnapshotNotNeeded),
            (id, version, body) => new MarkSnapshotNotNeeded(id, version, body.Reason!.Trim()));
    }

    private delegate IConsoleCommand RetentionCommand(Guid id, int version, RetentionBody body);

    private static void Command(
        RouteGroupBuilder group, string pattern, string name, string summary, string policy, RetentionCommand command) =>
        group.MapPost(pattern, async (Guid id, HttpContext http, [FromServices] IConsoleCommandBus commands, CancellationToken ct) =>
            {
                var body = await ApiJson.ReadAsync<RetentionBody>(http.Request, ct: ct);
                if (body.Problem is { } problem)
                    return problem;
                if (string.IsNullOrWhiteSpace(body.Value!.Reason))
                    return ApiResults.InvalidField("reason", "Say why; the reason is kept with the snapshot and in the history.");
                var version = Preconditions.Resolve(http.Request.Headers.IfMatch.ToString(), body.Value!.ExpectedVersion, "expectedVersion", LocationOf(id));
                if (version.Problem is { } stale)
                    return stale;
                var outcome = await commands.IssueAsync(command(id, version.Value, body.Value), CurrentActor.FromPrincipal(http.User), ct);
                return ApiResults.From(outcome, _ => TypedResults.Ok(new ResourceRef(id, LocationOf(id))));
            })
            .RequireApiPolicy(policy)
            .WithName(name)
            .WithSummary(summary)
            .Accepts<RetentionBody>("application/json")
            .Produces<ResourceRef>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

    private static async Task<IResult> GetAsync(Guid id, [FromServices] ISnapshotLifecycleReader reader, CancellationToken ct) =>
        await reader.GetAsync(id, ct) is { } view
            ? ApiResults.WithETag(view, view.Snapshot.Version)
            : ApiResults.NotFound("snapshot");

    private static string LocationOf(Guid id) => $"/api/snapshots/{id}";
}

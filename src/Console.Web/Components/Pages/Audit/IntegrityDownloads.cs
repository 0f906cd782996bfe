using System.IO.Compression;
using Console.Web.Security;
using Console.Workflows.Audit.Integrity;
using Console.Workflows.Audit.Integrity.Checkpoints;
using Console.Workflows.Common;

namespace Console.Web.Components.Pages.Audit;

/// <summary>
/// The integrity page's downloads: the checkpoint public key as PEM and an offline proof as a zip of the documented
/// proof folder. Same policy as the page; the session cookie authenticates them like the page itself.
/// </summary>
public static class IntegrityDownloads
{
    public const string PublicKeyPath = "/audit/integrity/public-key.pem";
    public const string ProofPath = "/audit/integrity/proof";

    public static string EvidencePath(Guid requestId) => $"/audit/integrity/evidence/{requestId:D}";

    public static IEndpointRouteBuilder MapIntegrityDownloads(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/audit/integrity").RequireAuthorization(Policies.VerifyIntegrity);
        group.MapGet("/public-key.pem", IResult (CheckpointKeyring keyring) =>
        {
            try
            {
                var keys = keyring.Get();
                return Results.File(System.Text.Encoding.ASCII.GetBytes(keys.PublicKeyPem + "\n"), "application/x-pem-file",
                    $"vnf-console-audit-key-{keys.KeyId[..16]}.pem");
            }
            catch (InvalidOperationException ex)
            {
                return Results.Problem(ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
        group.MapGet("/proof", ProofAsync);
        // The request page's download: the same bundle the API gives, on the session cookie.
        group.MapGet("/evidence/{requestId}", Console.Web.Api.Audit.AuditProofEndpoints.EvidenceAsync);
        return app;
    }

    private static async Task<IResult> ProofAsync(long? checkpoint, IIntegrityService integrity, HttpContext http, CancellationToken ct)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"vnf-console-proof-{Guid.NewGuid():N}");
        try
        {
            var outcome = await integrity.ExportProofAsync(checkpoint, folder, CurrentActor.FromPrincipal(http.User), ct);
            if (outcome.Refusal is { } refusal)
            {
                return Results.Problem(refusal.Message, statusCode: refusal.Kind switch
                {
                    RefusalKind.Forbidden => StatusCodes.Status403Forbidden,
                    RefusalKind.NotFound => StatusCodes.Status404NotFound,
                    _ => StatusCodes.Status400BadRequest,
                });
            }

            var zip = folder + ".zip";
            await ZipFile.CreateFromDirectoryAsync(folder, zip, CompressionLevel.Fastest, includeBaseDirectory: false, ct);
            // Removed when the response has been sent.
            var stream = new FileStream(zip, FileMode.Open, FileAccess.Read, FileShare.Delete, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            return Results.File(stream, "application/zip", $"vnf-console-audit-proof-checkpoint-{outcome.Proof!.Checkpoint.Number}.zip");
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }
}

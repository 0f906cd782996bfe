using System.Security.Cryptography;
using Console.Workflows.Common;
using Console.Workflows.Keys;
using Console.Workflows.Nfv;
using Marten;
using Microsoft.Extensions.Logging;

namespace Console.Workflows.Snapshots.Protecting;

/// <summary>
/// Whether a snapshot may be restored (or a migration may start from it), and if not, every reason why.
/// <see cref="SignatureProblem"/> is the signature alone (null: good), for showing the manifest's status.
/// </summary>
public sealed record RestoreCheck(Guid SnapshotId, IReadOnlyList<string> Problems, bool HasManifest, string? SignatureProblem)
{
    public bool Allowed => Problems.Count == 0;

    public Refusal? Refusal => Allowed
        ? null
        : Refusal.Because("This snapshot cannot be trusted for a restore: " + string.Join(" ", Problems), RefusalKind.Conflict);
}

/// <summary>
/// The check every restore (and every migration that starts from a snapshot) runs first: the signed manifest, the
/// artefact's digest as the infrastructure computes it now, and the data keys of every trust domain still unwrapping.
/// </summary>
public interface ISnapshotRestoreGuard
{
    Task<RestoreCheck> CheckAsync(Guid snapshotId, CancellationToken ct = default);
}

public sealed class SnapshotRestoreGuard(
    IDocumentStore store, INfvInfrastructure infrastructure, IKeyStore keys, IManifestSigner signer, ILogger<SnapshotRestoreGuard> logger)
    : ISnapshotRestoreGuard
{
    public async Task<RestoreCheck> CheckAsync(Guid snapshotId, CancellationToken ct = default)
    {
        Snapshot? snapshot;
        SnapshotProtected? protection;
        await using (var session = store.QuerySession())
        {
            snapshot = await session.LoadAsync<Snapshot>(snapshotId, ct);
            // The manifest as appended to the stream, not the document's copy: the event store is the record.
            protection = snapshot is null
                ? null
                : (await session.Events.FetchStreamAsync(snapshotId, token: ct)).Select(e => e.Data).OfType<SnapshotProtected>().LastOrDefault();
        }

        if (snapshot is null)
            return new RestoreCheck(snapshotId, ["There is no such snapshot."], false, null);

        var signatureProblem = protection is null ? null : signer.Problem(protection.Manifest, protection.Signature, protection.SigningKeyId);
        var problems = new List<string>();
        if (snapshot.Status == SnapshotStatus.Deleted)
            problems.Add($"The snapshot was deleted at {snapshot.DeletedAt:yyyy-MM-dd HH:mm} UTC.");
        else if (snapshot.Deletion is { } deletion)
            problems.Add($"Secure deletion of the snapshot began at {deletion.At:yyyy-MM-dd HH:mm} UTC.");

        SnapshotArtefactState? artefact = null;
        try
        {
            artefact = await infrastructure.InspectSnapshotAsync(snapshotId, ct);
        }
        catch (InfrastructureException ex)
        {
            problems.Add("The infrastructure could not be asked for the artefact: " + ex.Message);
        }

        if (artefact?.DeletedAt is { } artefactDeleted)
            problems.Add($"The infrastructure deleted the artefact at {artefactDeleted:yyyy-MM-dd HH:mm} UTC.");
        var verification = ManifestVerification.VerifyManifest(
            snapshot, protection, artefact is { DeletedAt: null } ? artefact.ContentDigest : null, signer);
        problems.AddRange(verification.Problems.Where(p => !problems.Contains(p)));

        if (protection is not null && snapshot.Status == SnapshotStatus.Available)
        {
            foreach (var key in protection.Manifest.Keys)
            {
                try
                {
                    var dataKey = await keys.UnwrapAsync(key.KeyId, key.TrustDomainId, ct);
                    CryptographicOperations.ZeroMemory(dataKey.Key);
                }
                catch (KeyUnavailableException ex)
                {
                    problems.Add(ex.Message);
                }
            }
        }

        if (problems.Count > 0)
            logger.LogInformation("Snapshot {SnapshotId} refused for restore: {Problems}", snapshotId, string.Join(" ", problems));
        return new RestoreCheck(snapshotId, problems, protection is not null, signatureProblem);
    }
}

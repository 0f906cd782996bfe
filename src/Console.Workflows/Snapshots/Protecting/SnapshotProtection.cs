using System.Security.Cryptography;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Keys;
using Console.Workflows.Nfv;
using Console.Workflows.Requests;
using Marten;

namespace Console.Workflows.Snapshots.Protecting;

/// <summary>
/// The data keys of one snapshot, one per trust domain among its components: the secret parts go to the infrastructure
/// with the snapshot order, the ids into the manifest. Disposing zeroes the secrets.
/// </summary>
public sealed class SnapshotKeys(IReadOnlyList<SnapshotPartKey> parts, IReadOnlyList<ManifestKey> keys) : IDisposable
{
    public IReadOnlyList<SnapshotPartKey> Parts { get; } = parts;

    public IReadOnlyList<ManifestKey> Keys { get; } = keys;

    public void Dispose()
    {
        foreach (var part in Parts)
            CryptographicOperations.ZeroMemory(part.DataKey);
    }
}

/// <summary>How a snapshot is protected when it is taken: data keys per trust domain, then the signed manifest.</summary>
public static class SnapshotProtection
{
    public const string By = "system:execution";

    /// <summary>The id of a snapshot's data key for one trust domain; the same on every retry of the execution.</summary>
    public static string DataKeyId(Guid snapshotId, Guid trustDomainId) =>
        "dk-" + NameBasedGuid.From($"vnf-console/data-key/{snapshotId:D}/{trustDomainId:D}").ToString("N");

    /// <summary>Creates (or, on a retry, finds again) one data key per trust domain among the components.</summary>
    public static async Task<SnapshotKeys> CreateDataKeysAsync(
        IKeyStore keyStore, Guid snapshotId, IEnumerable<VnfComponent> components, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keyStore);
        ArgumentNullException.ThrowIfNull(components);
        var parts = new List<SnapshotPartKey>();
        var keys = new List<ManifestKey>();
        try
        {
            foreach (var domain in components.GroupBy(c => c.TrustDomainId).OrderBy(g => g.Key))
            {
                var dataKey = await keyStore.CreateDataKeyAsync(DataKeyId(snapshotId, domain.Key), domain.Key, ct);
                parts.Add(new SnapshotPartKey(domain.Key, [.. domain.Select(c => c.Id).Order()], dataKey.KeyId, dataKey.Key));
                keys.Add(new ManifestKey(domain.Key, dataKey.KeyId, dataKey.KekId));
            }
        }
        catch
        {
            foreach (var part in parts)
                CryptographicOperations.ZeroMemory(part.DataKey);
            throw;
        }

        return new SnapshotKeys(parts, keys);
    }

    /// <summary>The manifest of the snapshot just taken, signed.</summary>
    public static SnapshotProtected Protect(
        SnapshotTaken taken, long stateEpoch, IReadOnlyList<ManifestKey> keys, IManifestSigner signer, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(signer);
        var manifest = SnapshotManifest.For(taken, stateEpoch, keys);
        return new SnapshotProtected(taken.SnapshotId, manifest, signer.Sign(manifest), signer.KeyId, By, now);
    }

    /// <summary>
    /// The epoch of the VNF's persistent state now: its continuity's current epoch (1 while the console has not
    /// established the VNF's continuity, i.e. the state it was deployed with).
    /// </summary>
    public static async Task<long> StateEpochAsync(IQuerySession session, Guid vnfId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        var continuity = await session.LoadAsync<Continuity.VnfContinuity>(Continuity.VnfContinuity.StreamIdFor(vnfId), ct);
        return continuity?.Epoch ?? 1;
    }
}

using System.Security.Cryptography;
using Console.Workflows.Keys;
using Microsoft.Extensions.Logging;

namespace Console.Workflows.Snapshots.Protecting;

/// <summary>Signs snapshot manifests with the console's manifest-signing key and checks signatures made with it.</summary>
public interface IManifestSigner
{
    /// <summary>Identifies the signing key: a fingerprint of its public key.</summary>
    string KeyId { get; }

    string Sign(SnapshotManifest manifest);

    /// <summary>Null when the signature is good; otherwise what is wrong with it.</summary>
    string? Problem(SnapshotManifest manifest, string signature, string keyId);
}

/// <summary>
/// ECDSA P-256 with SHA-256 over <see cref="SnapshotManifest.CanonicalBytes"/>, the signature in IEEE P1363 form (r‖s)
/// as base64. The key is a PEM file outside the database (<see cref="SnapshotLifecycleOptions.ManifestSigningKey"/>);
/// the console creates one on first use when none is configured.
/// </summary>
public sealed class EcdsaManifestSigner : IManifestSigner, IDisposable
{
    private readonly ECDsa _key;

    public EcdsaManifestSigner(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.KeySize != 256)
            throw new InvalidOperationException($"The manifest-signing key must be an ECDSA P-256 key; this one has {key.KeySize} bits.");
        _key = key;
        KeyId = "ecdsa-p256:" + Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..32];
    }

    public string KeyId { get; }

    /// <summary>Loads the PEM at <paramref name="path"/>, creating a new P-256 key there first if there is none.</summary>
    public static EcdsaManifestSigner FromFile(string path, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        var pem = LocalKeyFiles.ReadOrCreate(path, () =>
        {
            logger.LogWarning("No manifest-signing key at {Path}: created an ECDSA P-256 key. Back it up apart from the database", path);
            using var created = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return created.ExportPkcs8PrivateKeyPem() + "\n";
        });
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            return new EcdsaManifestSigner(key);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidOperationException($"The manifest-signing key {path} is not an ECDSA private key in PEM form.", ex);
        }
    }

    public string Sign(SnapshotManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return Convert.ToBase64String(
            _key.SignData(manifest.CanonicalBytes(), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    public string? Problem(SnapshotManifest manifest, string signature, string keyId)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (!string.Equals(keyId, KeyId, StringComparison.Ordinal))
            return $"The manifest was signed by key {keyId}, which is not this console's manifest-signing key ({KeyId}).";
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(signature ?? "");
        }
        catch (FormatException)
        {
            return "The manifest signature is not valid base64.";
        }

        return _key.VerifyData(manifest.CanonicalBytes(), bytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
            ? null
            : "The manifest signature does not match the manifest: the manifest or its signature was changed after signing.";
    }

    public void Dispose() => _key.Dispose();
}

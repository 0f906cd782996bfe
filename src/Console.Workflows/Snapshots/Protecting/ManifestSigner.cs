using System.Security.Cryptography;
using Console.Workflows.Keys;

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
/// as base64, made through the signing-key port (<see cref="ISigningKeys"/>, key <see cref="SigningKeyNames.SnapshotManifests"/>):
/// the file adapter keeps the key in a PEM file outside the database (<see cref="SnapshotLifecycleOptions.ManifestSigningKey"/>,
/// created on first use when none is configured); an HSM keeps it in the device.
/// </summary>
public sealed class EcdsaManifestSigner : IManifestSigner, IDisposable
{
    private readonly ISigningKeys _signing;
    private readonly ECDsa _public;
    private readonly IDisposable? _owned;

    /// <param name="signing">The port the host registered; this signer does not own it.</param>
    public EcdsaManifestSigner(ISigningKeys signing)
        : this(signing, ownsSigning: false)
    {
    }

    /// <summary>A signer holding <paramref name="key"/> in memory (tests, a forger's key), through the same port; it owns the key.</summary>
    public EcdsaManifestSigner(ECDsa key)
        : this(InMemory(key), ownsSigning: true)
    {
    }

    private EcdsaManifestSigner(ISigningKeys signing, bool ownsSigning)
    {
        ArgumentNullException.ThrowIfNull(signing);
        _signing = signing;
        _owned = ownsSigning ? signing as IDisposable : null;
        _public = ECDsa.Create();
        _public.ImportSubjectPublicKeyInfo(signing.PublicKey(SigningKeyNames.SnapshotManifests), out _);
        KeyId = "ecdsa-p256:" + Convert.ToHexStringLower(SHA256.HashData(_public.ExportSubjectPublicKeyInfo()))[..32];
    }

    public string KeyId { get; }

    /// <summary>Where the file adapter finds the manifest-signing key.</summary>
    public static SigningKeyFile KeyFile(string path, bool createIfMissing) =>
        new(SigningKeyNames.SnapshotManifests, path, null, createIfMissing, "Snapshots:ManifestSigningKey");

    public string Sign(SnapshotManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return Convert.ToBase64String(_signing.Sign(SigningKeyNames.SnapshotManifests, manifest.CanonicalBytes(), SignatureEncoding.P1363));
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

        return _public.VerifyData(manifest.CanonicalBytes(), bytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
            ? null
            : "The manifest signature does not match the manifest: the manifest or its signature was changed after signing.";
    }

    public void Dispose()
    {
        _public.Dispose();
        _owned?.Dispose();
    }

    private static LocalSigningKeys InMemory(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.KeySize != 256)
            throw new InvalidOperationException($"The manifest-signing key must be an ECDSA P-256 key; this one has {key.KeySize} bits.");
        return LocalSigningKeys.InMemory(SigningKeyNames.SnapshotManifests, key);
    }
}

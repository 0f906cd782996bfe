using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Console.Workflows.Keys;

/// <summary>
/// The embedded KEKs: one AES-256 key per trust domain, derived with HKDF-SHA-256 from a 32-byte master key kept in a
/// file outside the database (<see cref="KeyStoreOptions.MasterKeyFile"/>, created on first use, owner-only). Data keys
/// are wrapped with AES-GCM under the domain's KEK with the domain id and the key id as associated data, so a wrapped
/// key opens only with its own domain's KEK and only under its own id.
/// </summary>
public sealed class LocalKeyEncryptionKeys : IKeyEncryptionKeys
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] Salt = Encoding.UTF8.GetBytes("vnf-console/kek/v1");

    private readonly byte[] _master;
    private readonly string _masterId;

    public LocalKeyEncryptionKeys(KeyStoreOptions options, ILogger<LocalKeyEncryptionKeys> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = options.ResolvedMasterKeyFile;
        var text = LocalKeyFiles.ReadOrCreate(path, () =>
        {
            logger.LogWarning("No KEK master key at {Path}: created one. Back it up apart from the database; without it no snapshot key unwraps", path);
            return Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "\n";
        });
        try
        {
            _master = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"The KEK master key file {path} is not base64 text.", ex);
        }

        if (_master.Length != 32)
            throw new InvalidOperationException($"The KEK master key in {path} must be 32 bytes; it has {_master.Length}.");
        _masterId = Convert.ToHexStringLower(SHA256.HashData(_master))[..16];
    }

    /// <summary>The id of a domain's KEK: which master it comes from and which domain it serves.</summary>
    public string KekIdFor(Guid trustDomainId) => $"local-hkdf:{_masterId}:{trustDomainId:N}";

    public Task<WrappedKey> WrapAsync(Guid trustDomainId, string keyId, ReadOnlyMemory<byte> dataKey, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        var kek = DeriveKek(trustDomainId);
        try
        {
            var output = new byte[NonceSize + dataKey.Length + TagSize];
            var nonce = output.AsSpan(0, NonceSize);
            RandomNumberGenerator.Fill(nonce);
            using var aes = new AesGcm(kek, TagSize);
            aes.Encrypt(nonce, dataKey.Span, output.AsSpan(NonceSize, dataKey.Length),
                output.AsSpan(NonceSize + dataKey.Length, TagSize), AssociatedData(trustDomainId, keyId));
            return Task.FromResult(new WrappedKey(KekIdFor(trustDomainId), output));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    public Task<byte[]> UnwrapAsync(Guid trustDomainId, string keyId, WrappedKey wrapped, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        ArgumentNullException.ThrowIfNull(wrapped);
        if (!string.Equals(wrapped.KekId, KekIdFor(trustDomainId), StringComparison.Ordinal))
            throw new KeyUnavailableException(
                $"Data key {keyId} was wrapped by KEK {wrapped.KekId}, not by the KEK of trust domain {trustDomainId:D} ({KekIdFor(trustDomainId)}).");
        if (wrapped.Ciphertext.Length <= NonceSize + TagSize)
            throw new KeyUnavailableException($"The wrapped form of data key {keyId} is truncated.");

        var kek = DeriveKek(trustDomainId);
        try
        {
            var blob = wrapped.Ciphertext.AsSpan();
            var length = blob.Length - NonceSize - TagSize;
            var key = new byte[length];
            using var aes = new AesGcm(kek, TagSize);
            aes.Decrypt(blob[..NonceSize], blob.Slice(NonceSize, length), blob[(NonceSize + length)..], key,
                AssociatedData(trustDomainId, keyId));
            return Task.FromResult(key);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new KeyUnavailableException(
                $"Data key {keyId} does not unwrap with the KEK of trust domain {trustDomainId:D}: it belongs to another domain or id, or was altered.", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    /// <summary>
    /// Destroys nothing: the domain's KEK serves its other keys. Hence the file provider's limit: a database copy taken
    /// before the deletion plus the master key file still unwraps the key; only <c>Keys:Provider=Pkcs11</c> prevents that.
    /// </summary>
    public Task<KekDestruction> DestroyAsync(Guid trustDomainId, string keyId, CancellationToken ct = default) =>
        Task.FromResult(new KekDestruction(null));

    private byte[] DeriveKek(Guid trustDomainId) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _master, 32, Salt, Encoding.UTF8.GetBytes($"trust-domain:{trustDomainId:D}"));

    /// <summary>What a wrapping binds the data key to: its domain and its id (shared with the HSM provider).</summary>
    internal static byte[] AssociatedData(Guid trustDomainId, string keyId) =>
        Encoding.UTF8.GetBytes($"vnf-console/data-key/v1|{trustDomainId:D}|{keyId}");
}

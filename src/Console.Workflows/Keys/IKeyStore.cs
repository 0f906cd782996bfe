namespace Console.Workflows.Keys;

/// <summary>
/// The key-store port: data keys of snapshot artefacts, one per trust domain, each kept only in wrapped form (encrypted
/// by that domain's key-encryption key, KEK). The console asks for a new data key when a snapshot is taken, unwraps it
/// for a restore, and destroys it when the snapshot is deleted; a destroyed key can never be unwrapped again, so what
/// it encrypted is unreadable wherever copies of the artefact survive (crypto-shredding).
/// <para>
/// The embedded default (<see cref="MartenKeyStore"/>) keeps the wrapped keys in PostgreSQL and derives the KEKs from
/// a master key file outside the database (<see cref="LocalKeyEncryptionKeys"/>). A hardware-backed store (Azure Key
/// Vault, an HSM) implements <see cref="IKeyEncryptionKeys"/> with one key per trust domain, or this whole port.
/// </para>
/// </summary>
public interface IKeyStore
{
    /// <summary>
    /// Makes a fresh 256-bit data key for <paramref name="trustDomainId"/>, wraps it with the domain's KEK and keeps the
    /// wrapped form under <paramref name="keyId"/>. Idempotent on the id: asked again (a retried execution), it returns
    /// the key it made the first time. The caller zeroes <see cref="DataKey.Key"/> once it has used it.
    /// </summary>
    Task<DataKey> CreateDataKeyAsync(string keyId, Guid trustDomainId, CancellationToken ct = default);

    /// <summary>
    /// Unwraps the data key with the KEK of <paramref name="trustDomainId"/>. Throws <see cref="KeyUnavailableException"/>
    /// when the key is unknown, destroyed, belongs to another domain or does not unwrap (tampered, wrong KEK).
    /// </summary>
    Task<DataKey> UnwrapAsync(string keyId, Guid trustDomainId, CancellationToken ct = default);

    /// <summary>Erases the wrapped key. Idempotent: destroying a destroyed or unknown key reports what it found.</summary>
    Task<KeyDestruction> DestroyAsync(string keyId, CancellationToken ct = default);

    /// <summary>Whether the key exists and whether it was destroyed, without unwrapping it.</summary>
    Task<KeyState?> DescribeAsync(string keyId, CancellationToken ct = default);
}

/// <summary>
/// Key-encryption keys, one per trust domain: the part of the key store a hardware-backed service replaces. Wrapping
/// binds the wrapped key to its domain and id, so one domain's KEK never unwraps another domain's data key, and a
/// wrapped key moved to another id or domain no longer unwraps at all.
/// </summary>
public interface IKeyEncryptionKeys
{
    Task<WrappedKey> WrapAsync(Guid trustDomainId, string keyId, ReadOnlyMemory<byte> dataKey, CancellationToken ct = default);

    /// <summary>Throws <see cref="KeyUnavailableException"/> when the wrapped key does not open with this domain's KEK.</summary>
    Task<byte[]> UnwrapAsync(Guid trustDomainId, string keyId, WrappedKey wrapped, CancellationToken ct = default);

    /// <summary>
    /// Destroys whatever outside the database could still unwrap <paramref name="keyId"/> (an HSM's per-key KEK), so a
    /// copy of the wrapped key taken earlier stays useless. Idempotent. A provider whose KEK serves the whole domain
    /// destroys nothing and says so (<see cref="KekDestruction.KeyObject"/> is null).
    /// </summary>
    Task<KekDestruction> DestroyAsync(Guid trustDomainId, string keyId, CancellationToken ct = default);
}

/// <summary>What a KEK provider destroyed for one data key: the key object's name (token and object label), or null.</summary>
public sealed record KekDestruction(string? KeyObject);

/// <summary>A wrapped data key and the id of the KEK that wrapped it.</summary>
public sealed record WrappedKey(string KekId, byte[] Ciphertext);

/// <summary>An unwrapped data key. <see cref="Key"/> is secret: zero it once used, never log or store it.</summary>
public sealed record DataKey(string KeyId, Guid TrustDomainId, string KekId, byte[] Key);

/// <summary><see cref="DestroyedKeyObject"/>: the key object destroyed outside the database (e.g. in an HSM), if any.</summary>
public sealed record KeyDestruction(
    string KeyId, bool Existed, bool WasAlreadyDestroyed, DateTimeOffset DestroyedAt, string? DestroyedKeyObject = null);

public sealed record KeyState(string KeyId, Guid TrustDomainId, string KekId, DateTimeOffset CreatedAt, DateTimeOffset? DestroyedAt);

/// <summary>A data key cannot be had: unknown, destroyed, of another domain, or it does not unwrap.</summary>
public sealed class KeyUnavailableException : Exception
{
    public KeyUnavailableException(string message) : base(message)
    {
    }

    public KeyUnavailableException(string message, Exception inner) : base(message, inner)
    {
    }

    public KeyUnavailableException()
    {
    }

    /// <summary>
    /// A key that should be there was not found this time, and a later try may find it (SoftHSM2 before 2.7.0 now and
    /// then misses a key another process made; see docs/keys-and-hsm.md). An execution leaves such a failure to its
    /// retries instead of recording the request as failed at once.
    /// </summary>
    public bool MayPassOnRetry { get; private init; }

    public static KeyUnavailableException Transient(string message) => new(message) { MayPassOnRetry = true };
}

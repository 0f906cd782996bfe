using System.Security.Cryptography;
using JasperFx;
using Marten;
using Npgsql;

namespace Console.Workflows.Keys;

/// <summary>
/// A data key as the embedded key store keeps it: only the wrapped form, never the key itself. Destroying it erases
/// <see cref="Wrapped"/> and keeps the row as a tombstone that says when, so the answer to "where is this key" stays
/// truthful and destroying twice is harmless.
/// </summary>
public sealed record StoredDataKey(
    string Id, Guid TrustDomainId, string KekId, byte[]? Wrapped, DateTimeOffset CreatedAt, DateTimeOffset? DestroyedAt,
    string? DestroyedKeyObject = null);

/// <summary>
/// The embedded <see cref="IKeyStore"/>: wrapped data keys in PostgreSQL (table <c>mt_doc_key_store_data_key</c>),
/// wrapped and unwrapped by <see cref="IKeyEncryptionKeys"/> whose master key lives outside the database.
/// </summary>
public sealed class MartenKeyStore(IDocumentStore store, IKeyEncryptionKeys keks, TimeProvider time) : IKeyStore
{
    public async Task<DataKey> CreateDataKeyAsync(string keyId, Guid trustDomainId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        if (await LoadAsync(keyId, ct) is { } existing)
            return await UnwrapStoredAsync(existing, trustDomainId, ct);

        var key = RandomNumberGenerator.GetBytes(32);
        var wrapped = await keks.WrapAsync(trustDomainId, keyId, key, ct);
        try
        {
            await using var session = store.LightweightSession();
            session.Insert(new StoredDataKey(keyId, trustDomainId, wrapped.KekId, wrapped.Ciphertext, time.GetUtcNow(), null));
            await session.SaveChangesAsync(ct);
            return new DataKey(keyId, trustDomainId, wrapped.KekId, key);
        }
        catch (Exception ex) when (IsDuplicate(ex))
        {
            // A retry racing with the first attempt: the key that was stored is the key.
            CryptographicOperations.ZeroMemory(key);
            var stored = await LoadAsync(keyId, ct) ?? throw new KeyUnavailableException($"Data key {keyId} collided with itself but cannot be found.", ex);
            return await UnwrapStoredAsync(stored, trustDomainId, ct);
        }
    }

    public async Task<DataKey> UnwrapAsync(string keyId, Guid trustDomainId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        var stored = await LoadAsync(keyId, ct) ?? throw new KeyUnavailableException($"There is no data key {keyId}.");
        return await UnwrapStoredAsync(stored, trustDomainId, ct);
    }

    public async Task<KeyDestruction> DestroyAsync(string keyId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        await using var session = store.LightweightSession();
        var stored = await session.LoadAsync<StoredDataKey>(keyId, ct);
        if (stored is null)
            return new KeyDestruction(keyId, Existed: false, WasAlreadyDestroyed: false, time.GetUtcNow());
        if (stored.DestroyedAt is { } earlier)
            return new KeyDestruction(keyId, Existed: true, WasAlreadyDestroyed: true, earlier, stored.DestroyedKeyObject);

        // The KEK outside the database goes first: a deleter stopped between the two steps leaves a row that no longer
        // unwraps, and the next attempt (idempotent on both sides) writes the tombstone.
        var kek = await keks.DestroyAsync(stored.TrustDomainId, keyId, ct);
        var now = time.GetUtcNow();
        session.Store(stored with { Wrapped = null, DestroyedAt = now, DestroyedKeyObject = kek.KeyObject });
        await session.SaveChangesAsync(ct);
        return new KeyDestruction(keyId, Existed: true, WasAlreadyDestroyed: false, now, kek.KeyObject);
    }

    public async Task<KeyState?> DescribeAsync(string keyId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        return await LoadAsync(keyId, ct) is { } k ? new KeyState(k.Id, k.TrustDomainId, k.KekId, k.CreatedAt, k.DestroyedAt) : null;
    }

    private async Task<StoredDataKey?> LoadAsync(string keyId, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<StoredDataKey>(keyId, ct);
    }

    private async Task<DataKey> UnwrapStoredAsync(StoredDataKey stored, Guid trustDomainId, CancellationToken ct)
    {
        if (stored.DestroyedAt is not null || stored.Wrapped is null)
            throw new KeyUnavailableException(
                $"Data key {stored.Id} was destroyed{(stored.DestroyedAt is { } at ? $" at {at:u}" : "")}; what it encrypted cannot be read any more.");
        if (stored.TrustDomainId != trustDomainId)
            throw new KeyUnavailableException($"Data key {stored.Id} belongs to trust domain {stored.TrustDomainId:D}, not to {trustDomainId:D}.");

        // The domain recorded with the key decides the KEK; the wrapping binds both, so a record whose domain was
        // changed does not unwrap under either domain.
        var key = await keks.UnwrapAsync(stored.TrustDomainId, stored.Id, new WrappedKey(stored.KekId, stored.Wrapped), ct);
        return new DataKey(stored.Id, stored.TrustDomainId, stored.KekId, key);
    }

    private static bool IsDuplicate(Exception ex) =>
        ex is DocumentAlreadyExistsException or PostgresException { SqlState: PostgresErrorCodes.UniqueViolation }
        || (ex.InnerException is { } inner && IsDuplicate(inner));
}

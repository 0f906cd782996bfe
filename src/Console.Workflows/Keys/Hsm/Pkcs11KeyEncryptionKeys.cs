using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Console.Workflows.Keys.Hsm;

/// <summary>
/// KEKs in a PKCS#11 token, one token per trust domain, one KEK per data key: an AES-256 key generated inside the
/// domain's token (token object, sensitive, non-extractable, labelled with the data key's id) that encrypts that data
/// key with AES-GCM inside the token, with the domain id and key id as associated data. Destroying the data key destroys
/// its KEK object (C_DestroyObject), so the wrapped key in any earlier database copy can never be opened again: the
/// crypto-shredding survives backups, which a KEK shared by the whole domain cannot give.
/// </summary>
public sealed class Pkcs11KeyEncryptionKeys : IKeyEncryptionKeys, IDisposable
{
    private const int NonceSize = 12;
    private const int TagBits = 128;

    private readonly Pkcs11Options _options;
    private readonly ILogger<Pkcs11KeyEncryptionKeys> _logger;
    private readonly Pkcs11Module _module;
    private readonly Lazy<IKeyEncryptionKeys>? _earlier;
    private readonly Dictionary<Guid, Pkcs11Token> _tokens = [];
    private readonly Lock _tokensLock = new();

    /// <param name="earlier">
    /// The provider that wrapped the keys made before the switch to the HSM (the key file): their wrapped forms name
    /// its KEKs, and they keep opening with it until they are deleted.
    /// </param>
    public Pkcs11KeyEncryptionKeys(Pkcs11Options options, ILogger<Pkcs11KeyEncryptionKeys> logger, Func<IKeyEncryptionKeys>? earlier = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger;
        _module = Pkcs11Module.Open(options.ModulePath);
        _earlier = earlier is null ? null : new Lazy<IKeyEncryptionKeys>(earlier);
    }

    /// <summary>The id of a data key's KEK: its token and its object label.</summary>
    public string KekIdFor(Guid trustDomainId, string keyId) => $"pkcs11:{_options.TokenLabelFor(trustDomainId)}/{keyId}";

    public async Task<WrappedKey> WrapAsync(Guid trustDomainId, string keyId, ReadOnlyMemory<byte> dataKey, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        var token = TokenFor(trustDomainId);
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var plain = dataKey.ToArray();
        try
        {
            var sealedKey = await token.UseAsync(session =>
            {
                // No search first: the key store asks only for ids it does not hold. Two nodes racing on one id leave
                // twin KEKs under one label; unwrapping tries each, destroying destroys all.
                var kek = GenerateKek(session, keyId);
                token.Handles[keyId] = kek;
                return session.Encrypt(Gcm(session, nonce, trustDomainId, keyId), kek, plain);
            }, ct);
            return new WrappedKey(KekIdFor(trustDomainId, keyId), [.. nonce, .. sealedKey]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    public async Task<byte[]> UnwrapAsync(Guid trustDomainId, string keyId, WrappedKey wrapped, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        ArgumentNullException.ThrowIfNull(wrapped);
        if (_earlier is not null && !wrapped.KekId.StartsWith("pkcs11:", StringComparison.Ordinal))
            return await _earlier.Value.UnwrapAsync(trustDomainId, keyId, wrapped, ct);
        var expected = KekIdFor(trustDomainId, keyId);
        if (!string.Equals(wrapped.KekId, expected, StringComparison.Ordinal))
            throw new KeyUnavailableException(
                $"Data key {keyId} was wrapped by KEK {wrapped.KekId}, not by the KEK of trust domain {trustDomainId:D} ({expected}).");
        if (wrapped.Ciphertext.Length <= NonceSize + TagBits / 8)
            throw new KeyUnavailableException($"The wrapped form of data key {keyId} is truncated.");

        var token = TokenFor(trustDomainId);
        var nonce = wrapped.Ciphertext[..NonceSize];
        var sealedKey = wrapped.Ciphertext[NonceSize..];
        return await token.UseAsync(session =>
        {
            if (token.Handles.TryGetValue(keyId, out var known))
            {
                try
                {
                    return session.Decrypt(Gcm(session, nonce, trustDomainId, keyId), known, sealedKey);
                }
                catch (Pkcs11Exception ex) when (ex.RV is not (CKR.CKR_SESSION_HANDLE_INVALID or CKR.CKR_SESSION_CLOSED or CKR.CKR_USER_NOT_LOGGED_IN))
                {
                    // Gone (destroyed elsewhere) or a twin: search the token.
                    token.Handles.TryRemove(keyId, out _);
                }
            }

            var keks = FindKeks(session, keyId);
            if (keks.Count == 0)
                throw Pkcs11Token.Miss(
                    $"Token '{token.Label}' holds no KEK for data key {keyId}: it was destroyed by secure deletion, or the key belongs to another trust domain.");
            foreach (var kek in keks)
            {
                try
                {
                    var key = session.Decrypt(Gcm(session, nonce, trustDomainId, keyId), kek, sealedKey);
                    token.Handles[keyId] = kek;
                    return key;
                }
                catch (Pkcs11Exception ex) when (ex.RV is CKR.CKR_ENCRYPTED_DATA_INVALID or CKR.CKR_GENERAL_ERROR or CKR.CKR_ENCRYPTED_DATA_LEN_RANGE)
                {
                    // SoftHSM reports a GCM tag mismatch as a general error: try a twin KEK of a racing creation.
                    _logger.LogDebug(ex, "KEK {Handle} in token {Token} does not open data key {KeyId}", kek.ObjectId, token.Label, keyId);
                }
            }

            throw new KeyUnavailableException(
                $"Data key {keyId} does not unwrap in token '{token.Label}': it belongs to another domain or id, or was altered.");
        }, ct);
    }

    public async Task<KekDestruction> DestroyAsync(Guid trustDomainId, string keyId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        var token = TokenFor(trustDomainId);
        var handles = await token.UseAsync(session =>
        {
            token.Handles.TryRemove(keyId, out var cached);
            // (A search that missed a KEK just made, seen in CI, was SoftHSM2 2.6.1 reading a half-written object file
            // while another session wrote it: calls on a token take turns there, Pkcs11Module.TokensTakeTurns.)
            var keks = FindKeks(session, keyId);

            // The handle this process kept when it made or used the KEK counts too (destroying a handle already gone is
            // the invalid-handle case below).
            if (cached is not null && keks.All(k => k.ObjectId != cached.ObjectId))
                keks.Add(cached);
            var destroyed = new List<IObjectHandle>();
            foreach (var kek in keks)
            {
                try
                {
                    session.DestroyObject(kek);
                    destroyed.Add(kek);
                }
                catch (Pkcs11Exception ex) when (ex.RV == CKR.CKR_OBJECT_HANDLE_INVALID
                                                 || (ex.RV == CKR.CKR_FUNCTION_FAILED && !FindKeks(session, keyId).Any(k => k.ObjectId == kek.ObjectId)))
                {
                    // A concurrent sweep (another session of this process, or another node) destroyed it between our
                    // search and our call: it is gone, which is what was asked; that sweep's receipt names it. SoftHSM
                    // says so as an invalid handle, or as a failed function when another process removed the object's
                    // file first: then only a search that no longer finds it tells "gone" from a real failure.
                    _logger.LogDebug("KEK {Handle} in token {Token} was destroyed concurrently ({Return})", kek.ObjectId, token.Label, ex.RV);
                }
            }

            return destroyed.Select(k => k.ObjectId).ToList();
        }, ct);
        var name = $"pkcs11 token '{token.Label}' object '{keyId}'";
        return new KekDestruction(handles.Count > 0 ? $"{name} (handle {string.Join(", ", handles)})" : $"{name} (already absent)");
    }

    public void Dispose()
    {
        lock (_tokensLock)
        {
            foreach (var token in _tokens.Values)
                token.Dispose();
            _tokens.Clear();
        }
    }

    private Pkcs11Token TokenFor(Guid trustDomainId)
    {
        var label = _options.TokenLabelFor(trustDomainId);
        lock (_tokensLock)
        {
            if (_tokens.TryGetValue(trustDomainId, out var known))
                return known;
            var slot = _module.FindToken(label);
            if (slot is null)
            {
                if (!_options.ProvisionTokens)
                    throw new KeyUnavailableException(
                        $"The PKCS#11 module {_module.Path} has no token '{label}' for trust domain {trustDomainId:D}; its HSM administrators must create it (docs/keys-and-hsm.md).");
                slot = _module.ProvisionToken(label, _options.SoPin(trustDomainId), _options.UserPin(trustDomainId));
                _logger.LogInformation("Initialised PKCS#11 token {Token} for trust domain {TrustDomainId}", label, trustDomainId);
            }

            var token = _module.OpenToken(slot, label, () => _options.UserPin(trustDomainId), _options.SessionsPerToken);
            _tokens[trustDomainId] = token;
            return token;
        }
    }

    private static List<IObjectHandle> FindKeks(ISession session, string keyId)
    {
        var attributes = session.Factories.ObjectAttributeFactory;
        return session.FindAllObjects(
        [
            attributes.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
            attributes.Create(CKA.CKA_LABEL, keyId),
        ]);
    }

    private static IObjectHandle GenerateKek(ISession session, string keyId)
    {
        var attributes = session.Factories.ObjectAttributeFactory;
        return session.GenerateKey(session.Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_GEN),
        [
            attributes.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
            attributes.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
            attributes.Create(CKA.CKA_VALUE_LEN, 32UL),
            attributes.Create(CKA.CKA_LABEL, keyId),
            attributes.Create(CKA.CKA_TOKEN, true),
            attributes.Create(CKA.CKA_PRIVATE, true),
            attributes.Create(CKA.CKA_SENSITIVE, true),
            attributes.Create(CKA.CKA_EXTRACTABLE, false),
            attributes.Create(CKA.CKA_ENCRYPT, true),
            attributes.Create(CKA.CKA_DECRYPT, true),
            attributes.Create(CKA.CKA_WRAP, false),
            attributes.Create(CKA.CKA_UNWRAP, false),
            attributes.Create(CKA.CKA_SIGN, false),
            attributes.Create(CKA.CKA_DERIVE, false),
        ]);
    }

    private static IMechanism Gcm(ISession session, byte[] nonce, Guid trustDomainId, string keyId) =>
        session.Factories.MechanismFactory.Create(CKM.CKM_AES_GCM,
            session.Factories.MechanismParamsFactory.CreateCkGcmParams(
                nonce, NonceSize * 8, LocalKeyEncryptionKeys.AssociatedData(trustDomainId, keyId), TagBits));
}

using System.Collections.Concurrent;
using System.Formats.Asn1;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Net.Pkcs11Interop.HighLevelAPI.Factories;

namespace Console.Workflows.Keys.Hsm;

/// <summary>
/// The signing-key port in a PKCS#11 token (<see cref="Pkcs11Options.SigningTokenLabel"/>): each named key is an ECDSA
/// P-256 key pair whose private half is a token object, sensitive and non-extractable; signing happens in the token
/// (CKM_ECDSA over the SHA-256 digest). A key missing from the token is, in this order: imported from the signing-key
/// file configured for it (the one-time move of an existing install's key into the HSM, so signatures made before stay
/// verifiable and the witness keeps its key), generated in the token (when <see cref="Pkcs11Options.ProvisionTokens"/>,
/// the embedded default), or refused (a real HSM's administrators create it).
/// </summary>
public sealed class Pkcs11SigningKeys : ISigningKeys, IDisposable
{
    // DER of the named curve P-256 (OID 1.2.840.10045.3.1.7), as CKA_EC_PARAMS holds it.
    private static readonly byte[] P256Params = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];

    private readonly Pkcs11Options _options;
    private readonly ILogger<Pkcs11SigningKeys> _logger;
    private readonly Pkcs11Module _module;
    private readonly Dictionary<string, SigningKeyFile> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<SigningKey>> _keys = new(StringComparer.Ordinal);
    private readonly Lazy<Pkcs11Token> _token;

    public Pkcs11SigningKeys(Pkcs11Options options, IEnumerable<SigningKeyFile> importable, ILogger<Pkcs11SigningKeys> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(importable);
        _options = options;
        _logger = logger;
        _module = Pkcs11Module.Open(options.ModulePath);
        foreach (var file in importable)
            _files[file.KeyName] = file;
        _token = new Lazy<Pkcs11Token>(OpenToken, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string TokenLabel => _options.SigningTokenLabel;

    public byte[] PublicKey(string keyName) => (byte[])Key(keyName).PublicKey.Clone();

    public byte[] Sign(string keyName, ReadOnlySpan<byte> data, SignatureEncoding encoding)
    {
        var key = Key(keyName);
        var digest = SHA256.HashData(data);
        var raw = Use(session => session.Sign(session.Factories.MechanismFactory.Create(CKM.CKM_ECDSA), key.Private, digest));
        if (raw.Length != 64)
            throw new KeyUnavailableException($"Token '{TokenLabel}' returned a {raw.Length}-byte ECDSA signature for key '{keyName}'; P-256 gives 64.");
        return encoding == SignatureEncoding.P1363 ? raw : ToDer(raw);
    }

    public void Dispose()
    {
        if (_token.IsValueCreated)
            _token.Value.Dispose();
    }

    /// <summary>r‖s as the DER SEQUENCE of two INTEGERs that openssl writes and checks.</summary>
    internal static byte[] ToDer(ReadOnlySpan<byte> p1363)
    {
        var half = p1363.Length / 2;
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(TrimLeadingZeros(p1363[..half]));
            writer.WriteIntegerUnsigned(TrimLeadingZeros(p1363[half..]));
        }

        return writer.Encode();
    }

    private static ReadOnlySpan<byte> TrimLeadingZeros(ReadOnlySpan<byte> value)
    {
        var start = 0;
        while (start < value.Length - 1 && value[start] == 0)
            start++;
        return value[start..];
    }

    private SigningKey Key(string keyName)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyName);
        var lazy = _keys.GetOrAdd(keyName, name => new Lazy<SigningKey>(() => FindOrMake(name), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch (Exception ex) when (ex is KeyUnavailableException or Pkcs11Exception or InvalidOperationException or IOException)
        {
            // Not cached as broken: a key the HSM's administrators create later is found on the next use.
            _keys.TryRemove(new KeyValuePair<string, Lazy<SigningKey>>(keyName, lazy));
            throw ex as KeyUnavailableException ?? new KeyUnavailableException($"Signing key '{keyName}' in token '{TokenLabel}': {ex.Message}", ex);
        }
    }

    private SigningKey FindOrMake(string keyName)
    {
        // Two processes on one host (the console and its test hosts, two nodes on one SoftHSM store) must not both
        // create the key: the second would sign with a twin nobody trusts. The first look-up is inside the lock too:
        // SoftHSM2 refused a key-pair generation (CKR_TEMPLATE_INCONSISTENT) while other sessions searched its token.
        // It happens once per key and process (the result is kept), so the lock costs nothing later.
        return _module.AcrossProcesses($"signing key|{TokenLabel}|{keyName}", () =>
        {
            if (Find(keyName) is { } theirs)
                return theirs;
            if (_files.TryGetValue(keyName, out var file) && File.Exists(file.Path))
            {
                // An import is two objects (private, then public); a process killed between them leaves a half that no
                // signature was ever made with. The file brings the same key back, so the half goes before the import.
                RemoveIncompletePair(keyName);
                return Import(keyName, file);
            }
            if (Halves(keyName) is > 0 and var halves)
                throw new KeyUnavailableException(
                    $"Token '{TokenLabel}' holds {halves} object(s) labelled '{keyName}' but no complete key pair (an import was interrupted); put the key file " +
                    "back to import it again, or have the HSM administrators delete those objects (docs/keys-and-hsm.md).");
            if (!_options.ProvisionTokens)
                throw new KeyUnavailableException(
                    $"Token '{TokenLabel}' holds no signing key '{keyName}'; its HSM administrators must create an ECDSA P-256 key pair labelled '{keyName}' (docs/keys-and-hsm.md).");
            return Generate(keyName);
        });
    }

    private SigningKey? Find(string keyName) => Use(session =>
    {
        var attributes = session.Factories.ObjectAttributeFactory;
        var privates = session.FindAllObjects(
            [attributes.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), attributes.Create(CKA.CKA_LABEL, keyName)]);
        var publics = session.FindAllObjects(
            [attributes.Create(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY), attributes.Create(CKA.CKA_LABEL, keyName)]);
        if (privates.Count == 0 || publics.Count == 0)
            return null;
        if (privates.Count > 1 || publics.Count > 1)
            throw new KeyUnavailableException(
                $"Token '{TokenLabel}' holds {privates.Count} private and {publics.Count} public keys labelled '{keyName}'; exactly one pair may carry the name.");
        var point = session.GetAttributeValue(publics[0], [CKA.CKA_EC_POINT])[0].GetValueAsByteArray();
        return new SigningKey(privates[0], SubjectPublicKeyInfo(point));
    });

    private int Halves(string keyName) =>
        Use(session => session.FindAllObjects([session.Factories.ObjectAttributeFactory.Create(CKA.CKA_LABEL, keyName)]).Count);

    private void RemoveIncompletePair(string keyName) => Use(session =>
    {
        var attributes = session.Factories.ObjectAttributeFactory;
        var halves = session.FindAllObjects([attributes.Create(CKA.CKA_LABEL, keyName)]);
        foreach (var half in halves)
            session.DestroyObject(half);
        if (halves.Count > 0)
            _logger.LogWarning(
                "Token {Token} held half of the {KeyName} signing key (an import interrupted before both objects existed); removed it and importing again",
                TokenLabel, keyName);
        return halves.Count;
    });

    private SigningKey Generate(string keyName)
    {
        var key = Use(session =>
        {
            var a = session.Factories.ObjectAttributeFactory;
            session.GenerateKeyPair(session.Factories.MechanismFactory.Create(CKM.CKM_EC_KEY_PAIR_GEN),
                [
                    a.Create(CKA.CKA_TOKEN, true), a.Create(CKA.CKA_PRIVATE, false), a.Create(CKA.CKA_EC_PARAMS, P256Params),
                    a.Create(CKA.CKA_VERIFY, true), a.Create(CKA.CKA_LABEL, keyName),
                ],
                PrivateTemplate(a, keyName),
                out var publicKey, out var privateKey);
            var point = session.GetAttributeValue(publicKey, [CKA.CKA_EC_POINT])[0].GetValueAsByteArray();
            return new SigningKey(privateKey, SubjectPublicKeyInfo(point));
        });
        _logger.LogWarning("Generated the {KeyName} signing key (ECDSA P-256) inside token {Token}; it cannot leave the token", keyName, TokenLabel);
        return key;
    }

    private SigningKey Import(string keyName, SigningKeyFile file)
    {
        ECParameters parameters;
        using (var files = LocalSigningKeys.From(file with { CreateIfMissing = false }, _logger))
            parameters = files.ExportForImport(keyName);
        try
        {
            var key = Use(session =>
            {
                var a = session.Factories.ObjectAttributeFactory;
                var privateKey = session.CreateObject(
                [
                    a.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), a.Create(CKA.CKA_KEY_TYPE, CKK.CKK_EC),
                    a.Create(CKA.CKA_EC_PARAMS, P256Params), a.Create(CKA.CKA_VALUE, parameters.D!),
                    .. PrivateTemplate(a, keyName),
                ]);
                var point = EncodedPoint(parameters.Q);
                session.CreateObject(
                [
                    a.Create(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY), a.Create(CKA.CKA_KEY_TYPE, CKK.CKK_EC),
                    a.Create(CKA.CKA_TOKEN, true), a.Create(CKA.CKA_PRIVATE, false), a.Create(CKA.CKA_EC_PARAMS, P256Params),
                    a.Create(CKA.CKA_EC_POINT, point), a.Create(CKA.CKA_VERIFY, true), a.Create(CKA.CKA_LABEL, keyName),
                ]);
                return new SigningKey(privateKey, SubjectPublicKeyInfo(point));
            });
            _logger.LogWarning(
                "Imported the {KeyName} signing key from {KeyFile} into token {Token} (non-extractable): signatures made with it before stay " +
                "verifiable. The console no longer reads that file; destroy it once a secured backup exists (docs/keys-and-hsm.md).",
                keyName, file.Path, TokenLabel);
            return key;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(parameters.D);
        }
    }

    private static List<IObjectAttribute> PrivateTemplate(IObjectAttributeFactory a, string keyName) =>
    [
        a.Create(CKA.CKA_TOKEN, true), a.Create(CKA.CKA_PRIVATE, true), a.Create(CKA.CKA_SENSITIVE, true),
        a.Create(CKA.CKA_EXTRACTABLE, false), a.Create(CKA.CKA_SIGN, true), a.Create(CKA.CKA_DECRYPT, false),
        a.Create(CKA.CKA_DERIVE, false), a.Create(CKA.CKA_LABEL, keyName),
    ];

    /// <summary>CKA_EC_POINT: the uncompressed point 04‖X‖Y inside a DER OCTET STRING.</summary>
    private static byte[] EncodedPoint(ECPoint q)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteOctetString([0x04, .. q.X!, .. q.Y!]);
        return writer.Encode();
    }

    private static byte[] SubjectPublicKeyInfo(byte[] ecPoint)
    {
        // Tokens differ: most wrap the point in an OCTET STRING (as the standard says), some hand it bare.
        var point = ecPoint.Length == 65 && ecPoint[0] == 0x04 ? ecPoint : new AsnReader(ecPoint, AsnEncodingRules.BER).ReadOctetString();
        if (point.Length != 65 || point[0] != 0x04)
            throw new KeyUnavailableException("The token's public key is not an uncompressed P-256 point.");
        using var key = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = point[1..33], Y = point[33..] },
        });
        return key.ExportSubjectPublicKeyInfo();
    }

    private T Use<T>(Func<ISession, T> act) => _token.Value.UseAsync(act, CancellationToken.None).GetAwaiter().GetResult();

    private Pkcs11Token OpenToken()
    {
        var label = TokenLabel;
        var slot = _module.FindToken(label);
        if (slot is null)
        {
            if (!_options.ProvisionTokens)
                throw new KeyUnavailableException(
                    $"The PKCS#11 module {_module.Path} has no signing token '{label}' ({Pkcs11Options.Section}:SigningTokenLabel); its HSM administrators must create it (docs/keys-and-hsm.md).");
            slot = _module.ProvisionToken(label, _options.SoPin(Guid.Empty), _options.UserPin(Guid.Empty));
            _logger.LogInformation("Initialised PKCS#11 signing token {Token}", label);
        }

        return _module.OpenToken(slot, label, () => _options.UserPin(Guid.Empty), _options.SessionsPerToken);
    }

    private sealed record SigningKey(IObjectHandle Private, byte[] PublicKey);
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Console.Workflows.Keys;

/// <summary>
/// The file adapter of <see cref="ISigningKeys"/>: each named key is an ECDSA P-256 private key in a file outside the
/// database, read on first use (and created then, readable by its owner only, when its location is the embedded
/// default). The only place the console reads a signing key's file.
/// </summary>
public sealed class LocalSigningKeys : ISigningKeys, IDisposable
{
    private const string P256Oid = "1.2.840.10045.3.1.7";

    private readonly Dictionary<string, SigningKeyFile> _files;
    private readonly ConcurrentDictionary<string, Lazy<ECDsa>> _keys = new(StringComparer.Ordinal);
    private readonly ILogger _logger;

    public LocalSigningKeys(IEnumerable<SigningKeyFile> files, ILogger<LocalSigningKeys> logger)
        : this(files, (ILogger)logger)
    {
    }

    private LocalSigningKeys(IEnumerable<SigningKeyFile> files, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(files);
        _logger = logger ?? NullLogger.Instance;
        // The last registration of a name wins, as configuration overrides do.
        _files = new Dictionary<string, SigningKeyFile>(StringComparer.Ordinal);
        foreach (var file in files)
            _files[file.KeyName] = file;
    }

    /// <summary>One key held in memory (tests, tools): signs through the same port, and owns the key.</summary>
    public static LocalSigningKeys InMemory(string keyName, ECDsa key) => InMemory(new Dictionary<string, ECDsa> { [keyName] = key });

    /// <summary>Keys held in memory, by name.</summary>
    public static LocalSigningKeys InMemory(IReadOnlyDictionary<string, ECDsa> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var held = new LocalSigningKeys([], NullLogger.Instance);
        foreach (var (name, key) in keys)
        {
            RequireP256(key, name);
            held._keys[name] = new Lazy<ECDsa>(key);
        }

        return held;
    }

    /// <summary>One key from its file, for hosts that wire the port by hand.</summary>
    public static LocalSigningKeys From(SigningKeyFile file, ILogger logger) => new([file], logger);

    public byte[] PublicKey(string keyName) => Key(keyName).ExportSubjectPublicKeyInfo();

    public byte[] Sign(string keyName, ReadOnlySpan<byte> data, SignatureEncoding encoding) =>
        Key(keyName).SignData(data, HashAlgorithmName.SHA256,
            encoding == SignatureEncoding.Der ? DSASignatureFormat.Rfc3279DerSequence : DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <summary>The private key's parameters, once, for moving it into an HSM (<see cref="Hsm.Pkcs11SigningKeys"/>).</summary>
    internal ECParameters ExportForImport(string keyName) => Key(keyName).ExportParameters(includePrivateParameters: true);

    /// <summary>An ECDSA public key from a PEM file (a trusted earlier key, a witness's key): public keys are not secrets.</summary>
    public static ECDsa ReadPublicKey(string file, string setting)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(file));
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException or IOException)
        {
            key.Dispose();
            throw new InvalidOperationException($"{setting}: {file} is not a readable PEM public key ({ex.Message}).", ex);
        }

        RequireP256(key, file);
        return key;
    }

    public void Dispose()
    {
        foreach (var key in _keys.Values.Where(k => k.IsValueCreated))
            key.Value.Dispose();
    }

    private ECDsa Key(string keyName)
    {
        ArgumentNullException.ThrowIfNull(keyName);
        var lazy = _keys.GetOrAdd(keyName, name => new Lazy<ECDsa>(() => Load(name), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            // Not cached as broken: a key file fixed by the operator is read on the next use.
            _keys.TryRemove(new KeyValuePair<string, Lazy<ECDsa>>(keyName, lazy));
            throw new KeyUnavailableException(ex.Message, ex);
        }
    }

    private ECDsa Load(string keyName)
    {
        if (!_files.TryGetValue(keyName, out var file))
            throw new InvalidOperationException($"No signing key named '{keyName}' is configured.");
        if (!File.Exists(file.Path))
        {
            if (!file.CreateIfMissing)
                throw new InvalidOperationException($"{file.Setting} is set to {file.Path}, which does not exist.");
            LocalKeyFiles.ReadOrCreate(file.Path, () =>
            {
                using var created = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                _logger.LogWarning(
                    "No {KeyName} signing key at {KeyFile}: created an ECDSA P-256 key. Keep it outside the database and back it up; " +
                    "set {Setting} to use your own.", keyName, file.Path, file.Setting);
                return created.ExportPkcs8PrivateKeyPem() + "\n";
            });
        }

        return ReadPrivateKey(file);
    }

    private static ECDsa ReadPrivateKey(SigningKeyFile file)
    {
        var key = ECDsa.Create();
        try
        {
            var bytes = File.ReadAllBytes(file.Path);
            // Key files the console creates itself (LocalKeyFiles) start with a UTF-8 byte order mark, which PEM parsing refuses.
            var text = Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF');
            if (text.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal))
                key.ImportFromEncryptedPem(text, file.Password ?? throw new InvalidOperationException(
                    $"The signing key {file.Path} is encrypted: set {file.PasswordSetting ?? "its password"}."));
            else if (text.Contains("-----BEGIN", StringComparison.Ordinal))
                key.ImportFromPem(text);
            else
                key.ImportPkcs8PrivateKey(bytes, out _);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidOperationException($"The signing key {file.Path} is not a readable ECDSA private key ({ex.Message}).", ex);
        }
        catch (InvalidOperationException)
        {
            key.Dispose();
            throw;
        }

        RequireP256(key, file.Path);
        return key;
    }

    private static void RequireP256(ECDsa key, string where)
    {
        var curve = key.ExportParameters(false).Curve;
        if (curve.Oid?.Value != P256Oid && curve.Oid?.FriendlyName is not ("nistP256" or "ECDSA_P256" or "secp256r1" or "prime256v1"))
            throw new InvalidOperationException($"The key in {where} is not on curve P-256; the console signs with ECDSA P-256.");
    }
}

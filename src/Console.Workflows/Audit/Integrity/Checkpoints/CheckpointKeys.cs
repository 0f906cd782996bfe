using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Console.Workflows.Audit.Integrity.Checkpoints;

/// <summary>
/// The checkpoint signing key (ECDSA P-256) and the public keys verification trusts. The private key never goes into
/// the database: it comes from <see cref="AuditIntegrityOptions.SigningKeyFile"/> or, in the embedded setup, from a
/// file generated once under the user's local application data.
/// </summary>
public sealed class CheckpointKeys : IDisposable
{
    private const string P256Oid = "1.2.840.10045.3.1.7";

    private readonly ECDsa _signer;
    private readonly Dictionary<string, ECDsa> _trusted;

    private CheckpointKeys(ECDsa signer, string file, Dictionary<string, ECDsa> trusted)
    {
        _signer = signer;
        _trusted = trusted;
        SigningKeyFile = file;
        KeyId = KeyIdOf(signer);
        PublicKeyPem = signer.ExportSubjectPublicKeyInfoPem();
        _trusted[KeyId] = signer;
    }

    public string KeyId { get; }

    public string PublicKeyPem { get; }

    public string SigningKeyFile { get; }

    public IReadOnlyCollection<string> TrustedKeyIds => _trusted.Keys;

    /// <summary>Lowercase hex SHA-256 of the DER SubjectPublicKeyInfo: <c>openssl pkey -pubin -outform DER | sha256sum</c>.</summary>
    public static string KeyIdOf(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));
    }

    public static CheckpointKeys Load(AuditIntegrityOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        var file = options.EffectiveSigningKeyFile;
        var configured = !string.IsNullOrWhiteSpace(options.SigningKeyFile);
        if (!File.Exists(file))
        {
            if (configured)
                throw new InvalidOperationException($"Audit:SigningKeyFile is set to {file}, which does not exist.");
            Generate(file, logger);
        }

        var signer = ReadPrivateKey(file, options.SigningKeyPassword);
        var trusted = new Dictionary<string, ECDsa>(StringComparer.Ordinal);
        foreach (var publicFile in options.TrustedPublicKeyFiles.Where(f => !string.IsNullOrWhiteSpace(f)))
        {
            var key = ECDsa.Create();
            try
            {
                key.ImportFromPem(File.ReadAllText(publicFile));
            }
            catch (Exception ex) when (ex is ArgumentException or CryptographicException or IOException)
            {
                key.Dispose();
                throw new InvalidOperationException($"Audit:TrustedPublicKeyFiles: {publicFile} is not a readable PEM public key ({ex.Message}).", ex);
            }

            RequireP256(key, publicFile);
            trusted[KeyIdOf(key)] = key;
        }

        return new CheckpointKeys(signer, file, trusted);
    }

    /// <summary>DER ECDSA signature over SHA-256 of the UTF-8 text, as <c>openssl dgst -sha256 -verify</c> checks it.</summary>
    public byte[] Sign(string text) =>
        _signer.SignData(Encoding.UTF8.GetBytes(text), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    /// <summary>Whether <paramref name="signature"/> is a valid signature of <paramref name="text"/> by the trusted key <paramref name="keyId"/>.</summary>
    public SignatureCheck Verify(string keyId, string text, byte[] signature)
    {
        if (!_trusted.TryGetValue(keyId, out var key))
            return SignatureCheck.UnknownKey;
        try
        {
            return key.VerifyData(Encoding.UTF8.GetBytes(text), signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)
                ? SignatureCheck.Valid
                : SignatureCheck.Invalid;
        }
        catch (CryptographicException)
        {
            return SignatureCheck.Invalid;
        }
    }

    public string? PublicKeyPemFor(string keyId) =>
        _trusted.TryGetValue(keyId, out var key) ? key.ExportSubjectPublicKeyInfoPem() : null;

    public void Dispose()
    {
        foreach (var key in _trusted.Values.Distinct())
            key.Dispose();
    }

    private static ECDsa ReadPrivateKey(string file, string? password)
    {
        var key = ECDsa.Create();
        try
        {
            var bytes = File.ReadAllBytes(file);
            var text = Encoding.ASCII.GetString(bytes);
            if (text.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal))
                key.ImportFromEncryptedPem(text, password ?? throw new InvalidOperationException(
                    $"The signing key {file} is encrypted: set Audit:SigningKeyPassword."));
            else if (text.Contains("-----BEGIN", StringComparison.Ordinal))
                key.ImportFromPem(text);
            else
                key.ImportPkcs8PrivateKey(bytes, out _);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidOperationException($"The checkpoint signing key {file} is not a readable ECDSA private key ({ex.Message}).", ex);
        }

        RequireP256(key, file);
        return key;
    }

    private static void RequireP256(ECDsa key, string file)
    {
        var curve = key.ExportParameters(false).Curve;
        if (curve.Oid?.Value != P256Oid && curve.Oid?.FriendlyName is not ("nistP256" or "ECDSA_P256" or "secp256r1" or "prime256v1"))
            throw new InvalidOperationException($"The key in {file} is not on curve P-256; checkpoints are signed with ECDSA P-256.");
    }

    /// <summary>Creates the key file once, readable by its owner only; a second node or process racing us keeps the first.</summary>
    private static void Generate(string file, ILogger logger)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(folder);
        else
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var temp = file + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, fileOptions))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
        {
            writer.Write(key.ExportPkcs8PrivateKeyPem());
            writer.Write('\n');
        }

        try
        {
            File.Move(temp, file, overwrite: false);
            logger.LogWarning(
                "Generated a checkpoint signing key at {KeyFile} (key id {KeyId}). Keep it outside the database and back it up; " +
                "set Audit:SigningKeyFile to use your own.", file, KeyIdOf(key));
        }
        catch (IOException) when (File.Exists(file))
        {
            File.Delete(temp);
        }
    }
}

public enum SignatureCheck
{
    Valid,
    Invalid,
    UnknownKey,
}

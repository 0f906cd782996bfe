using System.Security.Cryptography;
using System.Text;
using Console.Workflows.Keys;
using Microsoft.Extensions.Logging;

namespace Console.Workflows.Audit.Integrity.Checkpoints;

/// <summary>
/// The checkpoint signing key (ECDSA P-256), reached through the signing-key port (<see cref="ISigningKeys"/>, key
/// <see cref="SigningKeyNames.AuditCheckpoints"/>), and the public keys verification trusts. The private key never goes
/// into the database, nor into this class: the file adapter reads it from <see cref="AuditIntegrityOptions.SigningKeyFile"/>
/// (or, in the embedded setup, a file it generates once under the user's local application data); an HSM keeps it.
/// </summary>
public sealed class CheckpointKeys : IDisposable
{
    private readonly ISigningKeys _signing;
    private readonly IDisposable? _owned;
    private readonly Dictionary<string, ECDsa> _trusted;

    private CheckpointKeys(ISigningKeys signing, IDisposable? owned, string file, Dictionary<string, ECDsa> trusted)
    {
        _signing = signing;
        _owned = owned;
        _trusted = trusted;
        SigningKeyFile = file;
        var own = ECDsa.Create();
        try
        {
            own.ImportSubjectPublicKeyInfo(signing.PublicKey(SigningKeyNames.AuditCheckpoints), out _);
        }
        catch (KeyUnavailableException ex)
        {
            own.Dispose();
            throw new InvalidOperationException(ex.Message, ex);
        }

        KeyId = KeyIdOf(own);
        PublicKeyPem = own.ExportSubjectPublicKeyInfoPem();
        _trusted[KeyId] = own;
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

    /// <summary>The file named by the options, through a file adapter of its own (hosts without the port registered).</summary>
    public static CheckpointKeys Load(AuditIntegrityOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var files = LocalSigningKeys.From(KeyFile(options), logger);
        try
        {
            return Load(options, files, files);
        }
        catch
        {
            files.Dispose();
            throw;
        }
    }

    /// <summary>The signing key behind the port, and the trusted earlier public keys of the options.</summary>
    public static CheckpointKeys Load(AuditIntegrityOptions options, ISigningKeys signing) => Load(options, signing, owned: null);

    /// <summary>Where the file adapter finds the checkpoint key.</summary>
    public static SigningKeyFile KeyFile(AuditIntegrityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SigningKeyFile(SigningKeyNames.AuditCheckpoints, options.EffectiveSigningKeyFile, options.SigningKeyPassword,
            CreateIfMissing: string.IsNullOrWhiteSpace(options.SigningKeyFile), "Audit:SigningKeyFile", "Audit:SigningKeyPassword");
    }

    private static CheckpointKeys Load(AuditIntegrityOptions options, ISigningKeys signing, IDisposable? owned)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(signing);
        var trusted = new Dictionary<string, ECDsa>(StringComparer.Ordinal);
        foreach (var publicFile in options.TrustedPublicKeyFiles.Where(f => !string.IsNullOrWhiteSpace(f)))
        {
            var key = LocalSigningKeys.ReadPublicKey(publicFile, "Audit:TrustedPublicKeyFiles");
            trusted[KeyIdOf(key)] = key;
        }

        return new CheckpointKeys(signing, owned, options.EffectiveSigningKeyFile, trusted);
    }

    /// <summary>DER ECDSA signature over SHA-256 of the UTF-8 text, as <c>openssl dgst -sha256 -verify</c> checks it.</summary>
    public byte[] Sign(string text) =>
        _signing.Sign(SigningKeyNames.AuditCheckpoints, Encoding.UTF8.GetBytes(text), SignatureEncoding.Der);

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
        _owned?.Dispose();
    }
}

public enum SignatureCheck
{
    Valid,
    Invalid,
    UnknownKey,
}

namespace Console.Workflows.Keys;

/// <summary>
/// The signing-key port: the console's signing keys (ECDSA P-256) used by name, never handed out. Checkpoints (signed
/// tree heads) of the audit log and snapshot manifests are signed through it. The embedded default
/// (<see cref="LocalSigningKeys"/>) keeps each key in a PEM file outside the database; an HSM adapter (PKCS#11)
/// implements the same port with keys that never leave the device.
/// </summary>
public interface ISigningKeys
{
    /// <summary>The public half of the named key as DER SubjectPublicKeyInfo.</summary>
    /// <exception cref="KeyUnavailableException">No such key, or it cannot be read.</exception>
    byte[] PublicKey(string keyName);

    /// <summary>ECDSA P-256 signature over SHA-256 of <paramref name="data"/>.</summary>
    /// <exception cref="KeyUnavailableException">No such key, or it cannot be read.</exception>
    byte[] Sign(string keyName, ReadOnlySpan<byte> data, SignatureEncoding encoding);
}

/// <summary>DER (RFC 3279, what openssl writes and checks) or IEEE P1363 (r‖s, fixed length).</summary>
public enum SignatureEncoding
{
    Der,
    P1363,
}

/// <summary>The console's signing keys.</summary>
public static class SigningKeyNames
{
    /// <summary>Signs the audit log's checkpoints (signed tree heads).</summary>
    public const string AuditCheckpoints = "audit-checkpoints";

    /// <summary>Signs snapshot manifests.</summary>
    public const string SnapshotManifests = "snapshot-manifests";
}

/// <summary>
/// Where the file adapter finds one named key: a PEM (PKCS#8, encrypted PKCS#8 with <paramref name="Password"/>, SEC1)
/// or DER PKCS#8 file; created on first use when <paramref name="CreateIfMissing"/> (the embedded default location).
/// <paramref name="Setting"/> and <paramref name="PasswordSetting"/> name the configuration that points at it, for messages.
/// </summary>
public sealed record SigningKeyFile(string KeyName, string Path, string? Password, bool CreateIfMissing, string Setting, string? PasswordSetting = null);

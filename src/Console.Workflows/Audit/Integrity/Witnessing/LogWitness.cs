using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Console.Workflows.Audit.Integrity.Checkpoints;
using Console.Workflows.Audit.Integrity.Proofs;

namespace Console.Workflows.Audit.Integrity.Witnessing;

/// <summary>One co-signed head in a witness's store: the log's signed head and the witness's ECDSA P-256 signature over its text.</summary>
public sealed record Cosignature(
    [property: JsonPropertyName("tree_head")] SignedTreeHead TreeHead,
    [property: JsonPropertyName("witness_key_id")] string WitnessKeyId,
    [property: JsonPropertyName("cosignature")] string Signature,
    [property: JsonPropertyName("cosigned_at")] DateTimeOffset CosignedAt);

/// <summary>Why a witness refused a head, or its co-signature.</summary>
public sealed record WitnessOutcome(Cosignature? Cosignature, string? Refusal);

/// <summary>
/// An independent witness (RFC 9162's and Go's checksum database's idea): its own store (<c>cosigned.jsonl</c>,
/// append-only) and its own key (<c>witness-key.pem</c>) in a folder of its own, and the log's public key. It
/// co-signs a new tree head only when the head is signed by the log and a consistency proof shows it extends the last
/// head it co-signed; a smaller or forked head is refused, whatever the database says. Runs as
/// <c>audit witness</c> on another host (docs/tamper-evident-log.md).
/// </summary>
public sealed class LogWitness : IDisposable
{
    public const string StoreFile = "cosigned.jsonl";
    public const string KeyFile = "witness-key.pem";

    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ECDsa _key;
    private readonly ECDsa _logKey;
    private readonly string _logKeyId;
    private readonly TimeProvider _time;

    private LogWitness(string folder, ECDsa key, ECDsa logKey, TimeProvider time)
    {
        Folder = folder;
        _key = key;
        _logKey = logKey;
        _logKeyId = CheckpointKeys.KeyIdOf(logKey);
        _time = time;
        KeyId = CheckpointKeys.KeyIdOf(key);
        var stored = WitnessFile.Read(StorePath);
        Last = stored.Count > 0 ? Parse(stored[^1]) : null;
    }

    public string Folder { get; }

    public string KeyId { get; }

    public string PublicKeyPem => _key.ExportSubjectPublicKeyInfoPem();

    public string StorePath => Path.Combine(Folder, StoreFile);

    /// <summary>The last head this witness co-signed (from its store, so it survives restarts).</summary>
    public Checkpoint? Last { get; private set; }

    /// <summary>Opens the witness in <paramref name="folder"/>, creating its key on first use; trusts heads signed by <paramref name="logPublicKeyPem"/>.</summary>
    public static LogWitness Open(string folder, string logPublicKeyPem, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Directory.CreateDirectory(folder);
        var keyPath = Path.Combine(folder, KeyFile);
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        if (File.Exists(keyPath))
        {
            key.ImportFromPem(File.ReadAllText(keyPath));
        }
        else
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using var stream = new FileStream(keyPath, options);
            stream.Write(Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem() + "\n"));
        }

        var logKey = ECDsa.Create();
        try
        {
            logKey.ImportFromPem(logPublicKeyPem);
        }
        catch (ArgumentException ex)
        {
            key.Dispose();
            logKey.Dispose();
            throw new InvalidOperationException($"The log's public key is not a PEM public key ({ex.Message}).", ex);
        }

        return new LogWitness(folder, key, logKey, time ?? TimeProvider.System);
    }

    /// <summary>
    /// Co-signs <paramref name="head"/> if it is the log's and extends the last co-signed head by <paramref name="proof"/>
    /// (none needed for the first head, or for the same head again).
    /// </summary>
    public WitnessOutcome Submit(SignedTreeHead head, ConsistencyProof? proof)
    {
        ArgumentNullException.ThrowIfNull(head);
        var (parsed, problem) = ProofCheck.TreeHead(head, VerifyLog);
        if (parsed is null)
            return new WitnessOutcome(null, problem);
        if (Last is { } last)
        {
            if (parsed.TreeSize < last.TreeSize)
            {
                return new WitnessOutcome(null,
                    $"Refused tree head #{parsed.Number}: it has {parsed.TreeSize} entries, fewer than the {last.TreeSize} of tree head #{last.Number} " +
                    $"this witness co-signed; the log was truncated or rolled back (first missing position {parsed.TreeSize + 1}).");
            }

            if (parsed.TreeSize == last.TreeSize)
            {
                return parsed.RootHash!.AsSpan().SequenceEqual(last.RootHash)
                    ? new WitnessOutcome(null, $"Tree head #{parsed.Number} has the size and root this witness already co-signed; nothing to do.")
                    : new WitnessOutcome(null, $"Refused tree head #{parsed.Number}: same size ({parsed.TreeSize}) as co-signed tree head #{last.Number} " +
                                               "but another root; the log's history was forked.");
            }

            if (proof is null)
                return new WitnessOutcome(null, $"Refused tree head #{parsed.Number}: no consistency proof from tree head #{last.Number}.");
            var (from, _) = ProofCheck.TreeHead(proof.First, VerifyLog);
            var (to, _) = ProofCheck.TreeHead(proof.Second, VerifyLog);
            if (from is null || to is null || from.TreeSize != last.TreeSize || !from.RootHash!.AsSpan().SequenceEqual(last.RootHash)
                || to.TreeSize != parsed.TreeSize || !to.RootHash!.AsSpan().SequenceEqual(parsed.RootHash))
            {
                return new WitnessOutcome(null,
                    $"Refused tree head #{parsed.Number}: the consistency proof does not start at the head this witness co-signed " +
                    $"(#{last.Number}, {last.TreeSize} entries, root {Convert.ToHexStringLower(last.RootHash!)[..16]}…); the log's history was forked or rolled back.");
            }

            if (ProofCheck.Consistency(proof, VerifyLog) is { } inconsistent)
                return new WitnessOutcome(null, $"Refused tree head #{parsed.Number}: {inconsistent}");
        }

        var cosignature = new Cosignature(head, KeyId,
            Convert.ToBase64String(_key.SignData(Encoding.UTF8.GetBytes(head.Text), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)),
            _time.GetUtcNow());
        using (var stream = new FileStream(StorePath, FileMode.Append, FileAccess.Write, FileShare.Read))
        {
            stream.Write(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(cosignature, Json) + "\n"));
            stream.Flush(flushToDisk: true);
        }

        Last = parsed;
        return new WitnessOutcome(cosignature, null);
    }

    /// <summary>Whether a co-signature was made by the witness key <paramref name="witnessPublicKeyPem"/>.</summary>
    public static bool VerifyCosignature(Cosignature cosignature, string witnessPublicKeyPem)
    {
        ArgumentNullException.ThrowIfNull(cosignature);
        using var key = ECDsa.Create();
        key.ImportFromPem(witnessPublicKeyPem);
        return key.VerifyData(Encoding.UTF8.GetBytes(cosignature.TreeHead.Text), Convert.FromBase64String(cosignature.Signature),
            HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    public void Dispose()
    {
        _key.Dispose();
        _logKey.Dispose();
    }

    private SignatureCheck VerifyLog(string keyId, string text, byte[] signature)
    {
        if (!string.Equals(keyId, _logKeyId, StringComparison.Ordinal))
            return SignatureCheck.UnknownKey;
        try
        {
            return _logKey.VerifyData(Encoding.UTF8.GetBytes(text), signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)
                ? SignatureCheck.Valid
                : SignatureCheck.Invalid;
        }
        catch (CryptographicException)
        {
            return SignatureCheck.Invalid;
        }
    }

    private static Checkpoint? Parse(SignedTreeHead head) =>
        CheckpointText.Parse(head.Text, Convert.FromBase64String(head.Signature));
}

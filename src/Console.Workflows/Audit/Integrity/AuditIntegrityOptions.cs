using Microsoft.Extensions.Configuration;

namespace Console.Workflows.Audit.Integrity;

/// <summary>
/// Settings of the tamper-evident log (configuration section <c>Audit</c>). docs/tamper-evident-log.md
/// lists each with its default.
/// </summary>
public sealed class AuditIntegrityOptions
{
    public const string Section = "Audit";

    /// <summary>Whether this node builds the hash chain in the background (one node at a time holds the writer lock).</summary>
    public bool ChainEvents { get; set; } = true;

    /// <summary>
    /// Off only in the bench, to measure the chain as it was before the Merkle tree (no leaves, no subtrees, v1
    /// checkpoints). Not a setting: without the tree there are no tree heads, proofs or witnesses.
    /// </summary>
    internal bool WithoutMerkleTree { get; set; }

    /// <summary>Events chained per transaction.</summary>
    public int ChainBatchSize { get; set; } = 500;

    /// <summary>How often the chainer looks for new events when nothing woke it.</summary>
    public TimeSpan ChainPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a hole in the event sequence must have been seen, with every transaction that was running when it
    /// was first seen finished, before the chain moves past it (an append still in flight may yet fill it).
    /// </summary>
    public TimeSpan GapSettleTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>After this long the chain moves past a hole whatever transactions still run.</summary>
    public TimeSpan GapMaxWait { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A signed checkpoint is made once this many entries follow the last one ...</summary>
    public int CheckpointEveryEntries { get; set; } = 1000;

    /// <summary>... or once this much time passed since the last one and new entries exist.</summary>
    public TimeSpan CheckpointEvery { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The checkpoint signing key: an ECDSA P-256 private key as PEM (PKCS#8 "PRIVATE KEY", "ENCRYPTED PRIVATE KEY" or
    /// SEC1 "EC PRIVATE KEY") or DER PKCS#8 file. Empty: <see cref="DefaultSigningKeyFile"/>, generated on first use.
    /// </summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>Password of an encrypted PKCS#8 signing key.</summary>
    public string? SigningKeyPassword { get; set; }

    /// <summary>
    /// Public keys (PEM files) of earlier signing keys whose checkpoints verification still accepts after a key
    /// rotation. The current signing key's public key is always trusted.
    /// </summary>
    public IList<string> TrustedPublicKeyFiles { get; } = [];

    /// <summary>
    /// Folder outside the database where every signed tree head is appended to tree-heads.jsonl. Empty: a
    /// <c>witness</c> folder next to the signing key.
    /// </summary>
    public string? WitnessFolder { get; set; }

    /// <summary>
    /// Stores (cosigned.jsonl) of independent witnesses (<c>audit witness</c>) that verification reads too, for
    /// example copied or mounted from the witness's host.
    /// </summary>
    public IList<string> WitnessStoreFiles { get; } = [];

    public string EffectiveWitnessFolder =>
        string.IsNullOrWhiteSpace(WitnessFolder)
            ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(EffectiveSigningKeyFile))!, "witness")
            : WitnessFolder;

    /// <summary>How often the background verification runs; zero turns it off.</summary>
    public TimeSpan VerifyEvery { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Delay between start-up and the first background verification. As long as the interval by default: restarts do
    /// not add runs, and short-lived hosts (tests, the command line) never run one.
    /// </summary>
    public TimeSpan FirstVerificationAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Where the embedded setup keeps its generated signing key when none is configured: outside the database, in the
    /// user's local application data (next to where ASP.NET Core keeps its data protection keys).
    /// </summary>
    public static string DefaultSigningKeyFile
    {
        get
        {
            var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
            if (string.IsNullOrWhiteSpace(root))
                root = Path.Combine(Path.GetTempPath(), "vnf-console-" + Environment.UserName);
            return Path.Combine(root, "vnf-console", "audit-checkpoint-key.pem");
        }
    }

    public string EffectiveSigningKeyFile =>
        string.IsNullOrWhiteSpace(SigningKeyFile) ? DefaultSigningKeyFile : SigningKeyFile;

    public static AuditIntegrityOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new AuditIntegrityOptions();
        configuration.GetSection(Section).Bind(options);
        options.Validate();
        return options;
    }

    /// <summary>Refuses settings that would make the chain or the schedule misbehave, naming the setting.</summary>
    public void Validate()
    {
        if (ChainBatchSize is < 1 or > 100_000)
            throw new InvalidOperationException($"{Section}:ChainBatchSize must be between 1 and 100000 (is {ChainBatchSize}).");
        if (CheckpointEveryEntries < 1)
            throw new InvalidOperationException($"{Section}:CheckpointEveryEntries must be at least 1 (is {CheckpointEveryEntries}).");
        if (ChainPollInterval <= TimeSpan.Zero)
            throw new InvalidOperationException($"{Section}:ChainPollInterval must be positive.");
        if (CheckpointEvery <= TimeSpan.Zero)
            throw new InvalidOperationException($"{Section}:CheckpointEvery must be positive.");
        if (GapSettleTime < TimeSpan.Zero || GapMaxWait < GapSettleTime)
            throw new InvalidOperationException($"{Section}:GapSettleTime must be >= 0 and {Section}:GapMaxWait at least as long.");
        if (VerifyEvery < TimeSpan.Zero || FirstVerificationAfter < TimeSpan.Zero)
            throw new InvalidOperationException($"{Section}:VerifyEvery and {Section}:FirstVerificationAfter must not be negative.");
    }
}

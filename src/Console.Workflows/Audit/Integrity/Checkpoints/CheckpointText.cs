using System.Globalization;
using System.Text;

namespace Console.Workflows.Audit.Integrity.Checkpoints;

/// <summary>
/// A signed statement that the chain had <see cref="EntryHash"/> at <see cref="Position"/> and, in a signed tree head
/// (v2), that the Merkle tree of the first <see cref="Position"/> entries has the root <see cref="RootHash"/>.
/// </summary>
/// <param name="Sequence">The event sequence number (mt_events.seq_id) of the entry at that position.</param>
/// <param name="KeyId">Lowercase hex SHA-256 of the signing key's DER SubjectPublicKeyInfo.</param>
/// <param name="Signature">ECDSA P-256 over SHA-256 of <see cref="CheckpointText.For(Checkpoint)"/>, DER encoded.</param>
/// <param name="RootHash">The Merkle tree's root at tree size <see cref="Position"/>; null in v1 checkpoints (before the tree).</param>
public sealed record Checkpoint(
    long Number, long Position, long Sequence, byte[] EntryHash, DateTimeOffset CreatedAt, string KeyId, byte[] Signature,
    byte[]? RootHash = null)
{
    /// <summary>The tree size this head signs: the number of chain entries it covers.</summary>
    public long TreeSize => Position;

    public bool IsTreeHead => RootHash is not null;
}

/// <summary>
/// The canonical text a checkpoint signature covers (documented in infra/audit/README.md): seven lines, each ending in
/// a line feed, UTF-8 (in fact ASCII), no other whitespace:
/// <code>
/// vnf-console audit checkpoint v1
/// number: 12
/// position: 12000
/// sequence: 12345
/// entry-hash: 64 lowercase hex digits
/// created-at: 2026-11-27T06:36:10.068357Z
/// key-id: 64 lowercase hex digits
/// </code>
/// The time is UTC with exactly six fraction digits (PostgreSQL keeps microseconds), so it survives the database.
/// A signed tree head is version 2 (<see cref="TreeHeadHeader"/>): the same lines with
/// <c>root-hash: 64 lowercase hex digits</c> after the entry hash, the Merkle root of the first <c>position</c> entries.
/// </summary>
public static class CheckpointText
{
    public const string Header = "vnf-console audit checkpoint v1";

    public const string TreeHeadHeader = "vnf-console audit checkpoint v2";

    public static string For(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return For(checkpoint.Number, checkpoint.Position, checkpoint.Sequence, checkpoint.EntryHash, checkpoint.CreatedAt, checkpoint.KeyId,
            checkpoint.RootHash);
    }

    public static string For(
        long number, long position, long sequence, ReadOnlySpan<byte> entryHash, DateTimeOffset createdAt, string keyId, byte[]? rootHash = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        if (entryHash.Length != 32)
            throw new ArgumentException("The entry hash must be 32 bytes.", nameof(entryHash));
        if (rootHash is { Length: not 32 })
            throw new ArgumentException("The root hash must be 32 bytes.", nameof(rootHash));
        var text = new StringBuilder();
        text.Append(rootHash is null ? Header : TreeHeadHeader).Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"number: {number}\n");
        text.Append(CultureInfo.InvariantCulture, $"position: {position}\n");
        text.Append(CultureInfo.InvariantCulture, $"sequence: {sequence}\n");
        text.Append("entry-hash: ").Append(Convert.ToHexStringLower(entryHash)).Append('\n');
        if (rootHash is not null)
            text.Append("root-hash: ").Append(Convert.ToHexStringLower(rootHash)).Append('\n');
        text.Append("created-at: ").Append(FormatTime(createdAt)).Append('\n');
        text.Append("key-id: ").Append(keyId).Append('\n');
        return text.ToString();
    }

    /// <summary>Reads a signed text back (v1 or v2); null when it is not exactly what <see cref="For(Checkpoint)"/> writes.</summary>
    public static Checkpoint? Parse(string text, byte[] signature)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n');
        if (lines.Length < 2 || lines[^1].Length != 0)
            return null;
        var v2 = lines[0] == TreeHeadHeader;
        if (!v2 && lines[0] != Header)
            return null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines[1..^1])
        {
            var at = line.IndexOf(": ", StringComparison.Ordinal);
            if (at <= 0 || !values.TryAdd(line[..at], line[(at + 2)..]))
                return null;
        }

        try
        {
            var checkpoint = new Checkpoint(
                long.Parse(values["number"], NumberStyles.None, CultureInfo.InvariantCulture),
                long.Parse(values["position"], NumberStyles.None, CultureInfo.InvariantCulture),
                long.Parse(values["sequence"], NumberStyles.None, CultureInfo.InvariantCulture),
                Convert.FromHexString(values["entry-hash"]),
                DateTimeOffset.ParseExact(values["created-at"], "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                values["key-id"],
                signature,
                v2 ? Convert.FromHexString(values["root-hash"]) : null);
            // Only the canonical rendering counts: anything else (extra lines, other spellings) is not a signed text.
            return For(checkpoint) == text ? checkpoint : null;
        }
        catch (Exception ex) when (ex is KeyNotFoundException or FormatException or OverflowException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>UTF-8 bytes of the text: exactly what is signed and what checkpoint.txt holds.</summary>
    public static byte[] Bytes(Checkpoint checkpoint) => Encoding.UTF8.GetBytes(For(checkpoint));

    public static string FormatTime(DateTimeOffset at) =>
        TruncateToMicros(at).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>PostgreSQL stores microseconds; a checkpoint's time is cut to them before it is signed.</summary>
    public static DateTimeOffset TruncateToMicros(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % 10), TimeSpan.Zero);
    }
}

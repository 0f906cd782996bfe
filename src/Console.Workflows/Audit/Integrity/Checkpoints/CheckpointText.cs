using System.Globalization;
using System.Text;

namespace Console.Workflows.Audit.Integrity.Checkpoints;

/// <summary>A signed statement that the chain had <see cref="EntryHash"/> at <see cref="Position"/>.</summary>
/// <param name="Sequence">The event sequence number (mt_events.seq_id) of the entry at that position.</param>
/// <param name="KeyId">Lowercase hex SHA-256 of the signing key's DER SubjectPublicKeyInfo.</param>
/// <param name="Signature">ECDSA P-256 over SHA-256 of <see cref="CheckpointText.For(Checkpoint)"/>, DER encoded.</param>
public sealed record Checkpoint(
    long Number, long Position, long Sequence, byte[] EntryHash, DateTimeOffset CreatedAt, string KeyId, byte[] Signature);

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
/// </summary>
public static class CheckpointText
{
    public const string Header = "vnf-console audit checkpoint v1";

    public static string For(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return For(checkpoint.Number, checkpoint.Position, checkpoint.Sequence, checkpoint.EntryHash, checkpoint.CreatedAt, checkpoint.KeyId);
    }

    public static string For(long number, long position, long sequence, ReadOnlySpan<byte> entryHash, DateTimeOffset createdAt, string keyId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        if (entryHash.Length != 32)
            throw new ArgumentException("The entry hash must be 32 bytes.", nameof(entryHash));
        var text = new StringBuilder();
        text.Append(Header).Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"number: {number}\n");
        text.Append(CultureInfo.InvariantCulture, $"position: {position}\n");
        text.Append(CultureInfo.InvariantCulture, $"sequence: {sequence}\n");
        text.Append("entry-hash: ").Append(Convert.ToHexStringLower(entryHash)).Append('\n');
        text.Append("created-at: ").Append(FormatTime(createdAt)).Append('\n');
        text.Append("key-id: ").Append(keyId).Append('\n');
        return text.ToString();
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

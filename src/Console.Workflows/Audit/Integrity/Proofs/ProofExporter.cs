using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Console.Workflows.Audit.Integrity.Checkpoints;
using Console.Workflows.Audit.Integrity.Chaining;
using Console.Workflows.Audit.Integrity.Verifying;
using Npgsql;

namespace Console.Workflows.Audit.Integrity.Proofs;

/// <summary>A written proof: which checkpoint, how many entries, and where.</summary>
public sealed record ProofExport(Checkpoint Checkpoint, long Entries, string Directory, IReadOnlyList<string> Files);

/// <summary>
/// Writes a checkpoint and every chain entry and event it covers to a folder that a third party checks with only the
/// public key (infra/audit/verify-proof.py, or the openssl and sha256sum steps in infra/audit/README.md):
/// <list type="bullet">
/// <item><c>checkpoint.txt</c>: the signed text, byte for byte;</item>
/// <item><c>checkpoint.sig</c>: the DER ECDSA P-256 signature over it;</item>
/// <item><c>public-key.pem</c>: the signing key's public key (compare its key id with the one the operator publishes);</item>
/// <item><c>entries.jsonl</c>: one JSON object per chain position 1..N with the event's hashed fields, prev_hash and entry_hash.</item>
/// </list>
/// </summary>
public sealed class ProofExporter(AuditDatabase database, CheckpointKeyring keys)
{
    public const string CheckpointFile = "checkpoint.txt";
    public const string SignatureFile = "checkpoint.sig";
    public const string PublicKeyFile = "public-key.pem";
    public const string EntriesFile = "entries.jsonl";
    public const string ReadmeFile = "README.txt";

    private static readonly JsonWriterOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="checkpointNumber">The checkpoint to prove; null for the latest.</param>
    /// <exception cref="InvalidOperationException">No such checkpoint, or its key is not known here; the message says which.</exception>
    public async Task<ProofExport> ExportAsync(long? checkpointNumber, string directory, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        await using var connection = await database.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var where = checkpointNumber is { } n ? $"where number = {n}" : $"where number = (select max(number) from {database.Checkpoints})";
        var found = await IntegrityVerifier.ReadCheckpointsAsync(database, connection, transaction, where, ct);
        if (found.Count == 0)
        {
            throw new InvalidOperationException(checkpointNumber is null
                ? "There is no checkpoint yet: the chain makes one every Audit:CheckpointEveryEntries entries or Audit:CheckpointEvery."
                : $"There is no checkpoint #{checkpointNumber}.");
        }

        var checkpoint = found[0];
        var publicKey = keys.Get().PublicKeyPemFor(checkpoint.KeyId) ?? throw new InvalidOperationException(
            $"Checkpoint #{checkpoint.Number} was signed with key {checkpoint.KeyId}, whose public key this console does not have " +
            "(add it to Audit:TrustedPublicKeyFiles).");

        Directory.CreateDirectory(directory);
        await File.WriteAllBytesAsync(Path.Combine(directory, CheckpointFile), CheckpointText.Bytes(checkpoint), ct);
        await File.WriteAllBytesAsync(Path.Combine(directory, SignatureFile), checkpoint.Signature, ct);
        await File.WriteAllTextAsync(Path.Combine(directory, PublicKeyFile), publicKey + "\n", ct);
        await File.WriteAllTextAsync(Path.Combine(directory, ReadmeFile), Readme(checkpoint), ct);
        var entries = await WriteEntriesAsync(connection, transaction, checkpoint.Position, Path.Combine(directory, EntriesFile), ct);
        await transaction.CommitAsync(ct);
        return new ProofExport(checkpoint, entries, directory, [CheckpointFile, SignatureFile, PublicKeyFile, EntriesFile, ReadmeFile]);
    }

    private async Task<long> WriteEntriesAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long upTo, string file, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"select c.position, c.prev_hash, c.entry_hash, c.seq_id, c.event_id, {EventColumns.Select} " +
            $"from {database.Chain} c left join {database.Events} e on e.seq_id = c.seq_id where c.position <= @upTo order by c.position",
            connection, transaction) { CommandTimeout = 0 };
        command.Parameters.AddWithValue("upTo", upTo);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await using var stream = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await using var writer = new Utf8JsonWriter(stream, Json);
        var count = 0L;
        const int e = 5;
        while (await reader.ReadAsync(ct))
        {
            writer.WriteStartObject();
            writer.WriteNumber("position", reader.GetInt64(0));
            writer.WriteString("prev_hash", Convert.ToHexStringLower(reader.GetFieldValue<byte[]>(1)));
            writer.WriteString("entry_hash", Convert.ToHexStringLower(reader.GetFieldValue<byte[]>(2)));
            if (reader.IsDBNull(e))
            {
                // The event row is gone; the proof says so rather than leaving the line out.
                writer.WriteNumber("seq", reader.GetInt64(3));
                writer.WriteString("event_id", reader.GetGuid(4));
                writer.WriteBoolean("missing", true);
            }
            else
            {
                writer.WriteNumber("seq", reader.GetInt64(e));
                writer.WriteString("event_id", reader.GetGuid(e + 1));
                if (reader.IsDBNull(e + 2))
                    writer.WriteNull("stream_id");
                else
                    writer.WriteString("stream_id", reader.GetGuid(e + 2));
                writer.WriteNumber("version", reader.GetInt64(e + 3));
                writer.WriteString("type", reader.GetString(e + 4));
                var at = reader.GetFieldValue<DateTime>(e + 5);
                writer.WriteNumber("timestamp_us", EntryEncoding.ToMicros(at));
                writer.WriteString("timestamp", CheckpointText.FormatTime(new DateTimeOffset(at, TimeSpan.Zero)));
                WriteNullable(writer, "tenant_id", reader, e + 6);
                WriteNullable(writer, "dotnet_type", reader, e + 7);
                writer.WriteString("data", reader.GetString(e + 8));
            }

            writer.WriteEndObject();
            await writer.FlushAsync(ct);
            stream.WriteByte((byte)'\n');
            writer.Reset(stream);
            count++;
        }

        return count;
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, NpgsqlDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
            writer.WriteNull(name);
        else
            writer.WriteString(name, reader.GetString(ordinal));
    }

    private static string Readme(Checkpoint checkpoint)
    {
        var text = new StringBuilder();
        text.Append("Offline proof of the VNF mobility console's audit log, checkpoint #").Append(checkpoint.Number)
            .Append(" (chain position ").Append(checkpoint.Position).Append(").\n\n");
        text.Append("Check it with the public key you got from the operator (not only the copy in this folder):\n\n");
        text.Append("  python3 verify-proof.py . --public-key operator-public-key.pem\n\n");
        text.Append("verify-proof.py and the format are in the console's repository, infra/audit/ (README.md there describes\n");
        text.Append("each file, the entry encoding and the same checks with openssl and sha256sum by hand).\n");
        return text.ToString();
    }
}

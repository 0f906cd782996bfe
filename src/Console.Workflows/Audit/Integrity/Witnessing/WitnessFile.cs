using System.Text;
using System.Text.Json;
using Console.Workflows.Audit.Integrity.Checkpoints;
using Console.Workflows.Audit.Integrity.Proofs;

namespace Console.Workflows.Audit.Integrity.Witnessing;

/// <summary>
/// The console's own witness outside the database: every signed tree head, once committed, is appended as one JSON
/// line to <c>tree-heads.jsonl</c> in <see cref="AuditIntegrityOptions.EffectiveWitnessFolder"/> (next to the signing
/// key unless configured). The file is only ever opened for appending; whoever rewrites the database cannot reach it,
/// and verification refuses a database whose tree does not extend every head in it.
/// </summary>
public sealed class WitnessFile(AuditIntegrityOptions options)
{
    public const string FileName = "tree-heads.jsonl";

    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly Lock _gate = new();

    public string Path => System.IO.Path.Combine(options.EffectiveWitnessFolder, FileName);

    public void Append(Checkpoint head)
    {
        ArgumentNullException.ThrowIfNull(head);
        var line = JsonSerializer.Serialize(SignedTreeHead.From(head), Json) + "\n";
        lock (_gate)
        {
            Directory.CreateDirectory(options.EffectiveWitnessFolder);
            using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
            stream.Write(Encoding.UTF8.GetBytes(line));
            stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>The heads in a witness file or a witness's store (lines with a <c>text</c> and <c>signature</c>); none when it does not exist.</summary>
    public static IReadOnlyList<SignedTreeHead> Read(string path)
    {
        if (!File.Exists(path))
            return [];
        var heads = new List<SignedTreeHead>();
        foreach (var line in File.ReadLines(path).Where(l => !string.IsNullOrWhiteSpace(l)))
        {
            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                // A witness's store line holds the head under "tree_head" next to its co-signature.
                var head = root.TryGetProperty("tree_head", out var inner) ? inner : root;
                heads.Add(head.Deserialize<SignedTreeHead>(Json) ?? throw new JsonException("empty line"));
            }
            catch (JsonException ex)
            {
                throw new InvalidOperationException($"The witness file {path} has a line that is not a signed tree head: {ex.Message}", ex);
            }
        }

        return heads;
    }
}
